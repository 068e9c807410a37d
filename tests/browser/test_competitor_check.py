"""The daily competitor check in a browser: the operator opens the history page (the chart draws
from the static script, no console errors), starts today's check, ticks the changed item with a
note, finishes, and the check appears in the history with the time it took."""

from datetime import timedelta

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.catalog.tests.builders import make_product
from dianpu.competitors.models import CheckItem, DailyCheck
from dianpu.competitors.services import record_snapshot
from dianpu.competitors.tests.builders import make_competitor_product
from dianpu.core import clock

from .conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_operator_does_the_daily_check(page, live_server):
    operator = make_staff("operator")
    ours = make_product(name="纯棉T恤", price="100.00")
    product = make_competitor_product(our_products=[ours], name="同款纯棉T恤")
    record_snapshot(product=product, price="99", taken_at=clock.now() - timedelta(days=2))
    record_snapshot(product=product, price="92", promotion_text="满199减20", taken_at=clock.now() - timedelta(hours=3))
    base = live_server.url
    console_login(page, base, operator.username, then=f"/console/competitors/products/{product.pk}/")
    page.wait_for_selector("#competitor-chart canvas")
    assert "新促销" in page.inner_text("#since-yesterday")

    page.goto(f"{base}/console/competitors/check/")
    page.click("#start-check")
    row = page.locator("#check-items tbody tr").first
    assert "同款纯棉T恤" in row.inner_text() and "新促销" in row.inner_text()
    row.locator("input[name=note]").fill("已报名同款满减")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("#check-items tr.done")
    assert page.inner_text("#check-progress") == "1/1"
    page.click("#finish-check")
    page.wait_for_selector("#check-history tbody tr td.num")
    assert CheckItem.objects.get().note == "已报名同款满减"
    check = DailyCheck.objects.get()
    assert check.finished_at is not None
    assert operator.username in page.inner_text("#check-history")
