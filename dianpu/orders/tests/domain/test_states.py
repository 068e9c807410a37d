"""The order state machine, without a database."""

import pytest

from dianpu.orders.domain.states import (
    Action,
    OrderFacts,
    Status,
    TransitionInput,
    TransitionRefused,
    allowed_actions,
    next_status,
)

PREPAID_UNPAID = OrderFacts(Status.PENDING_PAYMENT, pays_on_delivery=False, is_paid=False)
COD_UNPAID = OrderFacts(Status.PENDING_PAYMENT, pays_on_delivery=True, is_paid=False)
PAID = OrderFacts(Status.PAID, pays_on_delivery=False, is_paid=True)
TRACKED = TransitionInput(carrier="sf", tracking_number="SF1234567890123")


def test_happy_path_goes_paid_shipped_delivered_completed():
    facts = PREPAID_UNPAID
    for action, expected in [
        (Action.MARK_PAID, Status.PAID),
        (Action.SHIP, Status.SHIPPED),
        (Action.MARK_DELIVERED, Status.DELIVERED),
        (Action.COMPLETE, Status.COMPLETED),
    ]:
        status = next_status(facts, action, TRACKED)
        assert status == expected
        facts = OrderFacts(status, pays_on_delivery=False, is_paid=True)


def test_unpaid_prepaid_order_cannot_ship():
    with pytest.raises(TransitionRefused) as refused:
        next_status(PREPAID_UNPAID, "ship", TRACKED)
    assert refused.value.code == "ship_unpaid"


def test_cash_on_delivery_order_ships_unpaid_but_is_never_marked_paid_by_hand():
    assert next_status(COD_UNPAID, "ship", TRACKED) == Status.SHIPPED
    with pytest.raises(TransitionRefused) as refused:
        next_status(COD_UNPAID, "mark_paid")
    assert refused.value.code == "cod_paid_on_delivery"


def test_shipping_needs_carrier_and_tracking_number():
    with pytest.raises(TransitionRefused) as no_carrier:
        next_status(PAID, "ship", TransitionInput(tracking_number="SF1234567890123"))
    with pytest.raises(TransitionRefused) as no_number:
        next_status(PAID, "ship", TransitionInput(carrier="sf", tracking_number="  "))
    assert (no_carrier.value.code, no_number.value.code) == ("carrier_required", "tracking_number_required")


def test_an_order_picked_up_in_store_ships_without_carrier_but_still_not_unpaid():
    pickup = OrderFacts(Status.PAID, pays_on_delivery=False, is_paid=True, needs_tracking=False)
    assert next_status(pickup, "ship") == Status.SHIPPED
    unpaid = OrderFacts(Status.PENDING_PAYMENT, pays_on_delivery=False, is_paid=False, needs_tracking=False)
    with pytest.raises(TransitionRefused) as refused:
        next_status(unpaid, "ship")
    assert refused.value.code == "ship_unpaid"


@pytest.mark.parametrize("status", [Status.SHIPPED, Status.DELIVERED, Status.COMPLETED, Status.CANCELLED])
def test_shipped_or_finished_orders_cannot_be_cancelled(status):
    with pytest.raises(TransitionRefused) as refused:
        next_status(OrderFacts(status, False, True), "cancel")
    assert refused.value.code == "transition_not_allowed"


def test_unknown_action_is_refused_by_name():
    with pytest.raises(TransitionRefused) as refused:
        next_status(PAID, "teleport")
    assert refused.value.code == "unknown_action"


def test_allowed_actions_follow_the_table():
    assert allowed_actions(PREPAID_UNPAID) == [Action.MARK_PAID, Action.CANCEL]
    assert allowed_actions(COD_UNPAID) == [Action.SHIP, Action.CANCEL]
    assert set(allowed_actions(PAID)) == {Action.REVIEW, Action.START_PICKING, Action.SHIP, Action.CANCEL}
    assert allowed_actions(OrderFacts(Status.CANCELLED, False, False)) == []
