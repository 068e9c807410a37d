"""Console pages: roles, the history page (chart data, our price beside theirs, changes
highlighted, no inline script), alerts applied through the pricing service, the daily check."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import PASSWORD
from dianpu.audit.models import AuditEntry
from dianpu.catalog.models import Variant
from dianpu.catalog.tests.builders import make_product
from dianpu.competitors.models import CheckItem, DailyCheck
from dianpu.competitors.services import record_snapshot
from dianpu.competitors.tests.builders import make_competitor_product
from dianpu.core import clock

pytestmark = pytest.mark.django_db


def _client(staff, role):
    client = Client()
    assert client.login(username=staff(role).username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "role, status",
    [
        ("owner", 200),
        ("operator", 200),
        ("marketing", 200),
        ("warehouse", 403),
        ("agent", 403),
        ("finance", 403),
        ("designer", 403),
    ],
)
def test_who_may_open_the_pages(staff, role, status):
    client = _client(staff, role)
    for url in ("/console/competitors/", "/console/competitors/alerts/", "/console/competitors/check/"):
        assert client.get(url).status_code == status, url


def test_history_page_shows_both_prices_and_what_changed(staff):
    ours = make_product(name="纯棉T恤", price="100.00")
    product = make_competitor_product(our_products=[ours])
    now = clock.now()
    record_snapshot(product=product, price="99", taken_at=now - timedelta(days=3))
    record_snapshot(product=product, price="89", promotion_text="限时折扣", taken_at=now - timedelta(hours=2))
    page = _client(staff, "marketing").get(f"/console/competitors/products/{product.pk}/")
    html = page.content.decode()
    data = json.loads(re.search(r'<script id="competitor-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert data["their_price"] == ["99.00", "89.00"] and data["our_price"] == ["100.00", "100.00"]
    assert "vendor/echarts.min.js" in html and "competitors/price_chart.js" in html
    since = re.search(r'<strong id="since-yesterday">(.*?)</strong>', html, re.S)[1]
    assert "价格变化" in since and "新促销" in since
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert " onclick=" not in html
    assert "vendor/echarts.min.js" not in _client(staff, "owner").get("/console/competitors/").content.decode()


def test_apply_suggested_price_from_the_alerts_page(staff):
    ours = make_product(name="纯棉T恤", price="100.00", cost_price="50.00")
    product = make_competitor_product(our_products=[ours])
    record_snapshot(product=product, price="88")
    client = _client(staff, "operator")
    page = client.get("/console/competitors/alerts/").content.decode()
    assert "采用建议价" in page
    alert_id = product.alerts.get().pk
    assert client.post("/console/competitors/alerts/", {"alert_id": alert_id, "action": "apply"}).status_code == 302
    assert Variant.objects.get(product=ours).price == Decimal("88.00")
    assert AuditEntry.objects.filter(action="price.changed").count() == 1
    assert "没有未处理的提醒" in client.get("/console/competitors/alerts/").content.decode()


def test_marketing_cannot_apply_a_price(staff):
    ours = make_product(price="100.00")
    product = make_competitor_product(our_products=[ours])
    record_snapshot(product=product, price="88")
    client = _client(staff, "marketing")
    assert "采用建议价" not in client.get("/console/competitors/alerts/").content.decode()
    client.post("/console/competitors/alerts/", {"alert_id": product.alerts.get().pk, "action": "apply"})
    assert Variant.objects.get(product=ours).price == Decimal("100.00")


def test_daily_check_lists_changes_since_the_last_check(staff):
    ours = make_product(price="100.00")
    product = make_competitor_product(our_products=[ours], name="同款T恤")
    record_snapshot(product=product, price="99", taken_at=clock.now() - timedelta(days=1))
    record_snapshot(product=product, price="97", taken_at=clock.now() - timedelta(hours=1))
    client = _client(staff, "operator")
    client.post("/console/competitors/check/", {"action": "start"})
    check = DailyCheck.objects.get()
    item = CheckItem.objects.get()
    assert item.changes == ["price"]
    client.post(
        "/console/competitors/check/",
        {"action": "tick", "check_id": check.pk, "item_id": item.pk, "note": "已跟进降价"},
    )
    item.refresh_from_db()
    assert item.note == "已跟进降价" and item.ticked_at is not None
    client.post("/console/competitors/check/", {"action": "finish", "check_id": check.pk})
    check.refresh_from_db()
    assert check.finished_at is not None and check.minutes_taken is not None
    # nothing new since: the next check is empty; a later change shows up in it
    client.post("/console/competitors/check/", {"action": "start"})
    second = DailyCheck.objects.filter(finished_at__isnull=True).get()
    assert second.items.count() == 0
    record_snapshot(product=product, price="97", promotion_text="第二件半价")
    client.post("/console/competitors/check/", {"action": "finish", "check_id": second.pk})
    client.post("/console/competitors/check/", {"action": "start"})
    third = DailyCheck.objects.filter(finished_at__isnull=True).get()
    assert list(third.items.values_list("changes", flat=True)) == [["promotion"]]
    assert "检查记录" in client.get("/console/competitors/check/").content.decode()


def test_import_snapshots_all_or_nothing_and_export_neutralises_formulas(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dianpu.competitors.models import Snapshot

    ours = make_product(price="100.00")
    product = make_competitor_product(our_products=[ours])
    client = _client(staff, "operator")
    bad = (
        f"竞品商品ID,时间,价格,促销\n{product.pk},2026-12-01 09:00,¥99,\n999999,2026-12-02,98,\n"
        f"{product.pk},not a date,97,\n"
    ).encode()
    page = client.post(
        "/console/competitors/", {"action": "import", "file": SimpleUploadedFile("s.csv", bad)}, follow=True
    ).content.decode()
    assert "3:competitor_product_id" in page and "4:taken_at" in page
    assert Snapshot.objects.count() == 0
    good = (
        f'竞品商品ID,时间,价格,促销,销量\n{product.pk},2026-12-01 09:00,"¥1,099.00",=HYPERLINK("x"),120\n'
        f"{product.pk},2026-12-02 09:00,89元,,130\n"
    ).encode()
    client.post("/console/competitors/", {"action": "import", "file": SimpleUploadedFile("s.csv", good)})
    assert list(Snapshot.objects.order_by("taken_at").values_list("price", "source")) == [
        (Decimal("1099.00"), "import"),
        (Decimal("89.00"), "import"),
    ]
    assert product.alerts.filter(kind="undercut").count() == 1
    big = SimpleUploadedFile("big.csv", b"x" * (5 * 1024 * 1024 + 1))
    assert (
        "文件过大"
        in client.post("/console/competitors/", {"action": "import", "file": big}, follow=True).content.decode()
    )
    exported = b"".join(client.get(f"/console/competitors/products/{product.pk}/?export=csv").streaming_content)
    import csv
    import io

    cells = [row[2] for row in csv.reader(io.StringIO(exported.decode("utf-8-sig")))][1:]
    assert '\'=HYPERLINK("x")' in cells  # one quote: the spreadsheet shows the text, not a formula
    assert not any(cell.startswith("''") or cell.startswith("=") for cell in cells)
    page = client.get(f"/console/competitors/products/{product.pk}/").content.decode()
    assert "=HYPERLINK(&quot;x&quot;)" in page and "&#x27;=HYPERLINK" not in page


def test_history_chart_has_their_rating_and_our_units_sold_and_the_trend_window_is_chosen(staff):
    from dianpu.orders.models import Order
    from dianpu.orders.tests.builders import place_test_order

    ours = make_product(name="纯棉T恤", price="100.00", stock=20, skus=["TEE-CHART"])
    product = make_competitor_product(our_products=[ours])
    place_test_order({"TEE-CHART": 3})
    cancelled = place_test_order({"TEE-CHART": 2})
    Order.objects.filter(pk=cancelled.pk).update(status=Order.Status.CANCELLED)
    record_snapshot(product=product, price="99", rating="4.8", taken_at=clock.now() - timedelta(days=3))
    record_snapshot(product=product, price="95", rating="4.7")
    client = _client(staff, "operator")
    html = client.get(f"/console/competitors/products/{product.pk}/").content.decode()
    data = json.loads(re.search(r'<script id="competitor-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert data["rating"] == ["4.80", "4.70"]
    assert data["our_sales"] == [0, 3]  # today's order counts, the cancelled one does not
    assert '<a href="?days=7">7</a>' in html and "<strong>30</strong>" in html
    week = client.get(f"/console/competitors/products/{product.pk}/?days=7").content.decode()
    assert "<strong>7</strong>" in week and "7 天价格趋势" in week
    assert client.get(f"/console/competitors/products/{product.pk}/?days=9999").status_code == 200
