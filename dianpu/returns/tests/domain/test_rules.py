from datetime import datetime, timedelta, timezone

import pytest

from dianpu.returns.domain.rules import OrderForReturn, check_lines, check_request, list_request_kinds
from dianpu.returns.domain.states import ReturnRefused, allowed_actions, next_status

NOW = datetime(2026, 11, 23, 12, tzinfo=timezone.utc)


def delivered(days_ago: float) -> OrderForReturn:
    return OrderForReturn(status="delivered", is_paid=True, delivered_at=NOW - timedelta(days=days_ago))


def test_returns_are_allowed_within_the_window_after_delivery():
    assert check_request("return", delivered(7), now=NOW, window_days=7) is None
    assert check_request("return", delivered(7.01), now=NOW, window_days=7) == "return_window_closed"


def test_refund_only_is_allowed_before_shipping_but_returns_are_not():
    paid = OrderForReturn(status="paid", is_paid=True, delivered_at=None)
    assert check_request("refund_only", paid, now=NOW, window_days=7) is None
    assert check_request("return", paid, now=NOW, window_days=7) == "return_not_delivered"
    shipped = OrderForReturn(status="shipped", is_paid=True, delivered_at=None)
    assert check_request("return", shipped, now=NOW, window_days=7) == "return_not_delivered_in_transit"
    unpaid = OrderForReturn(status="pending_payment", is_paid=False, delivered_at=None)
    assert check_request("refund_only", unpaid, now=NOW, window_days=7) == "return_order_not_paid"


def test_line_quantities_cannot_exceed_what_is_left():
    assert check_lines({1: 2}, {1: 3}, {1: 1}) == {}
    assert check_lines({1: 3}, {1: 3}, {1: 1}) == {1: "return_quantity_too_large"}
    assert check_lines({9: 1}, {1: 3}, {}) == {9: "return_line_unknown"}
    assert check_lines({}, {1: 3}, {}) == {0: "return_lines_required"}


def test_refund_only_skips_the_goods_and_exchange_is_never_refunded():
    assert allowed_actions("refund_only", "approved") == ["cancel", "refund"]
    assert allowed_actions("return", "approved") == ["cancel", "ship_back", "receive"]
    assert allowed_actions("exchange", "received") == ["close"]
    with pytest.raises(ReturnRefused) as refused:
        next_status("return", "approved", "refund")
    assert refused.value.code == "return_not_received"
    with pytest.raises(ReturnRefused) as refused:
        next_status("return", "closed", "approve")
    assert refused.value.code == "return_transition_not_allowed"


def test_a_parcel_in_transit_may_be_refunded_or_stopped_and_nothing_else():
    shipped = OrderForReturn(status="shipped", is_paid=True, delivered_at=None)
    assert list_request_kinds(shipped, now=NOW, window_days=7) == ["refund_only", "intercept"]
    paid = OrderForReturn(status="picking", is_paid=True, delivered_at=None)
    assert list_request_kinds(paid, now=NOW, window_days=7) == ["refund_only"]
    assert check_request("intercept", paid, now=NOW, window_days=7) == "intercept_not_in_transit"
    assert list_request_kinds(delivered(1), now=NOW, window_days=7) == ["return", "exchange", "refund_only"]
    assert check_request("intercept", delivered(1), now=NOW, window_days=7) == "intercept_not_in_transit"
    assert list_request_kinds(delivered(8), now=NOW, window_days=7) == []
    cod = OrderForReturn(status="shipped", is_paid=False, delivered_at=None)  # cash on delivery: nothing paid yet
    assert list_request_kinds(cod, now=NOW, window_days=7) == []


def test_an_intercept_is_asked_of_the_carrier_then_received_and_refunded():
    assert allowed_actions("intercept", "requested") == ["reject", "cancel", "request_intercept"]
    assert allowed_actions("intercept", "intercepting") == ["confirm_intercept", "fail_intercept"]
    assert allowed_actions("intercept", "intercepted") == ["receive"]
    assert allowed_actions("intercept", "received") == ["refund", "close"]
    assert allowed_actions("intercept", "stop_failed") == []
    assert "request_intercept" not in allowed_actions("return", "requested")
    for kind, action, code in (
        ("intercept", "approve", "intercept_steps_only"),
        ("refund_only", "request_intercept", "intercept_only"),
    ):
        with pytest.raises(ReturnRefused) as refused:
            next_status(kind, "requested", action)
        assert refused.value.code == code
