"""Reading a competitor's product page: the one place dianpu fetches a URL it did not choose.

Every hop (the first URL and each redirect, followed by hand) is checked before connecting: http or
https only; the host is resolved and every address it resolves to must be public (see
domain/addresses.py) unless "host:port" is in DIANPU_FETCH_ALLOW_HOSTS; the connection then goes to
the address that was checked (no second lookup a DNS rebind could change). robots.txt is obeyed, one
request per host per DIANPU_FETCH_HOST_INTERVAL_SECONDS, a timeout, a size cap, HTML or JSON only.
Never called inside a database transaction (dianpu.core.outbound)."""

import http.client
import socket
import ssl
import time
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.cache import cache

from dianpu.core.outbound import ensure_outside_transaction

from .domain.addresses import host_port_key, is_blocked_address
from .domain.extract import SelectorInvalid, content_hash, parse_document, select_text
from .domain.prices import parse_price

MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
JSON_TYPES = ("application/json",)
ROBOTS_CACHE_SECONDS = 3600


class FetchError(Exception):
    """code: url_not_allowed | fetch_failed | selector_no_match | price_unparsed; reason for fetch_failed."""

    def __init__(self, code: str, reason: str = "", detail: str = ""):
        self.code, self.reason, self.detail = code, reason, detail or reason or code
        super().__init__(f"{code}: {self.detail}")


@dataclass(frozen=True)
class Page:
    url: str
    content_type: str
    body: bytes


