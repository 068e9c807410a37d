"""Nothing waits on the network inside a database transaction.

A call to a payment gateway, a mail server, a carrier or a sales channel may take seconds; made
while a transaction is open it holds that transaction's row locks (on SQLite: the one write
lock of the whole shop) for as long. Every outbound client calls `ensure_outside_transaction`
before it connects. A transaction opened by Django's test case to isolate a test does not count.

Outside tests a violation is logged as an error (the call still goes out: a shop is not broken
for a bug it can live with); with the setting DIANPU_OUTBOUND_GUARD = "raise" (the test suite)
it raises `OutboundInTransactionError`, so the test that takes such a path fails.
"""

import logging

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)


class OutboundInTransactionError(AssertionError):
    """A network call was about to be made while a database transaction was open."""


def open_transaction_aliases() -> list[str]:
    """The databases on which the current thread holds a transaction that the code opened."""
    found = []
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block and any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks):
            found.append(conn.alias)
    return found


def in_transaction() -> bool:
    return bool(open_transaction_aliases())


def ensure_outside_transaction(what: str) -> None:
    """Call before connecting to an outside service; `what` names it for the error ("stripe …")."""
    aliases = open_transaction_aliases()
    if not aliases:
        return
    text = f"network call inside a database transaction ({', '.join(aliases)}): {what}"
    if getattr(settings, "DIANPU_OUTBOUND_GUARD", "log") == "raise":
        raise OutboundInTransactionError(text)
    log.error(text)
