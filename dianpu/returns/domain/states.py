"""The life of a return request, as data: (status, action) -> next status, with guards by kind."""

from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    RETURN = "return"  # 退货退款
    EXCHANGE = "exchange"  # 换货
    REFUND_ONLY = "refund_only"  # 仅退款
    INTERCEPT = "intercept"  # 拦截: stop a parcel in transit, refund when it is back


class Status(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    REFUNDED = "refunded"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    INTERCEPTING = "intercepting"  # the agent asked the carrier to stop the parcel
    INTERCEPTED = "intercepted"  # stopped: on its way back to us
    STOP_FAILED = "stop_failed"  # the carrier could not stop it (delivered): a return after delivery instead


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SHIP_BACK = "ship_back"
    RECEIVE = "receive"
    REFUND = "refund"
    CLOSE = "close"
    CANCEL = "cancel"
    REQUEST_INTERCEPT = "request_intercept"
    CONFIRM_INTERCEPT = "confirm_intercept"
    FAIL_INTERCEPT = "fail_intercept"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.REQUESTED, Action.APPROVE): Status.APPROVED,
    (Status.REQUESTED, Action.REJECT): Status.REJECTED,
    (Status.REQUESTED, Action.CANCEL): Status.CANCELLED,
    (Status.APPROVED, Action.CANCEL): Status.CANCELLED,
    (Status.APPROVED, Action.SHIP_BACK): Status.IN_TRANSIT,
    (Status.APPROVED, Action.RECEIVE): Status.RECEIVED,
    (Status.IN_TRANSIT, Action.RECEIVE): Status.RECEIVED,
    (Status.APPROVED, Action.REFUND): Status.REFUNDED,
    (Status.RECEIVED, Action.REFUND): Status.REFUNDED,
    (Status.RECEIVED, Action.CLOSE): Status.CLOSED,
    (Status.REFUNDED, Action.CLOSE): Status.CLOSED,
    # 拦截: requested -> the carrier is asked -> stopped (back to us, received, refunded) or not
    (Status.REQUESTED, Action.REQUEST_INTERCEPT): Status.INTERCEPTING,
    (Status.INTERCEPTING, Action.CONFIRM_INTERCEPT): Status.INTERCEPTED,
    (Status.INTERCEPTING, Action.FAIL_INTERCEPT): Status.STOP_FAILED,
    (Status.INTERCEPTED, Action.RECEIVE): Status.RECEIVED,
}
# Goods come back for returns and exchanges; refund-only keeps them with the buyer.
GOODS_ACTIONS = {Action.SHIP_BACK, Action.RECEIVE}
INTERCEPT_ACTIONS = {Action.REQUEST_INTERCEPT, Action.CONFIRM_INTERCEPT, Action.FAIL_INTERCEPT}
# An intercept is worked by the agent with the carrier: no approval step, no parcel sent back by the buyer.
NOT_FOR_INTERCEPT = {Action.APPROVE, Action.SHIP_BACK}
OPEN_STATUSES = {
    Status.REQUESTED,
    Status.APPROVED,
    Status.IN_TRANSIT,
    Status.RECEIVED,
    Status.INTERCEPTING,
    Status.INTERCEPTED,
}
# Requests that count against what a line may still be returned for.
COUNTED_STATUSES = OPEN_STATUSES | {Status.REFUNDED, Status.CLOSED}


class ReturnRefused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def next_status(kind: str, status: str, action: str) -> Status:
    """The status after `action`, or ReturnRefused(code) saying why not."""
    try:
        kind, status, action = Kind(kind), Status(status), Action(action)
    except ValueError:
        raise ReturnRefused("return_action_unknown", action=str(action)) from None
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise ReturnRefused("return_transition_not_allowed", status=status.value, action=action.value)
    if kind == Kind.REFUND_ONLY and action in GOODS_ACTIONS:
        raise ReturnRefused("refund_only_keeps_goods")
    if action in INTERCEPT_ACTIONS and kind != Kind.INTERCEPT:
        raise ReturnRefused("intercept_only")
    if kind == Kind.INTERCEPT and action in NOT_FOR_INTERCEPT:
        raise ReturnRefused("intercept_steps_only")
    if action == Action.REFUND and kind == Kind.EXCHANGE:
        raise ReturnRefused("exchange_not_refunded")
    if action == Action.REFUND and status == Status.APPROVED and kind != Kind.REFUND_ONLY:
        raise ReturnRefused("return_not_received")
    return target


def allowed_actions(kind: str, status: str) -> list[str]:
    out = []
    for (from_status, action), _target in TRANSITIONS.items():
        if from_status.value != status:
            continue
        try:
            next_status(kind, status, action)
        except ReturnRefused:
            continue
        out.append(action.value)
    return out
