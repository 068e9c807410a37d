"""The fetcher against saved pages and a local HTTP server: selectors, robots.txt, the per-host rate
limit, timeouts, the size cap, content types, and the address checks (IPv4, IPv6, redirects, DNS)."""

import socket
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.competitors import services
from dianpu.competitors.domain.addresses import is_blocked_address
from dianpu.competitors.fetcher import FetchError, Page, read_product_page, read_values
from dianpu.competitors.models import CompetitorProduct, Snapshot
from dianpu.competitors.tests.builders import make_competitor_product

PAGES = Path(__file__).parent / "pages"
HTML = "text/html; charset=utf-8"


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}
    seen: list = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).seen.append((self.path, time.monotonic()))
        status, headers, body, delay = self.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"no", 0))
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    class Handler(_Handler):
        routes = {"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n", 0)}
        seen = []

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]
    settings.FETCH_ALLOW_HOSTS = [f"127.0.0.1:{port}"]
    settings.FETCH_HOST_INTERVAL_SECONDS = 0
    settings.FETCH_TIMEOUT_SECONDS = 2
    Handler.base = f"http://127.0.0.1:{port}"
    yield Handler
    httpd.shutdown()
    httpd.server_close()


def _page(name: str, content_type: str = HTML) -> tuple:
    return (200, {"Content-Type": content_type}, (PAGES / name).read_bytes(), 0)


def _fail(url, **selectors) -> FetchError:
    with pytest.raises(FetchError) as caught:
        read_product_page(url=url, price_selector=selectors.pop("price_selector", ".price"), **selectors)
    return caught.value


# --- saved pages --------------------------------------------------------------------------------


def test_css_selectors_on_a_saved_taobao_page():
    page = Page(
        url="https://item.example.com/item.htm?id=1",
        content_type="text/html",
        body=(PAGES / "taobao_item.html").read_bytes(),
    )
    reading = read_values(
        page,
        price_selector=".tb-coupon strong",
        promotion_selector=".tb-promo-tag",
        sales_selector=".tb-sell-counter strong",
        image_selector="#J_ImgBooth@src",
    )
    assert reading.price == Decimal("59.00")
    assert reading.promotion_text == "限时折扣 满199减20"
    assert reading.sales_count == 2310
    assert reading.main_image_url == "https://img.example.com/bao/uploaded/i1/t-shirt-main.jpg"
    assert len(reading.detail_hash) == 64
    assert read_values(page, price_selector="#J_PromoPriceNum").price == Decimal("69.00")


def test_key_paths_on_a_saved_json_page():
    page = Page(
        url="https://item.example.com/api", content_type="application/json", body=(PAGES / "jd_item.json").read_bytes()
    )
    reading = read_values(
        page,
        price_selector="$.data.price.p",
        promotion_selector="data.promotions[0].text",
        sales_selector="data.sales",
        image_selector="data.images[0]",
    )
    assert (reading.price, reading.promotion_text, reading.sales_count, reading.main_image_url) == (
        Decimal("1299.00"),
        "每满300减40",
        12000,
        "https://img.example.com/jd/main.jpg",
    )


def test_selector_matching_nothing_and_text_without_a_price():
    page = Page(url="https://x.example.com/", content_type="text/html", body=(PAGES / "taobao_item.html").read_bytes())
    with pytest.raises(FetchError) as caught:
        read_values(page, price_selector=".no-such-thing")
    assert caught.value.code == "selector_no_match"
    with pytest.raises(FetchError) as caught:
        read_values(page, price_selector="h1")
    assert caught.value.code == "price_unparsed"
    with pytest.raises(FetchError) as caught:
        read_values(page, price_selector="[[[")
    assert caught.value.code == "selector_no_match"


