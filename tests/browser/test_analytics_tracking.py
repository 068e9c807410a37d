"""Analytics tracking: a visitor browses a category and a product and adds it to the cart; the
first-party track.js sends the beacons, the fold task counts them, and the console's dashboard
and bestseller sheet show that visit. A browser asking not to be tracked leaves no trace."""

import time

import pytest
from django.utils import timezone

from dianpu.accounts.tests.builders import make_staff
from dianpu.analytics import services
from dianpu.analytics.models import DailyProductStat, DailyStat, TrackingEvent
from dianpu.catalog.tests.builders import make_category, make_product

from .conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Both signals a browser has: the header on every request and navigator.doNotTrack for scripts.
DNT_SCRIPT = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'});"


def _desktop(chromium) -> str:
    """A desktop Chrome's user agent: headless Chromium says "HeadlessChrome", which the shop
    rightly counts as a robot and does not track."""
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{chromium.version} Safari/537.36"
    )


def _browse_and_add_to_cart(page, base, product) -> None:
    page.goto(f"{base}/c/tea/")
    page.click(f"[data-dp-product='{product.pk}'] a[href='/products/{product.slug}/']")
    page.wait_for_url(f"**/products/{product.slug}/")
    page.fill("input[name=quantity]", "1")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_selector("#cart-feedback :is(a, p, div)")


def _wait_for_events(kinds: set[str], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not kinds <= set(TrackingEvent.objects.values_list("kind", flat=True)):
        got = sorted(TrackingEvent.objects.values_list("kind", flat=True))
        assert time.monotonic() < deadline, f"beacons received: {got}, expected: {sorted(kinds)}"
        time.sleep(0.2)


def test_a_visit_is_counted_and_do_not_track_is_honoured(chromium, live_server):
    base = live_server.url
    tea = make_category(name="茶叶", name_en="Tea", slug="tea")
    product = make_product(name="安吉白茶", price="88.00", stock=10, skus=["TEA-AJ"], category=tea)
    make_staff("operator")

    # First a visitor whose browser asks not to be tracked: no cookie, no event, even server-side.
    private = chromium.new_context(user_agent=_desktop(chromium), extra_http_headers={"DNT": "1"})
    private.add_init_script(DNT_SCRIPT)
    page = private.new_page()
    _browse_and_add_to_cart(page, base, product)
    assert page.evaluate("navigator.doNotTrack") == "1"
    assert not {c["name"] for c in private.cookies()} & {"dp_vid", "dp_sid"}
    private.close()  # the page is left: a tracking script would flush its queue now
    assert TrackingEvent.objects.count() == 0

    # Then an ordinary visitor: track.js sets its cookies and sends the beacons.
    context = chromium.new_context(user_agent=_desktop(chromium))
    page = context.new_page()
    _browse_and_add_to_cart(page, base, product)
    visitor = {c["name"]: c["value"] for c in context.cookies()}["dp_vid"]
    _wait_for_events({"page_view", "list_impression", "list_click", "product_view", "add_to_cart"})
    context.close()
    time.sleep(0.5)  # the last beacon, sent as the page went away
    assert set(TrackingEvent.objects.values_list("visitor_id", flat=True)) == {visitor}
    assert TrackingEvent.objects.filter(kind="product_view", product_id=product.pk).count() == 1
    assert TrackingEvent.objects.filter(kind="add_to_cart", product_id=product.pk).count() == 1

    # The fold task runs (the worker's periodic job) and the figures appear.
    assert services.fold_tracking_events(lag_seconds=0) == TrackingEvent.objects.count()
    today = timezone.localdate()
    stat = DailyStat.objects.get(day=today)
    assert (stat.visitors, stat.visits, stat.page_views) == (1, 1, 2)
    figures = DailyProductStat.objects.get(day=today, product_id=product.pk)
    assert (figures.views, figures.visitors, figures.add_to_carts, figures.list_clicks) == (1, 1, 1, 1)

    # The operator sees the visit on the dashboard and in the bestseller sheet.
    page = chromium.new_context().new_page()
    console_login(page, base, "operator", then=f"/console/analytics/?date_from={today}&date_to={today}")
    assert page.inner_text("#card-visitors .card-value") == "1"
    page.goto(f"{base}/console/analytics/bestsellers/?date={today}")
    headers = page.locator("#table-bestsellers thead th").all_inner_texts()
    row = page.locator("#table-bestsellers tbody tr", has_text="安吉白茶").locator("td").all_inner_texts()
    shown = dict(zip(headers, row, strict=True))
    assert (shown["访客数"], shown["加购率"], shown["转化率"]) == ("1", "100.0%", "0.0%")  # views, clicks: export
