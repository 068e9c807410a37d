"""Order transitions: guarded, recorded (history + audit), with their stock and money effects."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from dianpu.audit.models import AuditEntry
from dianpu.catalog.models import Product
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.fulfillment.models import Shipment
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order
from dianpu.orders.services import cancel_expired_unpaid_orders, transition_order
from dianpu.orders.tests.builders import place_test_order
from dianpu.payments.models import Payment

pytestmark = pytest.mark.django_db
SF = {"carrier": "sf", "tracking_number": "SF1234567890123"}


@pytest.fixture
def tee():
    return make_product(price="50.00", stock=5, skus=["TEE-1"]).variants.get()


def test_prepaid_order_goes_from_payment_to_delivery_with_history(tee, staff):
    order = place_test_order({"TEE-1": 2})
    transition_order(order=order, action="mark_paid", actor=staff("finance"))
    transition_order(order=order, action="ship", actor=staff("warehouse"), **SF)
    transition_order(order=order, action="mark_delivered", actor=staff("warehouse"))
    order.refresh_from_db()
    assert order.status == "delivered"
    assert [(h.action, h.from_status, h.to_status, h.actor_label) for h in order.history.all()] == [
        ("place", "", "pending_payment", "buyer@example.com"),
        ("mark_paid", "pending_payment", "paid", "finance"),
        ("ship", "paid", "shipped", "warehouse"),
        ("mark_delivered", "shipped", "delivered", "warehouse"),
    ]
    assert Payment.objects.get(order=order).amount == Decimal("100.00")  # 2 × 50, free shipping from 99
    shipment = Shipment.objects.get(order=order)
    assert (shipment.carrier, shipment.tracking_number) == ("sf", "SF1234567890123")
    level = StockLevel.objects.get(variant=tee)
    assert (level.on_hand, level.reserved) == (3, 0)
    assert AuditEntry.objects.filter(action="order.transitioned", object_id=str(order.pk)).count() == 3


def test_an_impossible_transition_is_refused_and_changes_nothing(tee):
    order = place_test_order({"TEE-1": 1})
    with pytest.raises(DomainError) as refused:
        transition_order(order=order, action="mark_delivered")
    assert refused.value.code == "transition_not_allowed"
    assert "待付款" in refused.value.detail
    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert order.history.count() == 1


def test_unpaid_bank_transfer_order_cannot_ship(tee):
    order = place_test_order({"TEE-1": 1})
    with pytest.raises(DomainError) as refused:
        transition_order(order=order, action="ship", **SF)
    assert refused.value.code == "ship_unpaid"
    assert not Shipment.objects.exists()
    assert StockLevel.objects.get(variant=tee).on_hand == 5


def test_tracking_number_of_the_wrong_shape_is_refused(tee):
    order = place_test_order({"TEE-1": 1})
    transition_order(order=order, action="mark_paid")
    with pytest.raises(DomainError) as refused:
        transition_order(order=order, action="ship", carrier="sf", tracking_number="12AB")
    assert refused.value.code == "tracking_number_invalid"
    order.refresh_from_db()
    assert order.status == "paid"
    assert StockLevel.objects.get(variant=tee).reserved == 1


def test_cash_on_delivery_ships_unpaid_and_is_paid_on_delivery(tee):
    order = place_test_order({"TEE-1": 1}, payment_method="cod")
    transition_order(order=order, action="ship", carrier="zto", tracking_number="731234567890")
    assert not Payment.objects.exists()
    transition_order(order=order, action="mark_delivered")
    order.refresh_from_db()
    assert order.paid_at is not None
    assert Payment.objects.get(order=order).gateway == "cod"


def test_cancelling_releases_stock_and_the_sold_count(tee):
    order = place_test_order({"TEE-1": 3})
    assert Product.objects.get().sold_count == 3
    transition_order(order=order, action="cancel", reason="买家不想要了")
    level = StockLevel.objects.get(variant=tee)
    assert (level.on_hand, level.reserved, level.available) == (5, 0, 5)
    assert Product.objects.get().sold_count == 0
    assert order.history.last().reason == "买家不想要了"


def test_a_stale_order_object_cannot_apply_a_second_transition(tee):
    order = place_test_order({"TEE-1": 1})
    stale = Order.objects.get(pk=order.pk)
    transition_order(order=order, action="cancel")
    with pytest.raises(DomainError) as refused:
        transition_order(order=stale, action="mark_paid")
    assert refused.value.code == "order_changed"
    order.refresh_from_db()
    assert order.status == "cancelled" and order.paid_at is None


def test_shipping_sends_the_customer_the_tracking_link(tee, django_capture_on_commit_callbacks):
    order = place_test_order({"TEE-1": 1}, language="en")
    transition_order(order=order, action="mark_paid")
    with django_capture_on_commit_callbacks(execute=True):
        transition_order(order=order, action="ship", **SF)
    shipped = mail.outbox[-1]
    assert shipped.subject == f"Order {order.number} has shipped"
    assert "https://www.sf-express.com/chn/sc/waybill/waybill-detail/SF1234567890123" in shipped.body


def test_unpaid_prepaid_orders_are_cancelled_after_the_timeout(tee, settings):
    settings.UNPAID_ORDER_TIMEOUT_HOURS = 72
    old = place_test_order({"TEE-1": 2})
    cod = place_test_order({"TEE-1": 1}, payment_method="cod")
    fresh = place_test_order({"TEE-1": 1})
    Order.objects.filter(pk__in=[old.pk, cod.pk]).update(placed_at=clock.now() - timedelta(hours=73))
    assert cancel_expired_unpaid_orders() == 1
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "cancelled", cod.pk: "pending_payment", fresh.pk: "pending_payment"}
    assert StockLevel.objects.get(variant=tee).reserved == 2


def test_an_order_picked_up_in_store_is_handed_over_without_a_carrier(tee, django_capture_on_commit_callbacks):
    order = place_test_order({"TEE-1": 2}, shipping_method="pickup", language="en")
    assert order.shipping_total == Decimal("0.00")
    transition_order(order=order, action="mark_paid")
    with django_capture_on_commit_callbacks(execute=True):
        transition_order(order=order, action="ship")
    order.refresh_from_db()
    assert (order.status, order.carrier, order.tracking_number) == ("shipped", "", "")
    assert not Shipment.objects.filter(order=order).exists()
    level = StockLevel.objects.get(variant=tee)
    assert (level.on_hand, level.reserved) == (3, 0)
    assert "You collected it in our store." in mail.outbox[-1].body

    parcel = place_test_order({"TEE-1": 1})  # standard delivery still needs its tracking
    transition_order(order=parcel, action="mark_paid")
    with pytest.raises(DomainError) as refused:
        transition_order(order=parcel, action="ship")
    assert refused.value.code == "carrier_required"


def test_held_order_cannot_ship_until_released_and_both_steps_are_recorded(tee, staff):
    from dianpu.orders.queries import list_allowed_actions
    from dianpu.orders.services import hold_order, release_order

    order = place_test_order({"TEE-1": 1})
    transition_order(order=order, action="mark_paid", actor=staff("finance"))
    hold_order(order=order, reasons=[{"code": "high_value", "detail": "¥5000"}])
    hold_order(order=order, reasons=[{"code": "high_value", "detail": "¥5000"}])  # same reason once
    order.refresh_from_db()
    assert order.on_hold and order.hold_reasons == [{"code": "high_value", "detail": "¥5000"}]
    assert "ship" not in list_allowed_actions(order) and "cancel" in list_allowed_actions(order)
    with pytest.raises(DomainError) as refused:
        transition_order(order=order, action="ship", actor=staff("warehouse"), **SF)
    assert refused.value.code == "order_on_hold"
    assert Order.objects.get(pk=order.pk).status == "paid"

    release_order(order=order, actor=staff("owner"), reason="checked with buyer")
    with pytest.raises(DomainError) as again:
        release_order(order=order, actor=staff("owner"))
    assert again.value.code == "order_not_on_hold"
    transition_order(order=order, action="ship", actor=staff("warehouse"), **SF)
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert [h.action for h in order.history.all()] == ["place", "mark_paid", "hold", "release", "ship"]
    assert AuditEntry.objects.filter(action__in=["order.held", "order.released"]).count() == 2