# --- addresses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, blocked",
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("100.64.0.1", True),
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("240.0.0.1", True),
        ("255.255.255.255", True),
        ("::1", True),
        ("::", True),
        ("fe80::1%eth0", True),
        ("fc00::1", True),
        ("ff02::1", True),
        ("::ffff:10.0.0.1", True),
        ("::ffff:127.0.0.1", True),
        ("64:ff9b::a00:1", True),
        ("2002:c0a8:101::1", True),
        ("not-an-ip", True),
        ("93.184.216.34", False),
        ("2606:2800:220:1:248:1893:25c8:1946", False),
    ],
)
def test_addresses_the_fetcher_never_reaches(address, blocked):
    assert is_blocked_address(address) is blocked


def test_loopback_and_ipv6_literals_are_refused_without_the_allow_list(settings):
    settings.FETCH_ALLOW_HOSTS = []
    for url in (
        "http://127.0.0.1:8000/item",
        "http://[::1]:8000/item",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:127.0.0.1]/",
        "file:///etc/passwd",
        "gopher://x.example.com/",
    ):
        assert _fail(url).code == "url_not_allowed", url


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch, settings):
    settings.FETCH_ALLOW_HOSTS = []
    connected = []
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))],
    )
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connected.append(a))
    assert _fail("https://shop.example.com/item/1").code == "url_not_allowed"
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("fd00::5", port, 0, 0))],
    )
    assert _fail("http://shop6.example.com/item/1").code == "url_not_allowed"
    assert connected == []


# --- against a local server -----------------------------------------------------------------------


def test_reads_a_page_from_the_server(server):
    server.routes["/item/1"] = _page("taobao_item.html")
    reading = read_product_page(url=server.base + "/item/1", price_selector=".tb-coupon strong")
    assert reading.price == Decimal("59.00")


def test_robots_txt_disallow_is_obeyed(server):
    server.routes["/private/item"] = _page("taobao_item.html")
    error = _fail(server.base + "/private/item", price_selector=".tb-coupon strong")
    assert (error.code, error.reason) == ("fetch_failed", "robots")
    assert "/private/item" not in [path for path, _ in server.seen]


def test_timeout_too_large_not_html_and_error_status(server, settings):
    settings.FETCH_TIMEOUT_SECONDS = 0.3
    server.routes["/slow"] = (200, {"Content-Type": HTML}, b"<p class=price>1</p>", 1.0)
    assert (_fail(server.base + "/slow").code, _fail(server.base + "/slow").reason) == ("fetch_failed", "timeout")
    settings.FETCH_MAX_BYTES = 1000
    server.routes["/big"] = (200, {"Content-Type": HTML}, b"<p class=price>1</p>" + b" " * 5000, 0)
    assert _fail(server.base + "/big").reason == "too_large"
    server.routes["/chunked"] = (200, {"Content-Type": HTML, "Content-Length": "10"}, b"", 0)
    server.routes["/image"] = (200, {"Content-Type": "image/png"}, b"\x89PNG....", 0)
    assert _fail(server.base + "/image").reason == "not_html"
    server.routes["/gone"] = (500, {"Content-Type": HTML}, b"oops", 0)
    assert _fail(server.base + "/gone").reason == "status"


def test_redirect_to_a_private_address_is_refused(server):
    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    other_port = other.getsockname()[1]
    other.close()
    for target in (f"http://127.0.0.1:{other_port}/admin", "http://[::1]/", "http://169.254.169.254/latest/"):
        server.routes["/hop"] = (302, {"Location": target}, b"", 0)
        assert _fail(server.base + "/hop").code == "url_not_allowed", target
    server.routes["/hop"] = (302, {"Location": "/item/2"}, b"", 0)
    server.routes["/item/2"] = _page("taobao_item.html")
    assert read_product_page(url=server.base + "/hop", price_selector="#J_PromoPriceNum").price == Decimal("69.00")
    server.routes["/loop"] = (302, {"Location": "/loop"}, b"", 0)
    assert _fail(server.base + "/loop").reason == "too_many_redirects"


