"""Polling the service mailbox by IMAP (optional, the worker every few minutes): each unseen
message goes through `services.receive_inbound_email`, then is marked seen. Off unless
DIANPU_SUPPORT_IMAP_URL is set, e.g. `imaps://service%40shop.example.com:secret@imap.example.com/INBOX`.

Nothing waits on the mail server inside a database transaction: the messages are fetched first,
each is stored in its own transaction, and only then flagged on the server. A message stored but not
flagged (a broken connection) is fetched again next time and recognised by its Message-ID."""

import imaplib
import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from dianpu.core.outbound import ensure_outside_transaction

log = logging.getLogger(__name__)
MAX_MESSAGES_PER_POLL = 50
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class MailboxAddress:
    secure: bool
    host: str
    port: int
    username: str
    password: str
    folder: str


def parse_mailbox_url(url: str) -> MailboxAddress:
    parts = urlparse(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError("DIANPU_SUPPORT_IMAP_URL must look like imaps://user:password@host/INBOX")
    secure = parts.scheme == "imaps"
    return MailboxAddress(
        secure=secure,
        host=parts.hostname,
        port=parts.port or (993 if secure else 143),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def poll_mailbox(url: str, handle, *, timeout: float = 30) -> int:
    """Fetch up to MAX_MESSAGES_PER_POLL unseen messages, give each (raw bytes) to `handle`, flag it
    seen once handled. Returns how many were handled."""
    address = parse_mailbox_url(url)
    ensure_outside_transaction(f"IMAP {address.host}")
    kind = imaplib.IMAP4_SSL if address.secure else imaplib.IMAP4
    client = kind(address.host, address.port, timeout=timeout)
    handled = 0
    try:
        client.login(address.username, address.password)
        client.select(address.folder)
        _status, data = client.uid("SEARCH", None, "UNSEEN")
        uids = (data[0] or b"").split()[:MAX_MESSAGES_PER_POLL]
        for uid in uids:
            _status, parts = client.uid("FETCH", uid, "(RFC822)")
            raw = next((p[1] for p in parts if isinstance(p, tuple) and len(p) > 1), b"")
            if len(raw) > MAX_MESSAGE_BYTES:
                log.warning("support mailbox: message %s too large, left unseen", uid)
                continue
            handle(raw)
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            handled += 1
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return handled
