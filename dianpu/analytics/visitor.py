"""The visitor behind a request, from the first-party tracking cookies the tracking script sets:
dp_vid (visitor, a year), dp_sid (visit, renewed while active, ends after 30 idle minutes),
dp_src (the visit's first touch: UTM tags and referring host), dp_consent (yes / no).

Nothing is tracked when the browser sends Do Not Track or Global Privacy Control, when tracking
is switched off, or when consent is required and not given."""

import json
import logging
import re
from urllib.parse import unquote

from django.conf import settings

from .domain.tracking import Device, classify_channel, classify_device, source_label
from .services import VisitContext

log = logging.getLogger(__name__)
VISITOR_COOKIE, SESSION_COOKIE, SOURCE_COOKIE, CONSENT_COOKIE = "dp_vid", "dp_sid", "dp_src", "dp_consent"
_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def tracking_allowed(request) -> bool:
    if not settings.ANALYTICS_TRACKING_ENABLED:
        return False
    if request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1":
        return False
    consent = request.COOKIES.get(CONSENT_COOKIE, "")
    if consent == "no":
        return False
    return consent == "yes" or not settings.ANALYTICS_CONSENT_REQUIRED


def first_touch(request) -> dict:
    """{"utm_source", "utm_medium", "utm_campaign", "referrer_host"} of the visit, "" where unknown."""
    raw = request.COOKIES.get(SOURCE_COOKIE, "")
    try:
        data = json.loads(unquote(raw)) if raw else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    clean = {k: str(data.get(k, ""))[:100].strip() for k in ("s", "m", "c")}
    host = str(data.get("r", ""))[:200].strip().lower()
    return {"utm_source": clean["s"], "utm_medium": clean["m"], "utm_campaign": clean["c"], "referrer_host": host}


def visit_context(request) -> VisitContext | None:
    """Who is visiting, or None when this request must not be tracked (or has no tracking cookies)."""
    if not tracking_allowed(request):
        return None
    visitor, session = request.COOKIES.get(VISITOR_COOKIE, ""), request.COOKIES.get(SESSION_COOKIE, "")
    if not (_ID.match(visitor) and _ID.match(session)):
        return None
    device = classify_device(request.headers.get("User-Agent", ""))
    if device == Device.BOT:
        return None
    touch = first_touch(request)
    return VisitContext(
        visitor_id=visitor,
        session_id=session,
        channel=classify_channel(
            utm_source=touch["utm_source"], utm_medium=touch["utm_medium"], referrer_host=touch["referrer_host"]
        ).value,
        source=source_label(utm_source=touch["utm_source"], referrer_host=touch["referrer_host"]),
        utm_campaign=touch["utm_campaign"],
        device=device.value,
    )


def order_attribution(request) -> dict:
    """What checkout stores on the order (first touch of the visit and the visitor id); empty when
    tracking is not allowed."""
    context = visit_context(request)
    if context is None:
        return {}
    touch = first_touch(request)
    return {**touch, "visitor_id": context.visitor_id}


def record_server_event(request, kind: str, *, product_id: int | None = None, order_id: int | None = None) -> None:
    """Record what the server saw this visitor do (add to cart, checkout, purchase). Never fails
    the page it is called from."""
    from .services import EventInput, record_events, record_paid_if_paid_already

    try:
        context = visit_context(request)
        if context is not None:
            record_events(
                context,
                [EventInput(kind=kind, path=request.path[:300], product_id=product_id, order_id=order_id)],
                from_browser=False,
            )
            if kind == "purchase" and order_id is not None:
                record_paid_if_paid_already(order_id)
    except Exception:  # tracking must never break shopping
        log.exception("could not record a tracking event", extra={"kind": kind})
