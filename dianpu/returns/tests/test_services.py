from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.inventory.models import StockLevel, StockMove
from dianpu.orders.models import Order
from dianpu.payments.models import Payment, Refund
from dianpu.returns import queries
from dianpu.returns.models import ReturnRequest
from dianpu.returns.services import (
    approve_return,
    receive_return,
    record_return_shipment,
    refund_return,
    reject_return,
    request_return,
)

from .builders import SF, delivered_order, paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def tee():
    return make_product(name="纯棉T恤", price="50.00", stock=10, skus=["TEE-1"]).variants.get()


@pytest.fixture
def mug():
    return make_product(name="马克杯", price="30.00", stock=10, skus=["MUG-1"]).variants.get()


def line_of(order, sku):
    return order.lines.get(sku=sku)


def test_full_return_restocks_good_units_writes_off_broken_and_refunds_what_was_paid(
    tee, mug, staff, django_capture_on_commit_callbacks
):
    order = delivered_order({"TEE-1": 3, "MUG-1": 1})
    agent, warehouse, finance = staff("agent"), staff("warehouse"), staff("finance")
    tee_line = line_of(order, "TEE-1")
    request = request_return(
        order=order, kind="return", reason="damaged", lines={tee_line.pk: 2}, reason_detail="两件有破洞", actor=agent
    )
    assert (request.status, request.source) == ("requested", "agent")
    with django_capture_on_commit_callbacks(execute=True):
        approve_return(request=request, actor=agent, note="同意退货")
    assert "已同意" in mail.outbox[-1].subject and request.number in mail.outbox[-1].body
    record_return_shipment(request=request, actor=agent, **SF)
    assert request.status == "in_transit"
    on_hand_before = StockLevel.objects.get(variant=tee).on_hand
    [rline] = request.lines.all()
    receive_return(request=request, inspections={rline.pk: (1, 1, "一件破损")}, actor=warehouse)
    level = StockLevel.objects.get(variant=tee)
    assert level.on_hand == on_hand_before + 1
    move = StockMove.objects.get(kind="return")
    assert (move.on_hand_delta, move.reference) == (1, request.number)
    rline.refresh_from_db()
    assert (rline.restocked_quantity, rline.written_off_quantity) == (1, 1)

    due = queries.calculate_refund_due(request, include_shipping=False)
    assert due["total"] == Decimal("100.00")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refund_return(request=request, actor=finance)
    request.refresh_from_db()
    assert request.status == "refunded"
    assert (request.refund.amount, request.refund.manual) == (Decimal("100.00"), True)
    assert Payment.objects.get(order=order).refunded_total == Decimal("100.00")
    assert "¥100.00" in mail.outbox[-1].subject
    assert [h.action for h in request.history.all()] == ["request", "approve", "ship_back", "receive", "refund"]
    assert AuditEntry.objects.filter(action__startswith="return.").count() == 5


def test_refund_can_include_shipping_once(tee, staff):
    order = delivered_order({"TEE-1": 1})
    assert order.shipping_total == Decimal("8.00")
    request = request_return(order=order, kind="return", reason="wrong_item", lines={line_of(order, "TEE-1").pk: 1})
    approve_return(request=request)
    [rline] = request.lines.all()
    receive_return(request=request, inspections={rline.pk: (1, 0, "")})
    refund_return(request=request, include_shipping=True, actor=staff("finance"))
    refund = Refund.objects.get()
    assert (refund.amount, refund.shipping_amount) == (Decimal("58.00"), Decimal("8.00"))


def test_refund_only_before_shipping_needs_no_goods(tee, staff):
    order = paid_order({"TEE-1": 2})
    request = request_return(
        order=order, kind="refund_only", reason="changed_mind", lines={line_of(order, "TEE-1").pk: 1}
    )
    approve_return(request=request)
    with pytest.raises(DomainError) as refused:
        record_return_shipment(request=request, **SF)
    assert refused.value.code == "refund_only_keeps_goods"
    refund_return(request=request, actor=staff("finance"))
    assert Refund.objects.get().amount == Decimal("50.00")


