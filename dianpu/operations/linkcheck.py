"""The storefront link checker: crawl the shop's own pages through Django's test client (no
network; the worker asks itself), follow internal links breadth-first up to a page bound, and
note every link that does not answer 2xx/3xx and every image that is missing. Media files are
checked in storage (a proxy may serve /media/ in production)."""

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client
from lxml import html as lxml_html

SKIP_PREFIXES = (
    "/console/",
    "/api/",
    "/i18n/",
    "/admin/",
    "/account/sign-out/",
    "/cart/add/",
    "/cart/update/",
    "/cart/coupon/",
    "/checkout/",
)
MAX_TARGETS = 5000  # distinct links and images checked per run


@dataclass
class Finding:
    page: str
    target: str
    kind: str  # link | image | asset (stylesheet, script)
    status: int


@dataclass
class CrawlResult:
    pages: int = 0
    links: int = 0
    truncated: bool = False
    problems: list[Finding] = field(default_factory=list)


def page_assets(content: bytes, base: str) -> dict[str, list[str]]:
    """Same-origin links, images, stylesheets and scripts of a page (paths, fragments dropped)."""
    try:
        tree = lxml_html.fromstring(content)
    except (ValueError, lxml_html.etree.ParserError):
        return {"links": [], "images": [], "styles": [], "scripts": []}

    def local(urls):
        found = []
        for url in urls:
            url = (url or "").strip()
            if not url or url.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
                continue
            parts = urlsplit(urljoin(base, url))
            if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != urlsplit(base).netloc):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in found:
                found.append(path)
        return found

    return {
        "links": local(tree.xpath("//a/@href")),
        "images": local(
            tree.xpath("//img/@src")
            + [s.split()[0] for v in tree.xpath("//img/@srcset") for s in v.split(",") if s.strip()]
        ),
        "styles": local(tree.xpath("//link[@rel='stylesheet']/@href")),
        "scripts": local(tree.xpath("//script/@src")),
    }


def _client_and_host() -> tuple[Client, str]:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")]
    host = hosts[0] if hosts else "localhost"
    return Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=settings.LANGUAGE_CODE), host


def _status(client: Client, path: str, secure: bool) -> int:
    if path.startswith(settings.MEDIA_URL):
        name = unquote(urlsplit(path).path[len(settings.MEDIA_URL) :])
        return 200 if name and default_storage.exists(name) else 404
    response = client.get(path, secure=secure)
    if response.status_code in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"])
        if target.path and target.path != urlsplit(path).path:
            response = client.get(target.path + (f"?{target.query}" if target.query else ""), secure=secure)
    return response.status_code


def crawl(max_pages: int, start: str = "/") -> CrawlResult:
    client, host = _client_and_host()
    secure = bool(getattr(settings, "HTTPS", False))
    base = f"{'https' if secure else 'http'}://{host}/"
    result = CrawlResult()
    queue, seen_pages, checked = deque([start]), {start}, {}
    while queue:
        if result.pages >= max_pages:
            result.truncated = True
            break
        path = queue.popleft()
        response = client.get(path, secure=secure, follow=True)
        result.pages += 1
        if response.status_code >= 400 or "html" not in response.get("Content-Type", ""):
            continue
        assets = page_assets(response.content, urljoin(base, path))
        for kind, targets in (
            ("link", assets["links"]),
            ("image", assets["images"]),
            ("asset", assets["styles"] + assets["scripts"]),
        ):
            for target in targets:
                if target.startswith(SKIP_PREFIXES):
                    continue
                if target not in checked:
                    if len(checked) >= MAX_TARGETS:
                        result.truncated = True
                        continue
                    checked[target] = _status(client, target, secure)
                    result.links += 1
                status = checked[target]
                if status >= 400:
                    result.problems.append(Finding(path, target, kind, status))
                elif (
                    kind == "link"
                    and "?" not in target
                    and target not in seen_pages
                    and not target.startswith((settings.STATIC_URL, settings.MEDIA_URL))
                ):
                    seen_pages.add(target)
                    queue.append(target)
    return result
