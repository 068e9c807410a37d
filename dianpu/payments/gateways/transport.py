"""The one way a gateway reaches its service over HTTP: never inside a database transaction
(dianpu.core.outbound), always with a timeout (PAYMENT_GATEWAY_TIMEOUT_SECONDS, 15 s unless set)."""

import urllib.request

from django.conf import settings

from dianpu.core.outbound import ensure_outside_transaction


def timeout_seconds() -> float:
    return float(getattr(settings, "PAYMENT_GATEWAY_TIMEOUT_SECONDS", 15) or 15)


def open_url(request: urllib.request.Request, *, what: str):
    """urllib.request.urlopen for a gateway call; raises what urlopen raises."""
    ensure_outside_transaction(f"{what} {request.get_method()} {request.full_url}")
    return urllib.request.urlopen(request, timeout=timeout_seconds())  # noqa: S310 (configured base URL)
