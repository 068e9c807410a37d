"""Every console page as every role, and every storefront page, in a real browser.

A small demo shop is seeded (`seed_demo` at a tenth of a percent of its size: every kind of row
exists, so every page with an id in its path has one to show). The console's URL patterns are
enumerated from the resolver, so a page added later is visited without editing this file; a
pattern with path parameters must say here which object fills them, or the test fails.

A page fails the crawl on: a server error, a message the browser logs as an error (a script the
Content Security Policy refuses is one), an uncaught exception, a request for a script, style,
image or icon that does not answer 200, or a page without a working icon.
"""

import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from dianpu.accounts.domain.roles import ROLES

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import browser  # noqa: E402  (scripts/browser.py: launches Debian's Chromium)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
if browser.chromium_path() is None:
    pytest.skip(
        "no Chromium at /usr/bin/chromium: run `make browser-deps` (apt-get install chromium)", allow_module_level=True
    )

DEMO_PASSWORD = "dianpu-demo"
NOW = "2026-06-20T15:00:00+08:00"

# Reports a browser logs as "error" that are not faults of the page: a 403/404 answer to the
# document itself is what a refused role or a missing object should get.
DOCUMENT_STATUS_MESSAGE = "Failed to load resource: the server responded with a status of"


def _first(model, field, **filters):
    value = model.objects.filter(**filters).order_by("pk").values_list(field, flat=True).first()
    assert value is not None, f"the demo shop has no {model.__name__} ({filters}) for the crawl"
    return value


