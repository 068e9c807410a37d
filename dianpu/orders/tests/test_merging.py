"""Merging unpaid orders of one customer and address; splitting lines off into a new order."""

from decimal import Decimal

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.inventory.models import Reservation, StockLevel
from dianpu.orders.merging import list_merge_candidates, merge_orders, split_order
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import ADDRESS, place_test_order
from dianpu.payments.models import Payment, Refund
from dianpu.payments.services import refund_order

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def products(db):
    make_product(skus=["TEE"], price="30.00", stock=10)
    make_product(skus=["CAP"], price="20.00", stock=10)


def held(number) -> dict:
    return {
        r.stock_level.variant.sku: r.quantity
        for r in Reservation.objects.filter(reference=number, state="active").select_related("stock_level__variant")
    }


def test_two_unpaid_orders_become_one_with_one_shipping_fee(products, staff):
    a = place_test_order({"TEE": 1})  # 30 + 8 shipping
    b = place_test_order({"CAP": 2})  # 40 + 8 shipping
    assert list_merge_candidates() == [[a, b]]
    merged = merge_orders(numbers=[b.number, a.number], actor=staff("agent"))
    assert merged.number == a.number
    assert (merged.subtotal, merged.shipping_total, merged.grand_total) == (D("70.00"), D("8.00"), D("78.00"))
    assert sorted((ln.sku, ln.quantity) for ln in merged.lines.all()) == [("CAP", 2), ("TEE", 1)]
    assert held(a.number) == {"TEE": 1, "CAP": 2} and held(b.number) == {}
    b.refresh_from_db()
    assert b.status == "cancelled" and b.history.last().reason == f"已合并到订单 {a.number}"
    assert StockLevel.objects.get(variant__sku="CAP").reserved == 2
    assert AuditEntry.objects.filter(action="order.merged").count() == 1


def test_orders_to_other_addresses_or_paid_are_not_merged(products):
    a = place_test_order({"TEE": 1})
    other = place_test_order({"CAP": 1}, address={**ADDRESS, "line1": "人民路 2 号"})
    with pytest.raises(DomainError) as exc:
        merge_orders(numbers=[a.number, other.number], actor=None)
    assert exc.value.code == "merge_not_allowed"
    paid = transition_order(order=place_test_order({"CAP": 1}), action="mark_paid")
    with pytest.raises(DomainError):
        merge_orders(numbers=[a.number, paid.number], actor=None)
    assert Order.objects.get(pk=a.pk).subtotal == D("30.00")
    assert held(a.number) == {"TEE": 1} and held(other.number) == {"CAP": 1}


def test_split_moves_units_and_their_stock_hold_into_a_new_order(products, staff):
    order = place_test_order({"TEE": 3, "CAP": 1})  # 110, free shipping over 99
    tee = order.lines.get(sku="TEE")
    new = split_order(number=order.number, quantities={tee.pk: 2}, actor=staff("agent"))
    order.refresh_from_db()
    assert (order.subtotal, order.grand_total) == (D("50.00"), D("50.00") + order.shipping_total)
    assert (new.subtotal, new.shipping_total, new.grand_total, new.status) == (
        D("60.00"),
        D("0.00"),
        D("60.00"),
        "pending_payment",
    )
    assert [(ln.sku, ln.quantity) for ln in new.lines.all()] == [("TEE", 2)]
    assert held(order.number) == {"TEE": 1, "CAP": 1} and held(new.number) == {"TEE": 2}
    assert StockLevel.objects.get(variant__sku="TEE").reserved == 3
    assert (new.email, new.ship_line1) == (order.email, order.ship_line1)


def test_splitting_everything_or_nothing_is_refused(products):
    order = place_test_order({"TEE": 1})
    line = order.lines.get()
    for quantities in ({line.pk: 1}, {}, {line.pk: 5}, {999999: 1}):
        with pytest.raises(DomainError) as exc:
            split_order(number=order.number, quantities=quantities, actor=None)
        assert exc.value.code == "split_nothing"
    assert Order.objects.count() == 1