def test_return_after_the_window_is_refused_and_nothing_is_written(tee, settings):
    settings.RETURN_WINDOW_DAYS = 7
    order = delivered_order({"TEE-1": 1})
    Order.objects.filter(pk=order.pk).update(delivered_at=clock.now() - timedelta(days=8))
    order.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        request_return(order=order, kind="return", reason="size_fit", lines={line_of(order, "TEE-1").pk: 1})
    assert refused.value.code == "return_window_closed"
    assert "7" in str(refused.value.detail)
    assert ReturnRequest.objects.count() == 0


def test_return_before_delivery_is_refused(tee):
    order = paid_order({"TEE-1": 1})
    with pytest.raises(DomainError) as refused:
        request_return(order=order, kind="return", reason="size_fit", lines={line_of(order, "TEE-1").pk: 1})
    assert refused.value.code == "return_not_delivered"


def test_the_same_units_cannot_be_returned_twice(tee):
    order = delivered_order({"TEE-1": 2})
    line = line_of(order, "TEE-1")
    request_return(order=order, kind="return", reason="size_fit", lines={line.pk: 2})
    with pytest.raises(DomainError) as refused:
        request_return(order=order, kind="return", reason="size_fit", lines={line.pk: 1})
    assert refused.value.code == "invalid"
    assert ReturnRequest.objects.count() == 1


def test_a_rejected_request_frees_its_units_and_needs_a_reason(tee, staff):
    order = delivered_order({"TEE-1": 1})
    line = line_of(order, "TEE-1")
    first = request_return(order=order, kind="return", reason="changed_mind", lines={line.pk: 1})
    with pytest.raises(DomainError) as refused:
        reject_return(request=first, actor=staff("agent"), note=" ")
    assert refused.value.code == "reject_reason_required"
    reject_return(request=first, actor=staff("agent"), note="已使用，不支持退货")
    assert request_return(order=order, kind="return", reason="damaged", lines={line.pk: 1}).status == "requested"


def test_inspection_must_account_for_every_unit(tee):
    order = delivered_order({"TEE-1": 2})
    request = request_return(order=order, kind="return", reason="damaged", lines={line_of(order, "TEE-1").pk: 2})
    approve_return(request=request)
    rline = request.lines.get()
    with pytest.raises(DomainError) as refused:
        receive_return(request=request, inspections={rline.pk: (1, 0, "")})
    assert refused.value.code == "inspection_incomplete"
    request.refresh_from_db()
    assert request.status == "approved"
    assert StockMove.objects.filter(kind="return").count() == 0


def test_a_refused_refund_leaves_the_request_received(tee, staff):
    order = delivered_order({"TEE-1": 1})
    request = request_return(order=order, kind="return", reason="damaged", lines={line_of(order, "TEE-1").pk: 1})
    approve_return(request=request)
    receive_return(request=request, inspections={request.lines.get().pk: (1, 0, "")})
    with pytest.raises(DomainError) as refused:
        refund_return(request=request, amount=Decimal("60.00"))
    assert refused.value.code == "return_refund_amount_too_large"
    Payment.objects.filter(order=order).update(
        refunded_total=Decimal("58.00"), refunded_fen=5800
    )  # refunded elsewhere meanwhile
    with pytest.raises(DomainError) as refused:
        refund_return(request=request)
    assert refused.value.code == "refund_exceeds_paid"
    request.refresh_from_db()
    assert request.status == "received" and request.refund is None
    assert Refund.objects.count() == 0


def test_return_rate_by_product_and_reason(tee, mug):
    first = delivered_order({"TEE-1": 4, "MUG-1": 2})
    delivered_order({"TEE-1": 1})
    request_return(order=first, kind="return", reason="size_fit", lines={line_of(first, "TEE-1").pk: 1})
    request_return(order=first, kind="exchange", reason="damaged", lines={line_of(first, "MUG-1").pk: 1})
    rejected = request_return(order=first, kind="return", reason="changed_mind", lines={line_of(first, "TEE-1").pk: 1})
    reject_return(request=rejected, note="不支持")
    by_product = {r["name"]: (r["sold"], r["returned"], r["rate"]) for r in queries.return_rate_by_product()}
    assert by_product == {"纯棉T恤": (5, 1, Decimal("0.2000")), "马克杯": (2, 1, Decimal("0.5000"))}
    by_reason = {r["reason"]: (r["requests"], r["units"]) for r in queries.return_rate_by_reason()}
    assert by_reason == {"size_fit": (1, 1), "damaged": (1, 1)}
