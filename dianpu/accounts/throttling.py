"""Stopping guessers: console sign-in and order look-ups (order number + e-mail) are throttled per
target (account, order) and per client address, across every process and machine (the counts
are in the database: `dianpu.core.ratelimit`).

After `limit.allowed` failures in the window, further tries are refused until the window ends —
even with the right password or e-mail. The moment a key is spent is written to the audit log
(`security.sign_in_throttled`, `security.order_lookup_throttled`) with the client's address.
"""

from django.db import transaction

from dianpu.audit.services import record_audit
from dianpu.core import ratelimit


def _sign_in_keys(username: str, ip: str | None) -> list[str]:
    return [ratelimit.account_key(username), ratelimit.client_key(ip)]


def _lookup_keys(number: str, ip: str | None) -> list[str]:
    return [ratelimit.order_key(number), ratelimit.client_key(ip)]


def _audit_spent(action: str, spent: list[str], ip: str | None, limit: ratelimit.Limit) -> None:
    for key in spent:
        kind, _sep, value = key.partition(":")
        record_audit(
            actor=None,
            action=action,
            object_type=kind,
            object_id=value[:64],
            object_repr=value[:200],
            reason=f"{limit.allowed} failures in {limit.window_seconds // 60} min",
            ip_address=ip,
        )


def is_sign_in_refused(username: str, ip: str | None) -> bool:
    return ratelimit.refused(ratelimit.SIGN_IN, _sign_in_keys(username, ip))


@transaction.atomic
def record_sign_in_failure(username: str, ip: str | None) -> None:
    spent = ratelimit.count(ratelimit.SIGN_IN, _sign_in_keys(username, ip))
    _audit_spent("security.sign_in_throttled", spent, ip, ratelimit.SIGN_IN)


def record_sign_in_success(username: str) -> None:
    """The account's own count starts afresh (the address's does not: one person's success must
    not refill a guesser's budget)."""
    ratelimit.forget(ratelimit.SIGN_IN, [ratelimit.account_key(username)])


def is_customer_sign_in_refused(login: str, ip: str | None) -> bool:
    return ratelimit.refused(ratelimit.CUSTOMER_SIGN_IN, _sign_in_keys(login, ip))


@transaction.atomic
def record_customer_sign_in_failure(login: str, ip: str | None) -> None:
    spent = ratelimit.count(ratelimit.CUSTOMER_SIGN_IN, _sign_in_keys(login, ip))
    _audit_spent("security.customer_sign_in_throttled", spent, ip, ratelimit.CUSTOMER_SIGN_IN)


def record_customer_sign_in_success(login: str) -> None:
    ratelimit.forget(ratelimit.CUSTOMER_SIGN_IN, [ratelimit.account_key(login)])


def is_order_lookup_refused(number: str, ip: str | None) -> bool:
    return ratelimit.refused(ratelimit.ORDER_LOOKUP, _lookup_keys(number, ip))


@transaction.atomic
def record_order_lookup_failure(number: str, ip: str | None) -> None:
    spent = ratelimit.count(ratelimit.ORDER_LOOKUP, _lookup_keys(number, ip))
    _audit_spent("security.order_lookup_throttled", spent, ip, ratelimit.ORDER_LOOKUP)


def is_return_request_refused(number: str, ip: str | None) -> bool:
    """The API's after-sales door: a spent look-up budget, or too many requests from this client."""
    return is_order_lookup_refused(number, ip) or ratelimit.refused(
        ratelimit.RETURN_REQUESTS, [ratelimit.client_key(ip)]
    )


def record_return_request(ip: str | None) -> None:
    ratelimit.count(ratelimit.RETURN_REQUESTS, [ratelimit.client_key(ip)])


# The second step of a console sign-in (and confirming or turning off two-factor): wrong codes
# per account and per address. Fewer tries than passwords: six digits are easier to guess.
TWO_FACTOR = ratelimit.Limit("two-factor", 5, 15 * 60)


def is_two_factor_refused(username: str, ip: str | None) -> bool:
    return ratelimit.refused(TWO_FACTOR, _sign_in_keys(username, ip))


@transaction.atomic
def record_two_factor_failure(username: str, ip: str | None) -> None:
    spent = ratelimit.count(TWO_FACTOR, _sign_in_keys(username, ip))
    _audit_spent("security.two_factor_throttled", spent, ip, TWO_FACTOR)


def record_two_factor_success(username: str) -> None:
    ratelimit.forget(TWO_FACTOR, [ratelimit.account_key(username)])
