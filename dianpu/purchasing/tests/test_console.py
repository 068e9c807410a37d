"""Purchasing pages: suppliers, suggestions → orders, send, PDF, partial receipt."""

from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.inventory.models import StockLevel
from dianpu.inventory.services import get_default_warehouse, set_safety_stock
from dianpu.purchasing.models import PurchaseOrder

from .builders import make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def tee():
    return make_product(stock=10, skus=["TEE-M"], cost_price="20.00").variants.get()


def test_pages_open_for_finance(client, staff, tee):
    supplier = make_supplier(prices={tee: "30.00"})
    client.force_login(staff("finance"))
    for url in [
        "/console/purchasing/",
        "/console/purchasing/suggestions/",
        "/console/purchasing/suppliers/",
        f"/console/purchasing/suppliers/{supplier.code}/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/console/purchasing/new/").status_code == 403


def test_supplier_create_and_price(client, staff, tee):
    client.force_login(staff("operator"))
    bad = client.post("/console/purchasing/suppliers/", {"code": "yiwu", "name": "义乌", "lead_time_days": "-3"})
    assert bad.status_code == 200 and "yiwu" not in [s.code for s in bad.context["suppliers"]]
    created = client.post("/console/purchasing/suppliers/", {"code": "yiwu", "name": "义乌", "lead_time_days": "10"})
    assert created["Location"] == "/console/purchasing/suppliers/yiwu/"
    client.post(
        "/console/purchasing/suppliers/yiwu/",
        {"form": "price", "sku": "TEE-M", "unit_cost": "31.00", "min_order_quantity": "1"},
    )
    unknown = client.post(
        "/console/purchasing/suppliers/yiwu/",
        {"form": "price", "sku": "NOPE", "unit_cost": "1", "min_order_quantity": "1"},
    )
    assert "未知的 SKU：NOPE" in unknown.text
    page = client.get("/console/purchasing/suppliers/yiwu/")
    assert [(p.variant.sku, p.unit_cost) for p in page.context["prices"]] == [("TEE-M", Decimal("31.00"))]


def test_suggestions_to_order_to_partial_receipt(client, staff, tee):
    make_supplier(prices={tee: "30.00"})
    set_safety_stock(actor=None, variant=tee, warehouse=get_default_warehouse(), safety_stock=16)
    client.force_login(staff("owner"))
    page = client.get("/console/purchasing/suggestions/")
    assert [(s.sku, s.quantity) for s in page.context["suggestions"]] == [("TEE-M", 6)]
    response = client.post("/console/purchasing/suggestions/", {"sku": ["TEE-M"], "qty_TEE-M": "8"})
    assert response.status_code == 302
    order = PurchaseOrder.objects.get()
    assert order.lines.get().quantity_ordered == 8
    detail = f"/console/purchasing/{order.number}/"
    client.post(f"{detail}send/")
    pdf = client.get(f"{detail}pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    over = client.post(detail, {"qty_TEE-M": "9"})
    assert "超过未到数量 8 件" in over.text
    assert StockLevel.objects.get(variant=tee).on_hand == 10
    client.post(detail, {"qty_TEE-M": "5"})
    order.refresh_from_db()
    assert (order.status, StockLevel.objects.get(variant=tee).on_hand) == ("partially_received", 15)


def test_order_form_reports_bad_lines_by_number(client, staff, tee):
    supplier = make_supplier(prices={tee: "30.00"})
    client.force_login(staff("operator"))
    response = client.post(
        "/console/purchasing/new/",
        {"supplier": supplier.code, "warehouse": "main", "lines": "TEE-M 5\nTEE-M x\nTEE-M 2 abc"},
    )
    assert "第 2 行" in response.text and "第 3 行" in response.text
    assert not PurchaseOrder.objects.exists()
    created = client.post(
        "/console/purchasing/new/", {"supplier": supplier.code, "warehouse": "main", "lines": "TEE-M 5"}
    )
    assert created.status_code == 302 and PurchaseOrder.objects.get().status == "draft"


def test_purchase_orders_and_suppliers_export_what_the_pages_show(client, staff, tee):
    from dianpu.core.testing_exports import csv_rows, xlsx_rows
    from dianpu.purchasing.tests.builders import make_supplier

    make_supplier(name="义乌织造厂", lead_time_days=7)
    make_supplier(name="杭州印花厂", lead_time_days=3)
    client.force_login(staff("finance"))
    rows = csv_rows(client.get("/console/purchasing/suppliers/", {"q": "杭州", "export": "csv"}))
    assert rows[0][:2] == ["编码", "名称"]
    assert [(r[1], r[5]) for r in rows[1:]] == [("杭州印花厂", "3")]
    assert len(xlsx_rows(client.get("/console/purchasing/suppliers/", {"export": "xlsx"}))) == 3
    page = client.get("/console/purchasing/")
    rows = csv_rows(client.get("/console/purchasing/", {"export": "csv"}))
    assert [r[0] for r in rows[1:]] == [o.number for o in page.context["orders"]]
    client.force_login(staff("designer"))
    assert client.get("/console/purchasing/suppliers/", {"export": "csv"}).status_code == 403
    assert client.get("/console/purchasing/", {"export": "xlsx"}).status_code == 403
