"""Attempt budgets that hold across processes and machines: sign-in, order look-ups (status page,
after-sales pages, the API's returns endpoint) and the buyer's after-sales requests.

A `Limit` allows `allowed` counted tries per key in a window of `window_seconds` that starts at
the first counted try; a key that has used them is refused until its window ends — even a right
password or e-mail. Keys name who is tried and from where (`client_key(ip)`, `account_key(name)`,
`order_key(number)`); a try is refused when ANY of its keys is spent, so a guesser is stopped per
address and per target at once.

The counts live in the database (`core.AttemptCounter`, moved by conditional UPDATEs; SQLite and
PostgreSQL), which every web process and every app machine shares — never in a process's memory,
where each web worker would hand a guesser a fresh budget. (Not in Redis either: one store for
every install, whose windows follow the app's clock; failures are rare enough to write.)

    refused(limit, keys)   any key spent?
    count(limit, keys)     one more try for each key; returns the keys this try just spent
    forget(limit, keys)    start those keys afresh (a successful sign-in clears its account)
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from . import clock


@dataclass(frozen=True)
class Limit:
    scope: str
    allowed: int
    window_seconds: int


# Looking an order up by number + e-mail (status page, after-sales pages, API): failed tries.
ORDER_LOOKUP = Limit("order-lookup", 10, 15 * 60)
# After-sales requests a buyer may send (accepted or not) per client per window.
RETURN_REQUESTS = Limit("return-requests", 10, 15 * 60)
# Console sign-in: wrong passwords per account and per client address.
SIGN_IN = Limit("sign-in", 10, 15 * 60)
# Storefront / API customer sign-in: wrong passwords per customer login and per client address.
CUSTOMER_SIGN_IN = Limit("customer-sign-in", 10, 15 * 60)


def client_key(ip: str | None) -> str:
    return f"ip:{ip or '-'}"


def account_key(username: str) -> str:
    return f"account:{(username or '').strip().lower()}"


def order_key(number: str) -> str:
    return f"order:{(number or '').strip().upper()}"


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()  # fixed length, no e-mail or name stored


# --- the database --------------------------------------------------------------------------------
def _window_start(limit: Limit):
    return clock.now() - timedelta(seconds=limit.window_seconds)


def _db_used(limit: Limit, keys: list[str]) -> int:
    from .models import AttemptCounter

    rows = AttemptCounter.objects.filter(
        scope=limit.scope, key__in=[_hashed(k) for k in keys], window_started_at__gt=_window_start(limit)
    )
    return max(rows.values_list("failures", flat=True), default=0)


@transaction.atomic
def _db_count(limit: Limit, key: str) -> int:
    from .models import AttemptCounter

    now, hashed = clock.now(), _hashed(key)
    rows = AttemptCounter.objects.filter(scope=limit.scope, key=hashed)
    if not rows.exists():
        try:
            with transaction.atomic():
                AttemptCounter.objects.create(scope=limit.scope, key=hashed, window_started_at=now, failures=0)
            # A new window somewhere: drop this scope's counters whose window ended long ago.
            AttemptCounter.objects.filter(
                scope=limit.scope, window_started_at__lt=now - timedelta(seconds=2 * limit.window_seconds)
            ).delete()
        except IntegrityError:  # another process created it at the same moment
            pass
    # A window that ended starts again with this try; then one more try, by one statement each.
    rows.filter(window_started_at__lte=_window_start(limit)).update(window_started_at=now, failures=0)
    rows.update(failures=F("failures") + 1)
    return rows.values_list("failures", flat=True).get()


def _db_forget(limit: Limit, key: str) -> None:
    from .models import AttemptCounter

    AttemptCounter.objects.filter(scope=limit.scope, key=_hashed(key)).delete()


# --- the interface -------------------------------------------------------------------------------
def used(limit: Limit, keys) -> int:
    """The most tries any of `keys` has used in its current window."""
    return _db_used(limit, list(keys))


def refused(limit: Limit, keys) -> bool:
    return used(limit, keys) >= limit.allowed


def count(limit: Limit, keys) -> list[str]:
    """One more try for each key; the keys that this try brought to the limit (to be audited)."""
    return [key for key in keys if _db_count(limit, key) == limit.allowed]


def forget(limit: Limit, keys) -> None:
    for key in keys:
        _db_forget(limit, key)


def take(limit: Limit, key: str) -> bool:
    """Count one try for `key`; True when it is within the allowance (the n-th try of the window,
    n <= allowed). One counting statement per try: of tries sent at once, exactly `allowed` pass
    (a flood guard that counts every request, not only failures)."""
    return _db_count(limit, key) <= limit.allowed
