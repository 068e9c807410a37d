"""Opened and clicked figures for outreach e-mails (打开率、点击率).

Each e-mail carries a 1×1 image whose address holds the message's id, signed; loading it marks the
message opened. Links in the e-mail point at our redirect with the message's id and the target
signed together, so nobody can make our site send visitors elsewhere: the redirect also goes
only to our own site or a host in OUTREACH_LINK_HOSTS (no open redirect), whatever was signed.
A first open and a first click are kept (conditional UPDATEs); a click counts as an open too."""

import re
from html import escape
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.html import urlize

from dianpu.core import clock

from .models import OutreachMessage

OPEN_SALT = "dianpu.customers.outreach-open"
CLICK_SALT = "dianpu.customers.outreach-click"
URL = re.compile(r"https?://[^\s<>\"']+")
# The smallest transparent GIF.
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def allowed_target(url: str) -> bool:
    """Our own site, or a host the shop listed (exactly, or a subdomain of it); http(s) only."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or "\\" in url:
        return False
    host = parts.hostname.lower()
    hosts = {urlsplit(settings.SITE_URL).hostname or ""} | {h.lower() for h in settings.OUTREACH_LINK_HOSTS}
    return any(host == h or host.endswith("." + h) for h in hosts if h)


def open_url(message_id: int) -> str:
    token = signing.dumps(message_id, salt=OPEN_SALT)
    return settings.SITE_URL + reverse("storefront:outreach-open", args=[token])


def click_url(message_id: int, target: str) -> str:
    token = signing.dumps({"m": message_id, "u": target}, salt=CLICK_SALT, compress=True)
    return settings.SITE_URL + reverse("storefront:outreach-click", args=[token])


def track_links(text: str, message_id: int) -> str:
    """Allowed links in a text through the click redirect; others are left as they are."""
    return URL.sub(lambda m: click_url(message_id, m.group(0)) if allowed_target(m.group(0)) else m.group(0), text)


def html_body(text: str, message_id: int) -> str:
    """The HTML part of an outreach e-mail: the (already tracked) text, links clickable, the pixel."""
    html = urlize(escape(text), nofollow=False).replace("\n", "<br>\n")
    return (
        f"<html><body><div>{html}</div>"
        f'<img src="{escape(open_url(message_id))}" width="1" height="1" alt=""></body></html>'
    )


def record_open(token: str) -> bool:
    try:
        message_id = signing.loads(token, salt=OPEN_SALT)
    except signing.BadSignature:
        return False
    return bool(OutreachMessage.objects.filter(pk=message_id, opened_at__isnull=True).update(opened_at=clock.now()))


def follow_click(token: str) -> str | None:
    """The target to redirect to (the click recorded), or None for a bad token or a target not allowed."""
    try:
        data = signing.loads(token, salt=CLICK_SALT)
    except signing.BadSignature:
        return None
    target = data.get("u", "") if isinstance(data, dict) else ""
    if not allowed_target(target):
        return None
    now = clock.now()
    OutreachMessage.objects.filter(pk=data.get("m"), clicked_at__isnull=True).update(clicked_at=now)
    OutreachMessage.objects.filter(pk=data.get("m"), opened_at__isnull=True).update(opened_at=now)
    return target
