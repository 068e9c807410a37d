"""After-sales for a parcel that has shipped but not arrived: refund-only, or stop the parcel
(拦截) — requested by the buyer, worked by an agent with the carrier, received back into stock
(proposed: every unit), then refunded."""

import re
from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.inventory.models import StockLevel, StockMove
from dianpu.orders.services import transition_order
from dianpu.payments.models import Payment, Refund
from dianpu.returns.models import ReturnHistory, ReturnRequest
from dianpu.returns.services import (
    approve_return,
    receive_return,
    record_intercept_outcome,
    refund_return,
    request_intercept,
    request_return,
)

from .builders import delivered_order, paid_order, shipped_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcel():
    make_product(name="纯棉T恤", price="50.00", stock=10, skus=["TEE-1"])
    make_product(name="马克杯", price="30.00", stock=10, skus=["MUG-1"])
    return shipped_order({"TEE-1": 2, "MUG-1": 1})


def on_hand(sku):
    return StockLevel.objects.get(variant__sku=sku).on_hand


def test_refund_only_while_the_parcel_is_in_transit(parcel):
    line = parcel.lines.get(sku="MUG-1")
    ret = request_return(order=parcel, kind="refund_only", reason="late_delivery", lines={line.pk: 1})
    approve_return(request=ret)
    refund_return(request=ret)
    assert (ReturnRequest.objects.get().status, Refund.objects.get().amount) == ("refunded", Decimal("30.00"))


def test_a_stopped_parcel_comes_back_into_stock_and_is_refunded(parcel, staff):
    agent, warehouse = staff("agent"), staff("warehouse")
    ret = request_return(order=parcel, kind="intercept", reason="changed_mind", lines={})
    assert sorted(ret.lines.values_list("order_line__sku", "quantity")) == [("MUG-1", 1), ("TEE-1", 2)]
    before = (on_hand("TEE-1"), on_hand("MUG-1"))

    request_intercept(request=ret, actor=agent, note="顺丰拦截工单 123")
    record_intercept_outcome(request=ret, stopped=True, actor=agent, note="已拦截，退回中")
    assert ReturnRequest.objects.get().status == "intercepted"
    receive_return(request=ret, actor=warehouse)  # as proposed: every unit back
    assert (on_hand("TEE-1"), on_hand("MUG-1")) == (before[0] + 2, before[1] + 1)
    assert sorted(StockMove.objects.filter(kind="return").values_list("variant__sku", "on_hand_delta")) == [
        ("MUG-1", 1),
        ("TEE-1", 2),
    ]
    refund_return(request=ret, include_shipping=True)

    ret.refresh_from_db()
    assert ret.status == "refunded"
    assert Refund.objects.get().amount == parcel.grand_total
    assert Payment.objects.get().refunded_total == parcel.grand_total
    assert list(ReturnHistory.objects.filter(request=ret).values_list("action", "to_status")) == [
        ("request", "requested"),
        ("request_intercept", "intercepting"),
        ("confirm_intercept", "intercepted"),
        ("receive", "received"),
        ("refund", "refunded"),
    ]


def test_a_parcel_that_could_not_be_stopped_may_be_returned_after_delivery(parcel):
    ret = request_return(order=parcel, kind="intercept", reason="changed_mind", lines={})
    request_intercept(request=ret)
    record_intercept_outcome(request=ret, stopped=False, note="已派送")
    assert ReturnRequest.objects.get().status == "stop_failed"
    delivered = transition_order(order=parcel, action="mark_delivered")
    line = delivered.lines.get(sku="TEE-1")
    again = request_return(order=delivered, kind="return", reason="changed_mind", lines={line.pk: 2})
    assert again.status == "requested"


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: paid_order({"TEE-1": 1}), "intercept_not_in_transit"),  # not shipped: refund-only instead
        (lambda: delivered_order({"TEE-1": 1}), "intercept_not_in_transit"),  # already there: a return instead
    ],
)
def test_only_a_parcel_in_transit_can_be_stopped(make, code):
    make_product(price="50.00", stock=10, skus=["TEE-1"])
    order = make()
    with pytest.raises(DomainError) as refused:
        request_return(order=order, kind="intercept", reason="changed_mind", lines={})
    assert refused.value.code == code
    assert ReturnRequest.objects.count() == 0