def _path_parameters() -> dict[str, dict]:
    """URL name → the keyword arguments that open a demo object on that page."""
    from django.contrib.auth import get_user_model

    from dianpu.analytics.models import Report
    from dianpu.catalog.models import ImportJob, Product, Variant
    from dianpu.fulfillment.models import ShippingMethod, ShippingRate
    from dianpu.inventory.models import Stocktake
    from dianpu.marketing.models import Campaign
    from dianpu.messaging.models import NotificationTemplate
    from dianpu.orders.models import BlacklistEntry, Order
    from dianpu.promotions.models import Coupon, CouponBatch, Promotion
    from dianpu.purchasing.models import PurchaseOrder, Supplier
    from dianpu.returns.models import ReturnRequest

    slug = _first(Product, "slug")
    order = _first(Order, "number")
    method = _first(ShippingMethod, "code")
    stocktake = _first(Stocktake, "number")
    purchase_order = _first(PurchaseOrder, "number")
    return_number = _first(ReturnRequest, "number")
    template = NotificationTemplate.objects.order_by("pk").values("kind", "language").first() or {
        "kind": "order_confirmed",
        "language": "zh-hans",
    }
    parameters = {
        "catalog:product-attributes-save": {"slug": slug},
        "catalog:product-prices": {"slug": slug},
        "catalog:product-prices-save": {"slug": slug},
        "catalog:product-schedule-save": {"slug": slug},
        "catalog:product-duplicate": {"slug": slug},
        "catalog:product-images-save": {"slug": slug},
        "catalog:product-edit": {"slug": slug},
        "analytics:bestseller-product": {"slug": slug},
        "catalog:product-image-add": {"slug": slug},
        "catalog:product-delete": {"slug": slug},
        "orders:blacklist-remove": {"entry_id": _first(BlacklistEntry, "pk")},
        "orders:order-detail": {"number": order},
        "orders:order-transition": {"number": order},
        "orders:order-release": {"number": order},
        "orders:order-reject": {"number": order},
        "orders:order-split": {"number": order},
        "fulfillment:document": {"kind": "pick-list"},
        "fulfillment:method-edit": {"code": method},
        "shop:shipping-method-active": {"code": method},
        "fulfillment:rate-delete": {"code": method, "rate_id": _first(ShippingRate, "pk", method__code=method)},
        "inventory:move-list": {"sku": _first(Variant, "sku")},
        "inventory:safety-stock-set": {"sku": _first(Variant, "sku")},
        "inventory:stocktake-detail": {"number": stocktake},
        "inventory:stocktake-post": {"number": stocktake},
        "inventory:stocktake-cancel": {"number": stocktake},
        "purchasing:supplier-detail": {"code": _first(Supplier, "code")},
        "purchasing:order-detail": {"number": purchase_order},
        "purchasing:order-send": {"number": purchase_order},
        "purchasing:order-cancel": {"number": purchase_order},
        "purchasing:order-pdf": {"number": purchase_order},
        "accounts:staff-roles": {"user_id": get_user_model().objects.get(username="operator").pk},
        "payments:refund-create": {"number": order},
        "returns:return-create": {"order_number": order},
        "returns:return-detail": {"number": return_number},
        "returns:return-action": {"number": return_number, "action": "approve"},
        "messaging:template-edit": template,
        "messaging:template-preview": template,
        "messaging:template-reset": template,
        "promotions:promotion-edit": {"pk": _first(Promotion, "pk")},
        "promotions:promotion-end": {"pk": _first(Promotion, "pk")},
        "promotions:coupon-edit": {"code": _first(Coupon, "code")},
        "marketing:campaign-live": {"pk": _first(Campaign, "pk")},
        "marketing:campaign-report": {"pk": _first(Campaign, "pk")},
    }
    job = ImportJob.objects.order_by("pk").values_list("pk", flat=True).first()
    report = Report.objects.order_by("pk").values_list("pk", flat=True).first()
    # Rows the demo shop may not make: the pages are then visited with an id that does not exist
    # (a 404 page must also load cleanly).
    parameters["catalog:import-job"] = {"job_id": job or 999_999}
    parameters["catalog:import-errors"] = {"job_id": job or 999_999}
    parameters["promotions:batch-codes"] = {"pk": CouponBatch.objects.values_list("pk", flat=True).first() or 999_999}
    parameters["analytics:report-file"] = {"pk": report or 999_999, "fmt": "xlsx"}
    parameters["catalog:import-cancel"] = {"job_id": job or 999_999}
    from dianpu.channels.models import Channel
    from dianpu.competitors.models import CompetitorProduct
    from dianpu.customers.models import Customer

    customer = Customer.objects.order_by("pk").values_list("pk", flat=True).first() or 999_999
    parameters["customers:customer-detail"] = {"pk": customer}
    parameters["customers:customer-export"] = {"pk": customer}
    channel = Channel.objects.order_by("pk").values_list("pk", flat=True).first() or 999_999
    parameters["channels:channel-detail"] = {"channel_id": channel}
    parameters["channels:channel-download"] = {"channel_id": channel}
    from dianpu.channels.models import ChannelSyncJob

    parameters["channels:sync-job"] = {
        "channel_id": channel,
        "job_id": ChannelSyncJob.objects.filter(channel_id=channel).order_by("pk").values_list("pk", flat=True).first()
        or 999_999,
    }
    from dianpu.support.models import Conversation

    conversation = Conversation.objects.order_by("pk").values_list("pk", flat=True).first() or 999_999
    parameters["support:conversation-detail"] = {"pk": conversation}
    parameters["support:conversation-messages"] = {"pk": conversation}
    parameters["competitors:product-detail"] = {
        "pk": CompetitorProduct.objects.order_by("pk").values_list("pk", flat=True).first() or 999_999
    }
    parameters["accounts:token-revoke"] = {"token_id": 999_999}
    parameters["accounts:session-end"] = {"sign_in_id": 999_999}
    parameters["accounts:password-reset-confirm"] = {"uidb64": "MQ", "token": "not-a-token"}
    from dianpu.knowledge.models import Article

    article = Article.objects.order_by("pk").values_list("pk", flat=True).first() or 999_999
    for name in ("knowledge:article-detail", "knowledge:article-edit", "knowledge:article-publish"):
        parameters[name] = {"pk": article}
    from dianpu.design.models import Brief, Experiment
    from dianpu.teamwork.models import RoutineTemplate, TrainingDoc

    for name, model in (
        ("design:brief-detail", Brief),
        ("design:experiment-detail", Experiment),
        ("teamwork:training-detail", TrainingDoc),
        ("teamwork:template-edit", RoutineTemplate),
    ):
        parameters[name] = {"pk": model.objects.order_by("pk").values_list("pk", flat=True).first() or 999_999}
    from dianpu.reviews.models import Review

    parameters["reviews:review-moderate"] = {
        "pk": Review.objects.order_by("pk").values_list("pk", flat=True).first() or 999_999
    }
    from dianpu.finance.models import Settlement

    parameters["finance:settlement-detail"] = {
        "pk": Settlement.objects.order_by("pk").values_list("pk", flat=True).first() or 999_999
    }
    return parameters


