"""The order state machine: statuses, actions, the transition table and its guards. Pure.

pending_payment -> paid -> reviewed -> picking -> shipped -> delivered -> completed, with
cancel from any status before shipping. Cash-on-delivery orders ship unpaid and are paid on
delivery.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    REVIEWED = "reviewed"
    PICKING = "picking"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Action(StrEnum):
    MARK_PAID = "mark_paid"
    REVIEW = "review"
    START_PICKING = "start_picking"
    SHIP = "ship"
    MARK_DELIVERED = "mark_delivered"
    COMPLETE = "complete"
    CANCEL = "cancel"


S, A = Status, Action
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.PENDING_PAYMENT, A.MARK_PAID): S.PAID,
    (S.PENDING_PAYMENT, A.SHIP): S.SHIPPED,  # cash on delivery only (guarded)
    (S.PENDING_PAYMENT, A.CANCEL): S.CANCELLED,
    (S.PAID, A.REVIEW): S.REVIEWED,
    (S.PAID, A.START_PICKING): S.PICKING,
    (S.PAID, A.SHIP): S.SHIPPED,
    (S.PAID, A.CANCEL): S.CANCELLED,
    (S.REVIEWED, A.START_PICKING): S.PICKING,
    (S.REVIEWED, A.SHIP): S.SHIPPED,
    (S.REVIEWED, A.CANCEL): S.CANCELLED,
    (S.PICKING, A.SHIP): S.SHIPPED,
    (S.PICKING, A.CANCEL): S.CANCELLED,
    (S.SHIPPED, A.MARK_DELIVERED): S.DELIVERED,
    (S.DELIVERED, A.COMPLETE): S.COMPLETED,
}

# Which permission each action needs (Django "app_label.codename").
ACTION_PERMISSIONS: dict[Action, str] = {
    A.MARK_PAID: "orders.record_payment",
    A.REVIEW: "orders.review_order",
    A.START_PICKING: "orders.fulfil_order",
    A.SHIP: "orders.fulfil_order",
    A.MARK_DELIVERED: "orders.fulfil_order",
    A.COMPLETE: "orders.fulfil_order",
    A.CANCEL: "orders.cancel_order",
}


@dataclass(frozen=True)
class OrderFacts:
    status: Status
    pays_on_delivery: bool
    is_paid: bool
    # False when the shipping method is pick-up in store: shipping is the hand-over at the counter.
    needs_tracking: bool = True
    # An order held for review (审单: risk rules, a payment that did not match) goes no further
    # towards shipping until staff release it. It can still be paid or cancelled.
    on_hold: bool = False


@dataclass(frozen=True)
class TransitionInput:
    carrier: str = ""
    tracking_number: str = ""


class TransitionRefused(Exception):
    """An action the order's state does not allow. `code` is stable; the text is in messages."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _guard_ship_unpaid(facts: OrderFacts, given: TransitionInput) -> str | None:
    if not facts.is_paid and not facts.pays_on_delivery:
        return "ship_unpaid"
    return None


def _guard_has_tracking(facts: OrderFacts, given: TransitionInput) -> str | None:
    if not facts.needs_tracking:
        return None
    if not given.carrier:
        return "carrier_required"
    if not given.tracking_number.strip():
        return "tracking_number_required"
    return None


def _guard_not_cod_prepaid(facts: OrderFacts, given: TransitionInput) -> str | None:
    return "cod_paid_on_delivery" if facts.pays_on_delivery else None


def _guard_not_on_hold(facts: OrderFacts, given: TransitionInput) -> str | None:
    return "order_on_hold" if facts.on_hold else None


HELD_ACTIONS = (A.REVIEW, A.START_PICKING, A.SHIP)

GUARDS = {
    A.REVIEW: (_guard_not_on_hold,),
    A.START_PICKING: (_guard_not_on_hold,),
    A.SHIP: (_guard_not_on_hold, _guard_ship_unpaid, _guard_has_tracking),
    A.MARK_PAID: (_guard_not_cod_prepaid,),
}


def next_status(facts: OrderFacts, action: str, given: TransitionInput = TransitionInput()) -> Status:
    """The status `action` leads to, or TransitionRefused saying why not."""
    try:
        act = Action(action)
    except ValueError:
        raise TransitionRefused("unknown_action", action=action) from None
    target = TRANSITIONS.get((facts.status, act))
    if target is None:
        raise TransitionRefused("transition_not_allowed", action=act.value, status=facts.status.value)
    for guard in GUARDS.get(act, ()):
        code = guard(facts, given)
        if code:
            raise TransitionRefused(code, action=act.value, status=facts.status.value)
    return target


def allowed_actions(facts: OrderFacts) -> list[Action]:
    """Actions the state table allows now (input-dependent guards such as tracking aside)."""
    actions = []
    for (status, action), _target in TRANSITIONS.items():
        if status != facts.status:
            continue
        if action == A.SHIP and not facts.is_paid and not facts.pays_on_delivery:
            continue
        if action == A.MARK_PAID and facts.pays_on_delivery:
            continue
        if facts.on_hold and action in HELD_ACTIONS:
            continue
        actions.append(action)
    return actions
