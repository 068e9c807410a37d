"""A per-client attempt budget kept in the cache: the storefront's order-status lookup and the
buyer's after-sales request both use it (same key scheme), so a guesser of order numbers and
e-mails gets one budget per window, whichever door they knock on.

`used(scope, client)` reads the count; `spend(scope, client, window)` adds one (atomic `add`, then
`incr`, so two requests at once both count).
"""

from django.core.cache import cache


def _key(scope: str, client: str | None) -> str:
    return f"ratelimit:{scope}:{client or '-'}"


def used(scope: str, client: str | None) -> int:
    return cache.get(_key(scope, client)) or 0


def exhausted(scope: str, client: str | None, allowed: int) -> bool:
    return used(scope, client) >= allowed


def spend(scope: str, client: str | None, window_seconds: int) -> None:
    key = _key(scope, client)
    if cache.add(key, 1, window_seconds):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)


# Looking an order up by number + e-mail (status page, after-sales request): failed tries per client.
ORDER_LOOKUP = "order-lookup"
ORDER_LOOKUP_ALLOWED = 20
ORDER_LOOKUP_WINDOW_SECONDS = 15 * 60
# After-sales requests a buyer may send (accepted or not) per client per window.
RETURN_REQUESTS = "return-requests"
RETURN_REQUESTS_ALLOWED = 10
RETURN_REQUESTS_WINDOW_SECONDS = 15 * 60
