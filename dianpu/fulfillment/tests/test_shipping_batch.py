"""Pick lists, packing slips and labels as PDF; batch shipping with a per-line report."""

from decimal import Decimal

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.fulfillment.models import Shipment
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(db):
    make_product(skus=["TEE-M", "TEE-L"], price="59.00", stock=10)
    a = transition_order(order=place_test_order({"TEE-M": 2, "TEE-L": 1}, email="a@example.com"), action="mark_paid")
    b = transition_order(order=place_test_order({"TEE-M": 1}, email="b@example.com"), action="mark_paid")
    unpaid = place_test_order({"TEE-L": 1}, email="c@example.com")
    return a, b, unpaid


def test_pick_list_sums_units_per_warehouse_and_sku(orders):
    from dianpu.orders.queries import list_pick_lines

    a, b, _ = orders
    lines = list_pick_lines([a.number, b.number])
    assert [(ln.sku, ln.quantity, ln.orders) for ln in lines] == [
        ("TEE-L", 1, (a.number,)),
        ("TEE-M", 3, tuple(sorted([a.number, b.number]))),
    ]


@pytest.mark.parametrize("kind", ["pick-list", "packing-slips", "labels"])
def test_documents_are_pdfs(client, staff, orders, kind):
    a, b, _ = orders
    client.force_login(staff("warehouse"))
    response = client.post(f"/console/fulfillment/documents/{kind}.pdf", {"numbers": [a.number, b.number]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_label_carries_a_code128_barcode_of_the_tracking_number(orders):
    from dianpu.fulfillment.documents import ParcelDoc, render_labels

    pdf = render_labels(
        [
            ParcelDoc(
                number="DP1",
                placed_at="",
                ship_name="张三",
                ship_phone="1",
                address="上海",
                postcode="",
                shipping_method="standard",
                carrier="顺丰速运",
                tracking_number="SF1234567890123",
            )
        ],
        labels={"ship_to": "收件人", "sender": "x"},
    )
    assert pdf.startswith(b"%PDF") and len(pdf) > 1500


def test_agent_may_not_print_or_ship(client, staff, orders):
    client.force_login(staff("agent"))
    assert client.get("/console/fulfillment/pick/").status_code == 403
    assert client.post("/console/fulfillment/batch-ship/", {"lines": "x"}).status_code == 403


def test_batch_ship_ships_every_line_and_consumes_stock(client, staff, orders):
    a, b, _ = orders
    client.force_login(staff("warehouse"))
    text = f"订单号,承运商,运单号,运费\n{a.number},sf,SF1234567890123,12.00\n{b.number},中通快递,731234567890\n"
    response = client.post("/console/fulfillment/batch-ship/", {"lines": text})
    assert response.status_code == 200
    assert [(r.line, r.order_number, r.ok) for r in response.context["report"]] == [
        (2, a.number, True),
        (3, b.number, True),
    ]
    assert Order.objects.get(pk=a.pk).status == "shipped"
    assert Order.objects.get(pk=b.pk).tracking_number == "731234567890"
    assert Shipment.objects.get(order=a).cost == Decimal("12.00")
    level = StockLevel.objects.get(variant__sku="TEE-M")
    assert (level.on_hand, level.reserved) == (7, 0)
    assert AuditEntry.objects.filter(action="order.transitioned", changes__status=["paid", "shipped"]).count() == 2


def test_one_bad_line_ships_nothing_and_reports_line_column_reason(staff_api, orders):
    a, b, unpaid = orders
    text = (
        f"{a.number},sf,SF1234567890123\n{b.number},sf,12345\n{unpaid.number},sf,SF1234567890124\n"
        f"DP000000000000,sf,SF1234567890125\n{a.number},sf,SF1234567890126\n"
    )
    response = staff_api("warehouse").post("shipping-batches", {"text": text})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "batch_refused"
    assert [(ln["line"], ln["column"], ln["code"]) for ln in body["lines"]] == [
        (2, "tracking_number", "tracking_number_invalid"),
        (3, "order_number", "ship_unpaid"),
        (4, "order_number", "order_unknown"),
        (5, "order_number", "order_repeated"),
    ]
    assert body["lines"][0]["message"].startswith("运单号格式不符合 顺丰速运 的规则")
    assert Order.objects.filter(status="shipped").count() == 0
    assert Shipment.objects.count() == 0
    assert StockLevel.objects.get(variant__sku="TEE-M").reserved == 3


def test_batch_ship_from_an_uploaded_file(client, staff, orders):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a, _, _ = orders
    client.force_login(staff("warehouse"))
    upload = SimpleUploadedFile("ship.csv", f"{a.number},yto,YT1234567890123\n".encode("gb18030"))
    response = client.post("/console/fulfillment/batch-ship/", {"file": upload})
    assert response.status_code == 200
    assert Order.objects.get(pk=a.pk).carrier == "yto"


def test_an_order_changed_after_the_check_undoes_the_whole_batch(orders, monkeypatch):
    """Two people shipping the same orders: the later batch loses on the order's conditional update,
    and its lines shipped so far are rolled back with it."""
    from dianpu.orders import batch_shipping

    a, b, _ = orders
    real_check = batch_shipping.check_rows

    def check_then_someone_ships_b(rows):
        problems = real_check(rows)
        Order.objects.filter(pk=b.pk).update(status="shipped")  # the other batch won meanwhile
        return problems

    monkeypatch.setattr(batch_shipping, "check_rows", check_then_someone_ships_b)
    with pytest.raises(batch_shipping.BatchRefused) as exc:
        batch_shipping.ship_orders_in_batch(
            text=f"{a.number},sf,SF1234567890123\n{b.number},sf,SF1234567890124\n", actor=None
        )
    assert [(r.line, r.code) for r in exc.value.report] == [(2, "transition_not_allowed")]
    assert Order.objects.get(pk=a.pk).status == "paid"
    assert Shipment.objects.count() == 0