def test_a_return_of_a_parcel_in_transit_says_what_can_be_asked_instead(parcel):
    line = parcel.lines.get(sku="TEE-1")
    with pytest.raises(DomainError) as refused:
        request_return(order=parcel, kind="return", reason="size_fit", lines={line.pk: 1})
    assert refused.value.code == "return_not_delivered_in_transit"
    assert str(refused.value.detail) == "包裹还在运输途中：可申请仅退款或拦截包裹；签收后才能申请退货或换货。"
    assert ReturnRequest.objects.count() == 0


def test_an_intercept_is_not_approved_like_a_return_and_a_second_one_finds_nothing_left(parcel):
    ret = request_return(order=parcel, kind="intercept", reason="changed_mind", lines={})
    with pytest.raises(DomainError) as refused:
        approve_return(request=ret)
    assert refused.value.code == "intercept_steps_only"
    assert ReturnRequest.objects.get().status == "requested"
    with pytest.raises(DomainError):
        request_return(order=parcel, kind="intercept", reason="changed_mind", lines={})
    assert ReturnRequest.objects.count() == 1


# --- the buyer's page, the agent's console, the API ------------------------------------------------


def kinds_offered(html):
    form = html.split('id="return-form"')[1].split("</select>")[0]
    return re.findall(r'<option value="([a-z_]+)"', form)


def test_the_order_page_offers_what_a_parcel_in_transit_can_get(client, parcel):
    page = client.get("/orders/status/", {"number": parcel.number, "email": parcel.email}).content.decode()
    assert kinds_offered(page) == ["refund_only", "intercept"]
    assert 'id="in-transit-hint"' in page
    response = client.post(
        "/orders/returns/",
        {"number": parcel.number, "email": parcel.email, "kind": "intercept", "reason": "changed_mind"},
        follow=True,
    )
    ret = ReturnRequest.objects.get()
    assert (ret.kind, ret.source, ret.lines.count()) == ("intercept", "customer", 2)
    assert f"售后申请 {ret.number} 已提交" in response.content.decode()


def test_the_order_page_of_a_delivered_order_offers_no_intercept(client):
    make_product(price="50.00", stock=10, skus=["TEE-1"])
    order = delivered_order({"TEE-1": 1})
    page = client.get("/orders/status/", {"number": order.number, "email": order.email}).content.decode()
    assert kinds_offered(page) == ["return", "exchange", "refund_only"]
    assert 'id="in-transit-hint"' not in page


def test_the_agent_works_an_intercept_in_the_console_and_receiving_proposes_every_unit(client, staff, parcel):
    ret = request_return(order=parcel, kind="intercept", reason="changed_mind", lines={})
    client.force_login(staff("agent"))
    detail = client.get(f"/console/returns/{ret.number}/").content.decode()
    assert 'data-action="request_intercept"' in detail and 'data-action="approve"' not in detail
    client.post(f"/console/returns/{ret.number}/request_intercept/", {"note": "顺丰工单 123"})
    client.post(f"/console/returns/{ret.number}/confirm_intercept/", {"note": ""})
    assert ReturnRequest.objects.get().status == "intercepted"

    client.force_login(staff("warehouse"))
    detail = client.get(f"/console/returns/{ret.number}/").content.decode()
    for line in ret.lines.all():
        assert f'name="restock-{line.pk}" min="0" max="{line.quantity}" value="{line.quantity}"' in detail
        assert f'name="writeoff-{line.pk}" min="0" max="{line.quantity}" value="0"' in detail


def test_the_api_works_an_intercept_and_receives_as_proposed(api, staff_api, parcel):
    created = api.post(
        "returns", {"order_number": parcel.number, "email": parcel.email, "kind": "intercept", "reason": "changed_mind"}
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["allowed_actions"] == ["reject", "cancel", "request_intercept"]
    agent, warehouse = staff_api("agent"), staff_api("warehouse")
    assert agent.post(f"returns/{number}/intercept", {"note": "工单 1"}).json()["status"] == "intercepting"
    assert agent.post(f"returns/{number}/intercepted", {}).json()["status"] == "intercepted"
    received = warehouse.post(f"returns/{number}/receive", {"lines": [{"sku": "TEE-1", "written_off": 1}]})
    assert received.status_code == 200, received.content
    assert sorted((ln["sku"], ln["restocked"], ln["written_off"]) for ln in received.json()["lines"]) == [
        ("MUG-1", 1, 0),
        ("TEE-1", 1, 1),
    ]
    approve = agent.post(f"returns/{number}/approve", {})
    assert (approve.status_code, approve.json()["code"]) == (409, "return_transition_not_allowed")
