"""Whole storefront pages (home, category, product, search) cached for every shopper alike.

A page is rendered once with two marks where the per-shopper parts go (the CSRF token, the cart
badge) and stored in Django's cache (Redis when configured, else the process's memory) under a key
holding the storefront's page version (models.PageVersion: database triggers bump it in the same
transaction as any change to a product, SKU, price, image, category, banner, featured slot or
promotion, and a SKU going in or out of stock; a sale's counters do not bump it: migration 0004).
Each request reads the version first (one indexed read), so a page cached before a change is never served after the change commits. An entry also lives no longer than the
next scheduled start or end of a banner, featured slot or promotion, and 5 minutes at most.

A page is kept apart per language and for signed-in shoppers and visitors (the top bar links to
the account or to sign-in). Every answer carries an ETag (the page, the shopper's cart count and
CSRF secret) and Last-Modified; a browser that sends If-None-Match with the current ETag gets 304
Not Modified. The cart and the checkout never read from here: they price and count stock live.

A cached page costs a request: the page version, one cache read, the shopper's session (cart count)
and a CSRF token. The entry is kept as UTF-8 pieces split at the marks (no decoding, no search and
replace per request), and the token is masked the way Django's `get_token` does, with the random
characters drawn from one `os.urandom` call instead of one system call per character.
"""

import hashlib
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.html import format_html
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from dianpu.core import clock

from .models import PageVersion

CSRF_MARK = "dianpu-csrf-token-mark"
BADGE_MARK = "<!--dianpu:cart-badge-->"
SESSION_CUSTOMER = "customer_id"  # storefront.account: set while a shopper is signed in
MAX_SECONDS = 300
_guard = threading.Lock()
_building: dict[str, threading.Lock] = {}


def cart_badge(count: int) -> str:
    return format_html('<span id="cart-badge" class="badge{}">{}</span>', "" if count else " is-empty", count)


_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {c: i for i, c in enumerate(_CHARS)}
_UNBIASED = 256 - 256 % len(_CHARS)  # bytes from here up are dropped: each character equally likely


