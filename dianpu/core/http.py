"""Facts about the HTTP request that several edges record (audit rows, order review, rate limits)."""


def client_ip(request) -> str | None:
    """The client's address as the app server sees it (the proxy sets REMOTE_ADDR; see
    docs/operations.md), or None when there is none."""
    return request.META.get("REMOTE_ADDR") or None
