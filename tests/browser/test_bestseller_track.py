"""The bestseller table on a 1366-pixel screen and one product's page: its chart drawn by the
static script from the json_script data, no browser error, the table without a sideways scroll."""

from datetime import timedelta

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.analytics.domain.tracking import Kind
from dianpu.analytics.tests.builders import fold, track, visit
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock

from .conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_table_fits_1366_pixels_and_the_product_page_draws_its_chart(chromium, live_server):
    make_staff("operator")
    tee = make_product(name="有机棉宽松圆领短袖T恤（男女同款）", price="120.00", stock=20, skus=["TEE-C"])
    yesterday = clock.now() - timedelta(days=1)
    clock.freeze(yesterday)
    try:
        for n in range(3):
            track(visit(f"visitor-{n}"), Kind.PRODUCT_VIEW, product=tee)
        fold()
    finally:
        clock.freeze(None)
    base = live_server.url
    page = chromium.new_context(viewport={"width": 1366, "height": 768}).new_page()
    console_login(page, base, "operator", then="/console/analytics/bestsellers/")
    row = page.locator("#table-bestsellers tbody tr", has_text="有机棉").first
    assert row.locator("td").nth(2).inner_text() == "3"  # yesterday by default
    wrap = page.locator("#table-bestsellers").evaluate(
        "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]"
    )
    assert wrap[0] <= wrap[1], f"the table scrolls sideways at 1366 px: {wrap}"
    assert page.evaluate("typeof window.echarts") == "undefined"  # no chart here, no chart library
    row.locator("a").first.click()
    page.wait_for_url(f"**/console/analytics/bestsellers/{tee.slug}/")
    page.wait_for_selector("#analytics-product-track canvas")
    assert page.locator("#table-product_track tbody tr").count() == 30
