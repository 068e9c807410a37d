from decimal import Decimal

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.payments.models import Refund
from dianpu.returns.models import ReturnRequest

from .builders import delivered_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    make_product(name="纯棉T恤", price="50.00", stock=10, skus=["TEE-1"])
    return delivered_order({"TEE-1": 2})


def test_agent_opens_and_approves_warehouse_receives_finance_refunds(client, staff, order):
    line = order.lines.get()
    client.force_login(staff("agent"))
    page = client.get(f"/console/orders/{order.number}/").content.decode()
    assert f"/console/returns/new/{order.number}/" in page
    response = client.post(
        f"/console/returns/new/{order.number}/",
        {"kind": "return", "reason": "damaged", "reason_detail": "破损", f"qty-{line.pk}": "1"},
    )
    ret = ReturnRequest.objects.get()
    assert response.status_code == 302 and ret.status == "requested"
    queue = client.get("/console/returns/").content.decode()
    assert ret.number in queue and "商品破损" in queue
    client.post(f"/console/returns/{ret.number}/approve/", {"note": "同意"})
    detail = client.get(f"/console/returns/{ret.number}/").content.decode()
    assert 'data-action="receive"' not in detail  # the agent cannot receive goods
    assert client.post(f"/console/returns/{ret.number}/receive/", {}).status_code == 403

    client.force_login(staff("warehouse"))
    rline = ret.lines.get()
    client.post(f"/console/returns/{ret.number}/receive/", {f"restock-{rline.pk}": "1", f"writeoff-{rline.pk}": "0"})
    ret.refresh_from_db()
    assert ret.status == "received"

    client.force_login(staff("finance"))
    client.post(f"/console/returns/{ret.number}/refund/", {"include_shipping": "on"})
    ret.refresh_from_db()
    assert ret.status == "refunded"
    assert (Refund.objects.get().amount, Refund.objects.get().shipping_amount) == (Decimal("50.00"), Decimal("0.00"))
    assert AuditEntry.objects.filter(action="return.refund").count() == 1


def test_a_bad_inspection_shows_why_and_changes_nothing(client, staff, order):
    client.force_login(staff("agent"))
    line = order.lines.get()
    client.post(f"/console/returns/new/{order.number}/", {"kind": "return", "reason": "damaged", f"qty-{line.pk}": "2"})
    ret = ReturnRequest.objects.get()
    client.post(f"/console/returns/{ret.number}/approve/", {})
    client.force_login(staff("warehouse"))
    rline = ret.lines.get()
    response = client.post(
        f"/console/returns/{ret.number}/receive/", {f"restock-{rline.pk}": "1", f"writeoff-{rline.pk}": "0"}
    )
    assert response.status_code == 422
    assert "每件退回的商品都要入库或报损" in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == "approved"


def test_the_report_shows_rates(client, staff, order):
    line = order.lines.get()
    client.force_login(staff("agent"))
    client.post(
        f"/console/returns/new/{order.number}/", {"kind": "exchange", "reason": "size_fit", f"qty-{line.pk}": "1"}
    )
    page = client.get("/console/returns/report/").content.decode()
    assert "50%" in page and "尺码不合适" in page


def test_designer_cannot_open_the_queue(client, staff):
    client.force_login(staff("designer"))
    assert client.get("/console/returns/").status_code == 403


def test_after_sales_pages_speak_english(client, staff, order):
    from django.conf import settings

    line = order.lines.get()
    client.force_login(staff("owner"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(f"/console/returns/new/{order.number}/", {"kind": "return", "reason": "damaged", f"qty-{line.pk}": "1"})
    ret = ReturnRequest.objects.get()
    pages = {
        "/console/returns/": ["After-sales", "Awaiting review", "Damaged"],
        f"/console/returns/{ret.number}/": ["Approve", "Reject", "Return and refund"],
        "/console/returns/report/": ["Return rates", "By product", "By reason"],
        f"/console/orders/{order.number}/": ["Refundable", "Open after-sales request", "Manual refund"],
        "/console/notifications/": ["Notification templates", "Refund made"],
        "/console/notifications/refund_made/en/": ["Preview (sample data)", "Save"],
    }
    for url, words in pages.items():
        html = client.get(url).content.decode()
        for word in words:
            assert word in html, (url, word)


def test_the_return_queue_exports_its_filtered_requests(client, staff, order):
    from dianpu.core.testing_exports import csv_rows, xlsx_rows

    line = order.lines.get()
    client.force_login(staff("agent"))
    client.post(
        f"/console/returns/new/{order.number}/",
        {"kind": "return", "reason": "damaged", "reason_detail": "破损", f"qty-{line.pk}": "1"},
    )
    ret = ReturnRequest.objects.get()
    rows = csv_rows(client.get("/console/returns/", {"status": "requested", "export": "csv"}))
    assert rows[0][:3] == ["售后单号", "申请时间", "订单号"]
    assert [(r[0], r[2], r[4], r[5]) for r in rows[1:]] == [(ret.number, order.number, "商品破损", "1")]
    assert xlsx_rows(client.get("/console/returns/", {"status": "refunded", "export": "xlsx"}))[1:] == []
    client.force_login(staff("designer"))
    assert client.get("/console/returns/", {"export": "csv"}).status_code == 403
