"""Ad spend import (CSV and XLSX, all or nothing), ROAS per channel, affiliate commissions."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from dianpu.accounts.tests.builders import PASSWORD, make_staff
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.core.errors import ValidationFailed
from dianpu.marketing.models import AdSpend, Affiliate
from dianpu.marketing.traffic import create_affiliate, import_ad_spend, report_channels, report_commissions
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


def today():
    return clock.now().date().isoformat()


def test_csv_import_replaces_a_day_and_refuses_bad_files_whole():
    csv_text = f"date,channel,spend,clicks\n{today()},douyin,100.00,40\n{today()},baidu,50,10\n"
    assert import_ad_spend(content=csv_text.encode(), filename="spend.csv") == 2
    assert import_ad_spend(content=f"date,channel,spend\n{today()},douyin,120\n".encode(), filename="s.csv") == 1
    assert AdSpend.objects.get(channel="douyin").spend == Decimal("120.00")
    with pytest.raises(ValidationFailed) as refused:
        import_ad_spend(content=f"date,channel,spend\n{today()},weibo,10\nbad,weibo,1\n".encode(), filename="x.csv")
    assert refused.value.errors["file"] == "第 3 行：日期无效，请用 2026-11-11 的格式"
    assert not AdSpend.objects.filter(channel="weibo").exists()


def test_xlsx_import():
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "channel", "spend", "campaign"])
    sheet.append([clock.now().date(), "xiaohongshu", 88.8, "double11-2026"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_ad_spend(content=buffer.getvalue(), filename="spend.xlsx") == 1
    assert AdSpend.objects.get().campaign == "double11-2026"


def test_roas_and_cost_per_order_per_channel():
    make_product(price="100.00", skus=["R-1"], stock=20)
    first = place_test_order({"R-1": 2})
    second = place_test_order({"R-1": 1}, email="x@example.com")
    Order.objects.filter(pk=first.pk).update(utm_source="douyin", utm_medium="cpc")
    Order.objects.filter(pk=second.pk).update(utm_source="douyin")
    import_ad_spend(content=f"date,channel,spend\n{today()},douyin,75\n".encode(), filename="s.csv")
    now = clock.now()
    rows = {r["channel"]: r for r in report_channels(now - timedelta(days=1), now + timedelta(days=1))}
    douyin = rows["douyin"]
    assert (douyin["orders"], douyin["revenue"], douyin["spend"]) == (2, Decimal("300.00"), Decimal("75.00"))
    assert douyin["roas"] == Decimal("4.00") and douyin["cost_per_order"] == Decimal("37.50")


def test_affiliate_commission_on_goods_paid():
    make_product(price="100.00", skus=["K-1"], stock=20)
    create_affiliate(code="KOL_AMY", name="Amy", commission_rate="0.1")
    order = place_test_order({"K-1": 3})
    Order.objects.filter(pk=order.pk).update(utm_source="kol_amy")
    place_test_order({"K-1": 1}, email="other@example.com")
    now = clock.now()
    (row,) = report_commissions(now - timedelta(days=1), now + timedelta(days=1))
    assert (row["orders"], row["revenue"], row["commission"]) == (1, Decimal("300.00"), Decimal("30.00"))
    with pytest.raises(ValidationFailed):
        create_affiliate(code="kol_amy", name="again", commission_rate="1.5")
    assert Affiliate.objects.count() == 1


def test_console_traffic_page_builds_links_and_imports():
    user = make_staff("marketing", "mk3")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(username=user.username, password=PASSWORD)
    page = client.get(
        "/console/marketing/traffic/",
        {"base_url": "https://shop.example.com/", "source": "wechat", "medium": "social", "campaign": "nianhuo"},
    ).content.decode()
    assert "https://shop.example.com/?utm_source=wechat&amp;utm_medium=social&amp;utm_campaign=nianhuo" in page
    upload = SimpleUploadedFile("s.csv", f"date,channel,spend\n{today()},wechat,20\n".encode())
    assert client.post("/console/marketing/traffic/", {"action": "import", "file": upload}).status_code == 302
    assert AdSpend.objects.get().channel == "wechat"
    agent = make_staff("agent", "ag")
    other = Client()
    other.login(username=agent.username, password=PASSWORD)
    assert other.get("/console/marketing/traffic/").status_code == 403