@pytest.mark.django_db
def test_per_host_rate_limit_spaces_requests(server, settings):
    settings.FETCH_HOST_INTERVAL_SECONDS = 0.5
    server.routes["/a"] = _page("taobao_item.html")
    server.routes["/b"] = _page("taobao_item.html")
    ours = make_product(price="100.00")
    make_competitor_product(our_products=[ours], url=server.base + "/a", price_selector=".tb-coupon strong")
    make_competitor_product(our_products=[ours], url=server.base + "/b", price_selector=".tb-coupon strong")
    assert services.fetch_all_products() == {"fetched": 2, "failed": {}}
    times = {path: at for path, at in server.seen if path in ("/a", "/b")}
    assert times["/b"] - times["/a"] >= 0.45
    # a click in the console does not wait: a second read within the interval is refused
    product = CompetitorProduct.objects.first()
    with pytest.raises(Exception) as caught:
        services.fetch_product(product, wait=False)
    assert caught.value.code == "fetch_failed"


@pytest.mark.django_db
def test_scheduled_run_stores_errors_on_rows_and_continues(server, settings):
    ours = make_product(price="100.00")
    server.routes["/ok"] = _page("taobao_item.html")
    server.routes["/hop"] = (302, {"Location": "http://10.0.0.1/"}, b"", 0)
    bad_address = make_competitor_product(our_products=[ours], url=server.base + "/hop", price_selector=".x")
    no_match = make_competitor_product(our_products=[ours], url=server.base + "/ok", price_selector=".nothing")
    unparsed = make_competitor_product(our_products=[ours], url=server.base + "/ok", price_selector="h1")
    good = make_competitor_product(
        our_products=[ours],
        url=server.base + "/ok",
        price_selector=".tb-coupon strong",
        promotion_selector=".tb-promo-tag",
    )
    result = services.fetch_all_products()
    assert result == {
        "fetched": 1,
        "failed": {bad_address.pk: "url_not_allowed", no_match.pk: "selector_no_match", unparsed.pk: "price_unparsed"},
    }
    rows = {p.pk: p.last_error_code for p in CompetitorProduct.objects.all()}
    assert rows == {
        bad_address.pk: "url_not_allowed",
        no_match.pk: "selector_no_match",
        unparsed.pk: "price_unparsed",
        good.pk: "",
    }
    assert list(Snapshot.objects.values_list("product_id", "price", "source")) == [(good.pk, Decimal("59.00"), "fetch")]
    assert sorted(good.alerts.values_list("kind", flat=True)) == ["promotion", "undercut"]


@pytest.mark.django_db
def test_fetch_endpoint_contract(server, staff_api):
    api = staff_api("operator")
    ours = make_product(price="100.00")
    server.routes["/ok"] = _page("taobao_item.html")
    good = make_competitor_product(our_products=[ours], url=server.base + "/ok", price_selector="#J_PromoPriceNum")
    response = api.post(f"competitor-products/{good.pk}/fetch")
    assert response.status_code == 201 and response.json()["price"] == "69.00"
    private = make_competitor_product(our_products=[ours], url="http://192.168.0.1/item", price_selector=".p")
    response = api.post(f"competitor-products/{private.pk}/fetch")
    assert response.status_code == 422 and response.json()["code"] == "url_not_allowed"
    missing = make_competitor_product(our_products=[ours], url=server.base + "/ok", price_selector=".none")
    assert api.post(f"competitor-products/{missing.pk}/fetch").json()["code"] == "selector_no_match"
    server.routes["/nope"] = (404, {"Content-Type": HTML}, b"", 0)
    failed = make_competitor_product(our_products=[ours], url=server.base + "/nope", price_selector=".p")
    assert api.post(f"competitor-products/{failed.pk}/fetch").json()["code"] == "fetch_failed"
    assert Snapshot.objects.count() == 1
    listed = {row["id"]: row["last_error_code"] for row in api.get("competitor-products").json()}
    assert listed == {
        good.pk: "",
        private.pk: "url_not_allowed",
        missing.pk: "selector_no_match",
        failed.pk: "fetch_failed",
    }