def _console_patterns(resolver=None, prefix="", namespace=""):
    """(route, url name) of every console page, e.g. ("console/orders/<str:number>/", "orders:order-detail")."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _console_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and namespace.startswith("console:"):
            yield prefix + str(entry.pattern), namespace.removeprefix("console:") + (entry.name or "")


def _console_urls() -> list[tuple[str, str]]:
    """(what the address is, the address): the URL name, or the address itself where it has none."""
    from django.urls import reverse

    parameters = _path_parameters()
    urls, missing = [], []
    for route, name in _console_patterns():
        if name in {"logout"}:
            continue
        if "<" in route:
            if name not in parameters:
                missing.append(f"{name} ({route})")
                continue
            urls.append((name, reverse(f"console:{name}", kwargs=parameters[name])))
        else:
            urls.append((name, reverse(f"console:{name}")))
    assert not missing, f"say in _path_parameters which demo object opens: {missing}"
    rows = [f"/console/analytics/rows/?kind={kind}" for kind in ("visits", "refunds", "new", "returning")]
    return urls + [(url, url) for url in rows]


@pytest.fixture
def demo_shop(db):
    call_command("seed_demo", products=10, customers=25, orders=120, days=30, now=NOW, verbosity=0)


@pytest.fixture
def chromium_only(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        launched = browser.launch(playwright)
        yield launched
        launched.close()
    from django.db import connections

    connections.close_all()


class PageWatch:
    """Collects, for one browser context, everything that makes a page fail the crawl."""

    def __init__(self, context, base: str):
        self.base = base
        self.problems: list[str] = []
        self.current = ""
        self.icons: set[str] = set()
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', function (e) {"
            " console.error('CSP violation: ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline')); });"
        )
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"{self.current}: uncaught {error.error}"))
        context.on("requestfailed", self._failed)
        context.on("response", self._response)

    def _console(self, message):
        if message.type != "error":
            return
        document = message.page.url if message.page else self.current
        if message.text.startswith(DOCUMENT_STATUS_MESSAGE) and message.location.get("url", "") == document:
            return  # the page itself answered 403 / 404: judged by the crawl, not here
        self.problems.append(f"{self.current}: console error {message.text!r} at {message.location.get('url')}")

    def _failed(self, request):
        if request.failure == "net::ERR_ABORTED":
            return  # cut short by the next navigation (an icon still loading when the crawl moves on)
        self.problems.append(f"{self.current}: {request.url} failed ({request.failure})")

    def _response(self, response):
        request = response.request
        if request.resource_type in {"document", "xhr", "fetch"}:
            return
        if response.status not in (200, 304):
            self.problems.append(f"{self.current}: {request.resource_type} {response.url} answered {response.status}")

    def visit(self, page, url: str) -> int:
        self.current = self.base + url
        try:
            response = page.goto(self.current, wait_until="load")
        except sync_api.Error:
            # An answer without a body (a 405 to a POST-only address) is no page to load.
            return page.context.request.get(self.current, max_redirects=0).status
        if response is None:
            return 0
        if "text/html" in (response.headers.get("content-type") or ""):
            icon = page.evaluate("(document.querySelector('link[rel~=icon]') || {}).href || ''")
            if not icon:
                self.problems.append(f"{self.current}: no <link rel=icon>")
            else:
                self.icons.add(icon)
        return response.status


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/console/login/" not in url)


# What the owner's answer makes of each console address ("page", "file" or "post" for a 405),
# asked for by the first role's test on a worker and kept for the other roles' tests there.
_ADDRESS_KINDS: dict[str, str] = {}


def _kinds_as_the_owner(browser, base: str, urls: list[tuple[str, str]]) -> list[str]:
    """Fills _ADDRESS_KINDS; returns the addresses that answered the owner with a server error."""
    problems = []
    owner = browser.new_context()
    _login(owner.new_page(), base, "owner")
    for key, url in urls:
        answer = owner.request.get(base + url)
        if answer.status >= 500:
            problems.append(f"owner GET {url}: {answer.status}")
        elif answer.status == 405:
            _ADDRESS_KINDS[key] = "post"
        else:
            _ADDRESS_KINDS[key] = "page" if "text/html" in answer.headers.get("content-type", "") else "file"
    owner.close()
    return problems


# The crawl in two shares of about the same length (the owner opens every page, the operator most),
# each in its own xdist group, so that the serial pass (`--dist loadgroup`, scripts/test.sh) gives
# one to each worker. A role added later falls in the second share.
_FIRST_SHARE = ("owner", "marketing", "designer")
_SHARES = [
    tuple(role.code for role in ROLES if role.code in _FIRST_SHARE),
    tuple(role.code for role in ROLES if role.code not in _FIRST_SHARE),
]


@pytest.mark.long
@pytest.mark.parametrize(
    "roles",
    [pytest.param(share, id="-".join(share), marks=pytest.mark.xdist_group("-".join(share))) for share in _SHARES],
)
def test_every_console_page_loads_without_a_browser_error_as(roles, demo_shop, chromium_only, live_server):
    base = live_server.url
    urls = _console_urls()
    assert len(urls) > 60
    problems = []
    # Addresses that only take a POST (405 to a GET) or answer a file are asked for once, not visited.
    if any(key not in _ADDRESS_KINDS for key, _url in urls):
        problems += _kinds_as_the_owner(chromium_only, base, urls)
    pages = [url for key, url in urls if _ADDRESS_KINDS.get(key) == "page"]
    files = [url for key, url in urls if _ADDRESS_KINDS.get(key) == "file"]
    assert len(pages) > 60
    for role in roles:
        context = chromium_only.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        context.set_default_timeout(15_000)
        watch = PageWatch(context, base)
        page = context.new_page()
        _login(page, base, role)
        refused_page_seen, visited = False, 0
        for url in pages + files:
            # Every page the role may open is loaded in the browser; of those it may not, one (the
            # refusal page is the same for all) and the rest are only asked for.
            status = context.request.get(base + url).status
            if url in pages and (status != 403 or not refused_page_seen):
                refused_page_seen = refused_page_seen or status == 403
                status = watch.visit(page, url)
                visited += 1
            if status >= 500 or status == 0:
                problems.append(f"{role} GET {url}: {status}")
        for icon in watch.icons:
            answer = context.request.get(icon)
            if answer.status != 200:
                problems.append(f"icon {icon} answered {answer.status}")
        problems += watch.problems
        context.close()
        assert visited > (60 if role == "owner" else 5), f"{role} loaded only {visited} pages"
    assert not problems, "\n".join(problems)


def test_every_storefront_page_loads_without_a_browser_error(demo_shop, chromium_only, live_server):
    from django.db.models import F

    from dianpu.catalog.models import Category
    from dianpu.inventory.models import StockLevel
    from dianpu.orders.models import Order

    base = live_server.url
    context = chromium_only.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    watch = PageWatch(context, base)
    page = context.new_page()
    level = (
        StockLevel.objects.filter(variant__product__status="listed", on_hand__gt=F("reserved") + 2)
        .select_related("variant__product")
        .order_by("pk")
        .first()
    )
    assert level is not None
    product, sku = level.variant.product, level.variant.sku
    order = Order.objects.order_by("pk").first()
    statuses = {}
    for url in [
        "/",
        f"/c/{Category.objects.order_by('pk').first().slug}/",
        "/search/?q=%E8%A1%AC",
        "/search/?q=shirt",
        f"/products/{product.slug}/",
        "/cart/",
        "/orders/status/",
        f"/orders/status/?number={order.number}&email={order.email}",
        "/robots.txt",
        "/sitemap.xml",
        "/no-such-page/",
    ]:
        statuses[url] = watch.visit(page, url)
    # With something in the cart: the cart and the checkout.
    watch.visit(page, f"/products/{product.slug}/")
    page.check(f"form.add-to-cart input[name=sku][value='{sku}']")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_selector("#cart-feedback :is(a, p, div)")
    for url in ["/cart/", "/checkout/"]:
        statuses[url + " (with a line)"] = watch.visit(page, url)
    # Buying it: the thank-you page.
    page.fill("#id_email", "crawl@example.com")
    page.fill("#id_name", "李雷")
    page.fill("#id_phone", "13800138000")
    page.fill("#id_country", "CN")
    page.fill("#id_province", "浙江省")
    page.fill("#id_city", "杭州市")
    page.fill("#id_line1", "西湖区文三路 100 号")
    page.fill("#id_postcode", "310000")
    page.locator("input[name=shipping_method]").first.check()
    page.check("input[name=payment_method][value=bank_transfer]")
    watch.current = base + "/checkout/ (placing)"
    page.click("form.checkout button[type=submit]")
    page.wait_for_url("**/thanks/")
    for icon in watch.icons:
        answer = context.request.get(icon)
        if answer.status != 200:
            watch.problems.append(f"icon {icon} answered {answer.status}")
    context.close()
    assert statuses["/no-such-page/"] == 404
    assert {url: status for url, status in statuses.items() if status != 200} == {"/no-such-page/": 404}
    assert not watch.problems, "\n".join(watch.problems)