def test_console_merge_and_split(client, staff, products):
    a = place_test_order({"TEE": 2})
    b = place_test_order({"CAP": 1})
    client.force_login(staff("agent"))
    page = client.get("/console/orders/merge/")
    assert a.number in page.content.decode()
    assert client.post("/console/orders/merge/", {"numbers": [a.number, b.number]}).status_code == 302
    line = Order.objects.get(pk=a.pk).lines.get(sku="TEE")
    response = client.post(f"/console/orders/{a.number}/split/", {f"line-{line.pk}": "1"})
    assert response.status_code == 302
    assert Order.objects.filter(status="pending_payment").count() == 2
    client.force_login(staff("warehouse"))
    assert client.post("/console/orders/merge/", {"numbers": [a.number]}).status_code == 403


def test_api_merge_and_split(staff_api, products):
    a = place_test_order({"TEE": 2})
    b = place_test_order({"CAP": 1})
    agent = staff_api("agent")
    merged = agent.post("order-merges", {"numbers": [a.number, b.number]})
    assert merged.status_code == 200 and merged.json()["number"] == a.number
    split = agent.post(f"orders/{a.number}/split", {"lines": {"TEE": 1}})
    assert split.status_code == 201 and split.json()["total"] == "30.00"
    refused = agent.post(f"orders/{a.number}/split", {"lines": {"NOPE": 1}})
    assert refused.status_code == 422 and refused.json()["code"] == "split_nothing"


def test_split_by_warehouse_moves_what_is_held_elsewhere(products, staff_api, client, staff):
    from dianpu.catalog.models import Variant
    from dianpu.inventory.models import Warehouse
    from dianpu.inventory.services import adjust_stock

    beijing = Warehouse.objects.create(code="bj", name="北京仓")
    adjust_stock(variant=Variant.objects.get(sku="TEE"), delta=5, reason="stock in Beijing", warehouse=beijing)
    order = place_test_order({"TEE": 12, "CAP": 1})  # 10 TEE from the default warehouse, 2 from Beijing
    client.force_login(staff("agent"))
    page = client.get(f"/console/orders/{order.number}/")
    assert [(s["line"].sku, s["value"]) for s in page.context["split_lines"]] == [("TEE", 2), ("CAP", 0)]
    response = staff_api("owner").post(f"orders/{order.number}/split", {"by_warehouse": True})
    assert response.status_code == 201
    new = Order.objects.get(number=response.json()["number"])
    assert [(ln.sku, ln.quantity) for ln in new.lines.all()] == [("TEE", 2)]
    assert held(order.number) == {"TEE": 10, "CAP": 1}


def test_a_merged_away_order_is_recorded_as_merged_and_the_buyer_is_not_told_it_was_cancelled(
    products, staff, django_capture_on_commit_callbacks
):
    from django.core import mail

    a = place_test_order({"TEE": 1})
    b = place_test_order({"CAP": 1})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        merge_orders(numbers=[a.number, b.number], actor=staff("agent"))
    b.refresh_from_db()
    last = b.history.last()
    assert (b.status, last.action, last.from_status, last.to_status) == (
        "cancelled",
        "merge",
        "pending_payment",
        "cancelled",
    )
    assert last.reason == f"已合并到订单 {a.number}"
    assert AuditEntry.objects.filter(action="order.merged_away", object_id=str(b.pk)).count() == 1
    assert mail.outbox == []  # no "your order was cancelled", and no second confirmation


def test_a_plain_cancellation_still_tells_the_buyer(products, django_capture_on_commit_callbacks):
    from django.core import mail

    a = place_test_order({"TEE": 1})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition_order(order=a, action="cancel", reason="顾客要求")
    assert len(mail.outbox) == 1 and a.history.last().action == "cancel"


def _payments(order):
    return sorted(
        (str(p.amount), str(p.refunded_total), p.reference) for p in Payment.objects.filter(order_id=order.pk)
    )