def _random_indexes(n: int) -> list[int]:
    """n indexes into the CSRF alphabet, uniformly random, from the operating system's CSPRNG."""
    indexes: list[int] = []
    while len(indexes) < n:
        indexes += [b % len(_CHARS) for b in os.urandom(n + n // 2) if b < _UNBIASED]
    return indexes[:n]


def csrf_token(request) -> str:
    """What `django.middleware.csrf.get_token(request)` returns, for less: the visitor's CSRF secret
    (a new one, sent as the cookie by CsrfViewMiddleware, when the request brought none) under a
    fresh random mask, so no two answers carry the same token (BREACH)."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = "".join(_CHARS[i] for i in _random_indexes(CSRF_SECRET_LENGTH))
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # (re)send the cookie, as get_token does
    mask = _random_indexes(CSRF_SECRET_LENGTH)
    size = len(_CHARS)
    return "".join(_CHARS[m] for m in mask) + "".join(
        _CHARS[(_INDEX[c] + m) % size] for c, m in zip(secret, mask, strict=True)
    )


def get_page_version() -> int:
    # One indexed read per request: plain SQL, as the ORM would cost more than the read.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {PageVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def placeholders() -> dict:
    """Context for a page rendered to be cached: marks instead of the shopper's own parts."""
    return {"csrf_token": CSRF_MARK, "cart_badge": mark_safe(BADGE_MARK)}


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and (storage._queued_messages or storage._loaded_messages))


def seconds_until(*moments) -> int:
    now = clock.now()
    seconds = [int((m - now).total_seconds()) + 1 for m in moments if m is not None]
    return max(1, min([MAX_SECONDS, *seconds]))


def _get_or_build(key: str, build_entry, *, use_cache: bool = True):
    """(the cache entry under `key`, None), or the one `build_entry()` makes. One thread of this
    process builds a missing entry; the others wait for it and read the cache (a popular page
    missing after a change is not built eight times at once). `build_entry()` returns (entry,
    seconds to keep it), or (None, response) for an answer not to be kept: then (None, response)."""
    entry = cache.get(key) if use_cache else None
    if entry is not None:
        return entry, None
    with _guard:
        lock = _building.setdefault(key, threading.Lock())
    try:
        with lock:
            entry = cache.get(key) if use_cache else None
            if entry is None:
                entry, kept_or_response = build_entry()
                if entry is None:
                    return None, kept_or_response
                if use_cache:
                    cache.set(key, entry, kept_or_response)
    finally:
        with _guard:
            _building.pop(key, None)
    return entry, None


_TOKEN, _BADGE = 0, 1  # where a piece of a kept page is the CSRF token or the cart badge


def _pieces(body: str) -> list[bytes | int]:
    """The page as UTF-8 pieces: the text between the marks, and _TOKEN / _BADGE where they were."""
    pieces: list[bytes | int] = []
    for i, part in enumerate(body.split(BADGE_MARK)):
        if i:
            pieces.append(_BADGE)
        for j, text in enumerate(part.split(CSRF_MARK)):
            if j:
                pieces.append(_TOKEN)
            pieces.append(text.encode())
    return pieces


def _fill(pieces: list[bytes | int], token: str, badge: str) -> bytes:
    marks = (token.encode(), badge.encode())
    return b"".join(marks[piece] if isinstance(piece, int) else piece for piece in pieces)


def serve(request, name: str, build, *, cart_count) -> HttpResponse:
    """The cached page `name` for this request's path, built by `build()` when missing.

    `build()` returns (response rendered with `placeholders()`, seconds it may be kept);
    `cart_count()` counts the shopper's cart. A page with a flash message is built for this
    request alone."""
    fresh = _has_messages(request) or not getattr(settings, "STOREFRONT_PAGE_CACHE", True)
    path_hash = hashlib.sha1(request.get_full_path().encode()).hexdigest()
    shopper = "member" if request.session.get(SESSION_CUSTOMER) else "visitor"
    key = f"storefront:page:{get_page_version()}:{get_language()}:{shopper}:{name}:{path_hash}"

    def build_entry():
        response, seconds = build()
        if response.status_code != 200 or getattr(response, "streaming", False):
            return None, response
        entry = {
            "pieces": _pieces(response.content.decode()),
            "at": time.time(),
            "tag": hashlib.sha1(response.content).hexdigest(),
            "content_type": response["Content-Type"],
        }
        return entry, seconds

    entry, uncached = _get_or_build(key, build_entry, use_cache=not fresh)
    if entry is None:
        return _personalise_plain(request, uncached, cart_count())
    count = cart_count()
    token = csrf_token(request)
    secret = request.META["CSRF_COOKIE"]
    etag = '"' + hashlib.sha1(f"{entry['tag']}:{count}:{secret}".encode()).hexdigest()[:32] + '"'
    last_modified = int(entry["at"])
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return _headers(not_modified, etag, last_modified)
    body = _fill(entry["pieces"], token, cart_badge(count))
    return _headers(HttpResponse(body, content_type=entry["content_type"]), etag, last_modified)


def _personalise_plain(request, response, count: int) -> HttpResponse:
    response.content = _fill(_pieces(response.content.decode()), csrf_token(request), cart_badge(count))
    return response


def _headers(response, etag: str, last_modified: int):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie, Accept-Language"  # a response made here: no Vary of its own yet
    return response


# --- the public catalogue API: the same cache, for clients that list products -----------------------

# Answers alike for every anonymous client, changed only by what bumps the page version (a product's
# detail is not here: its exact stock count moves without a bump).
PUBLIC_API_PATHS = ("/api/v1/products", "/api/v1/categories")


class PublicApiCacheMiddleware:
    """`GET /api/v1/products` (list and search) and `/api/v1/categories` without an Authorization
    header, from the page cache under the page version: an ETag of (version, language, full path)
    answers If-None-Match with 304 before any query, and the JSON is built once per version."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method != "GET"
            or request.path not in PUBLIC_API_PATHS
            or "HTTP_AUTHORIZATION" in request.META
            or not getattr(settings, "STOREFRONT_PAGE_CACHE", True)
        ):
            return self.get_response(request)
        signature = f"{get_page_version()}:{get_language()}:{request.get_full_path()}"
        tag = hashlib.sha1(signature.encode()).hexdigest()
        etag = f'"{tag[:32]}"'
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return self._headers(not_modified, etag)
        key = f"storefront:api:{tag}"

        def build_entry():
            response = self.get_response(request)
            if response.status_code != 200 or getattr(response, "streaming", False):
                return None, response
            return {"body": response.content, "content_type": response["Content-Type"]}, MAX_SECONDS

        entry, uncached = _get_or_build(key, build_entry)
        if entry is None:
            return uncached
        return self._headers(HttpResponse(entry["body"], content_type=entry["content_type"]), etag)

    @staticmethod
    def _headers(response, etag: str):
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"
        patch_vary_headers(response, ("Accept-Language", "Authorization"))
        return response