@dataclass(frozen=True)
class PageReading:
    price: object
    promotion_text: str
    sales_count: int | None
    main_image_url: str
    detail_hash: str


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked, with the host name for SNI and certificate checks."""

    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        ensure_outside_transaction(f"HTTPS {self.host}:{self.port}")
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _target(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("url_not_allowed", detail=url[:200])
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchError("url_not_allowed", detail=url[:200]) from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, parts.hostname, port, path


def resolve_allowed(host: str, port: int) -> str:
    """The address to connect to, after checking every address the name resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise FetchError("fetch_failed", "connection", f"DNS: {host}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError("fetch_failed", "connection", f"DNS: {host}")
    if host_port_key(host, port) not in settings.FETCH_ALLOW_HOSTS:
        if any(is_blocked_address(a) for a in addresses):
            raise FetchError("url_not_allowed", detail=f"{host}:{port}")
    return addresses[0]


def _request(url: str, *, accept: str) -> tuple[int, dict, bytes, str]:
    """One GET to a checked address; returns (status, headers, body, url)."""
    scheme, host, port, path = _target(url)
    address = resolve_allowed(host, port)
    timeout = settings.FETCH_TIMEOUT_SECONDS
    if scheme == "https":
        conn = _PinnedHTTPSConnection(host, address, port, timeout)
    else:
        conn = http.client.HTTPConnection(address, port, timeout=timeout)
    host_header = host if port in (80, 443) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port in (80, 443) else f"[{host}]:{port}"
    try:
        conn.request(
            "GET",
            path,
            headers={
                "Host": host_header,
                "User-Agent": settings.FETCH_USER_AGENT,
                "Accept": accept,
                "Accept-Encoding": "identity",
            },
        )
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        limit = settings.FETCH_MAX_BYTES
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise FetchError("fetch_failed", "too_large")
        body = response.read(limit + 1) if response.status == 200 else b""
        if len(body) > limit:
            raise FetchError("fetch_failed", "too_large")
        return response.status, headers, body, url
    except TimeoutError:
        raise FetchError("fetch_failed", "timeout") from None
    except (OSError, http.client.HTTPException) as error:
        raise FetchError("fetch_failed", "connection", str(error)[:200]) from None
    finally:
        conn.close()


def _get_following_redirects(url: str, *, accept: str) -> tuple[int, dict, bytes, str]:
    for _hop in range(MAX_REDIRECTS + 1):
        status, headers, body, url = _request(url, accept=accept)
        if status in (301, 302, 303, 307, 308) and headers.get("location"):
            url = urljoin(url, headers["location"])
            continue
        return status, headers, body, url
    raise FetchError("fetch_failed", "too_many_redirects")


def robots_allow(url: str) -> bool:
    scheme, host, port, path = _target(url)
    key = f"competitors:robots:{scheme}:{host_port_key(host, port)}"
    lines = cache.get(key)
    if lines is None:
        robots_url = f"{scheme}://{host if ':' not in host else '[' + host + ']'}:{port}/robots.txt"
        try:
            status, _headers, body, _url = _get_following_redirects(robots_url, accept="text/plain")
        except FetchError as error:
            if error.code == "url_not_allowed":
                raise
            status, body = 503, b""
        if status == 200:
            lines = body.decode("utf-8", errors="replace").splitlines()
        elif status in (401, 403) or status >= 500:
            lines = ["User-agent: *", "Disallow: /"]
        else:
            lines = []
        cache.set(key, lines, ROBOTS_CACHE_SECONDS)
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(lines)
    return parser.can_fetch(settings.FETCH_USER_AGENT, url)


def wait_for_host(url: str, *, wait: bool) -> None:
    """One request per host per interval: wait for the slot (the worker) or refuse (a click)."""
    _scheme, host, port, _path = _target(url)
    key = f"competitors:host-slot:{host_port_key(host, port)}"
    interval = settings.FETCH_HOST_INTERVAL_SECONDS
    while interval > 0:
        if cache.add(key, time.time(), timeout=max(1, int(interval + 0.999))):
            return
        last = cache.get(key)
        remaining = interval - (time.time() - last) if last is not None else 0
        if remaining <= 0:
            cache.set(key, time.time(), timeout=max(1, int(interval + 0.999)))
            return
        if not wait:
            raise FetchError("fetch_failed", "rate_limited")
        time.sleep(min(remaining, interval))


def fetch_page(url: str, *, wait: bool = True) -> Page:
    _target(url)
    if not robots_allow(url):
        raise FetchError("fetch_failed", "robots")
    wait_for_host(url, wait=wait)
    status, headers, body, final_url = _get_following_redirects(
        url, accept="text/html,application/xhtml+xml,application/json;q=0.9"
    )
    if status != 200:
        raise FetchError("fetch_failed", "status", f"HTTP {status}")
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type not in HTML_TYPES + JSON_TYPES:
        raise FetchError("fetch_failed", "not_html", content_type[:80])
    return Page(url=final_url, content_type=content_type, body=body)


def read_values(
    page: Page, *, price_selector: str, promotion_selector: str = "", sales_selector: str = "", image_selector: str = ""
) -> PageReading:
    is_json = page.content_type in JSON_TYPES
    try:
        document = parse_document(page.body, is_json)
    except (ValueError, Exception):  # noqa: BLE001 - lxml raises ParserError on empty pages
        raise FetchError("selector_no_match", detail="unparseable page") from None
    try:
        price_text = select_text(document, price_selector, is_json)
        promotion = select_text(document, promotion_selector, is_json) or ""
        sales_text = select_text(document, sales_selector, is_json)
        image = select_text(document, image_selector, is_json) or ""
    except SelectorInvalid as error:
        raise FetchError("selector_no_match", detail=str(error)[:200]) from None
    if price_text is None:
        raise FetchError("selector_no_match", detail=price_selector)
    price = parse_price(price_text)
    if price is None:
        raise FetchError("price_unparsed", detail=price_text[:200])
    sales = parse_price(sales_text) if sales_text else None
    return PageReading(
        price=price,
        promotion_text=promotion[:300],
        sales_count=int(sales) if sales is not None else None,
        main_image_url=urljoin(page.url, image)[:500] if image else "",
        detail_hash=content_hash(document, is_json),
    )


def read_product_page(
    *,
    url: str,
    price_selector: str,
    promotion_selector: str = "",
    sales_selector: str = "",
    image_selector: str = "",
    wait: bool = True,
) -> PageReading:
    if not url:
        raise FetchError("url_not_allowed", detail="no url")
    page = fetch_page(url, wait=wait)
    return read_values(
        page,
        price_selector=price_selector,
        promotion_selector=promotion_selector,
        sales_selector=sales_selector,
        image_selector=image_selector,
    )