def test_paid_orders_merge_with_their_payments_and_refunds_stay_exact(products, staff):
    a = transition_order(order=place_test_order({"TEE": 1}), action="mark_paid", reason="BANK-A")  # 38.00
    b = transition_order(order=place_test_order({"CAP": 2}), action="mark_paid", reason="BANK-B")  # 48.00
    refund_order(order=b, amount=D("5.00"), reason="少件补偿", manual=True)
    merged = merge_orders(numbers=[a.number, b.number], actor=staff("agent"))
    # money already in is not re-priced: both shipping fees stay, the total is what was paid
    assert (merged.status, merged.subtotal, merged.shipping_total, merged.grand_total) == (
        "paid",
        D("70.00"),
        D("16.00"),
        D("86.00"),
    )
    assert _payments(merged) == [("38.00", "0.00", "BANK-A"), ("48.00", "5.00", "BANK-B")]
    assert Payment.objects.filter(order_id=b.pk).count() == 0 and Refund.objects.get().order_id == a.pk
    assert held(a.number) == {"TEE": 1, "CAP": 2}
    assert AuditEntry.objects.filter(action="payment.moved").count() == 1
    with pytest.raises(DomainError) as exc:  # 81.00 left to refund, not more
        refund_order(order=merged, amount=D("81.01"), manual=True)
    assert exc.value.code == "refund_exceeds_paid"
    refund_order(order=merged, amount=D("43.00"), manual=True)  # the rest of B's charge
    refund_order(order=merged, amount=D("38.00"), manual=True)  # all of A's
    assert _payments(merged) == [("38.00", "38.00", "BANK-A"), ("48.00", "48.00", "BANK-B")]


def test_splitting_a_paid_order_splits_its_payment(products, staff):
    order = transition_order(order=place_test_order({"TEE": 3, "CAP": 1}), action="mark_paid", reason="BANK-1")
    assert order.grand_total == D("110.00")  # free shipping over 99
    tee = order.lines.get(sku="TEE")
    new = split_order(number=order.number, quantities={tee.pk: 2}, actor=staff("agent"))
    order.refresh_from_db()
    assert (new.status, new.grand_total, order.status, order.grand_total) == ("paid", D("60.00"), "paid", D("50.00"))
    assert _payments(new) == [("60.00", "0.00", "BANK-1")] and _payments(order) == [("50.00", "0.00", "BANK-1")]
    assert held(new.number) == {"TEE": 2} and Reservation.objects.get(reference=new.number).expires_at is None
    with pytest.raises(DomainError):
        refund_order(order=new, amount=D("60.01"), manual=True)
    assert _payments(new) == [("60.00", "0.00", "BANK-1")]


def test_a_split_the_remaining_payment_cannot_cover_is_refused_and_nothing_changes(products):
    order = transition_order(order=place_test_order({"TEE": 3, "CAP": 1}), action="mark_paid", reason="BANK-1")
    refund_order(order=order, amount=D("80.00"), manual=True)  # 30.00 left unrefunded
    tee = order.lines.get(sku="TEE")
    with pytest.raises(DomainError) as exc:
        split_order(number=order.number, quantities={tee.pk: 2}, actor=None)  # 60.00 would move
    assert (exc.value.code, exc.value.status) == ("payment_split_impossible", 409)
    order.refresh_from_db()
    assert (order.grand_total, order.lines.get(sku="TEE").quantity, Order.objects.count()) == (D("110.00"), 3, 1)
    assert _payments(order) == [("110.00", "80.00", "BANK-1")]


def test_paid_and_unpaid_orders_are_not_merged_together(products):
    a = place_test_order({"TEE": 1})
    paid = transition_order(order=place_test_order({"CAP": 2}), action="mark_paid")
    with pytest.raises(DomainError) as exc:
        merge_orders(numbers=[a.number, paid.number], actor=None)
    assert (exc.value.code, exc.value.status) == ("merge_paid_and_unpaid", 409)
    paid.refresh_from_db()
    assert (paid.status, paid.grand_total, Payment.objects.get().order_id) == ("paid", D("48.00"), paid.pk)
    assert Order.objects.get(pk=a.pk).status == "pending_payment"
