from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.inventory.models import StockMove
from dianpu.payments.models import Refund
from dianpu.returns.models import ReturnRequest

from .builders import delivered_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    make_product(name="纯棉T恤", price="50.00", stock=10, skus=["TEE-1"])
    return delivered_order({"TEE-1": 2})


def test_buyer_requests_and_staff_work_it_through_to_a_refund(api, staff_api, order):
    created = api.post(
        "returns",
        {
            "order_number": order.number,
            "email": order.email,
            "kind": "return",
            "reason": "size_fit",
            "reason_detail": "偏小",
            "lines": [{"sku": "TEE-1", "quantity": 1}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["source"], body["refund_due"]) == ("requested", "customer", "50.00")
    number = body["number"]
    agent, warehouse, finance = staff_api("agent"), staff_api("warehouse"), staff_api("finance")
    assert agent.post(f"returns/{number}/approve", {"note": "同意"}).json()["status"] == "approved"
    shipped = agent.post(f"returns/{number}/shipment", {"carrier": "sf", "tracking_number": "SF1234567890123"})
    assert shipped.json()["tracking_number"] == "SF1234567890123"
    received = warehouse.post(
        f"returns/{number}/receive", {"lines": [{"sku": "TEE-1", "restocked": 1, "written_off": 0}]}
    )
    assert received.status_code == 200 and received.json()["allowed_actions"] == ["refund", "close"]
    assert StockMove.objects.get(kind="return").on_hand_delta == 1
    refunded = finance.post(f"returns/{number}/refund", {"include_shipping": False})
    assert refunded.status_code == 200 and refunded.json()["status"] == "refunded"
    assert Refund.objects.get().amount == Decimal("50.00")
    assert agent.post(f"returns/{number}/close", {}).json()["status"] == "closed"
    queue = agent.get("returns", status="closed").json()
    assert [(i["number"], i["units"]) for i in queue["items"]] == [(number, 1)]
    rate = agent.get("reports/return-rate", by="product").json()
    assert [(r["name"], r["sold"], r["returned"], r["rate"]) for r in rate] == [("纯棉T恤", 2, 1, "0.5000")]


def test_each_step_needs_its_role(staff_api, order):
    agent = staff_api("agent")
    number = agent.post(
        f"orders/{order.number}/returns",
        {"kind": "return", "reason": "damaged", "lines": [{"sku": "TEE-1", "quantity": 2}]},
    ).json()["number"]
    assert staff_api("warehouse").post(f"returns/{number}/approve", {}).status_code == 403
    agent.post(f"returns/{number}/approve", {})
    assert (
        agent.post(
            f"returns/{number}/receive", {"lines": [{"sku": "TEE-1", "restocked": 2, "written_off": 0}]}
        ).status_code
        == 403
    )
    assert staff_api("designer").get("returns").status_code == 403
    assert ReturnRequest.objects.get().status == "approved"


def test_buyer_with_the_wrong_email_is_refused(api, order):
    response = api.post(
        "returns",
        {
            "order_number": order.number,
            "email": "someone@else.com",
            "kind": "return",
            "reason": "size_fit",
            "lines": [{"sku": "TEE-1", "quantity": 1}],
        },
    )
    assert response.status_code == 404
    assert ReturnRequest.objects.count() == 0


def test_too_many_units_are_refused_in_english(api_en, order):
    response = api_en.post(
        "returns",
        {
            "order_number": order.number,
            "email": order.email,
            "kind": "return",
            "reason": "size_fit",
            "lines": [{"sku": "TEE-1", "quantity": 3}],
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "That is more units than are left to return on this line."
    assert ReturnRequest.objects.count() == 0


def test_rejecting_twice_is_a_conflict(staff_api, order):
    agent = staff_api("agent")
    number = agent.post(
        f"orders/{order.number}/returns",
        {"kind": "exchange", "reason": "size_fit", "lines": [{"sku": "TEE-1", "quantity": 1}]},
    ).json()["number"]
    assert agent.post(f"returns/{number}/reject", {"note": "超出期限"}).status_code == 200
    again = agent.post(f"returns/{number}/reject", {"note": "超出期限"})
    assert again.status_code == 409 and again.json()["code"] == "return_transition_not_allowed"


def test_return_rate_by_reason_over_the_api(staff_api, order):
    agent = staff_api("agent")
    agent.post(
        f"orders/{order.number}/returns",
        {"kind": "return", "reason": "damaged", "lines": [{"sku": "TEE-1", "quantity": 2}]},
    )
    rows = agent.get("reports/return-rate", by="reason").json()
    assert rows == [{"reason": "damaged", "label": "商品破损", "requests": 1, "units": 2, "share": "1.0000"}]


def test_a_client_guessing_orders_is_stopped_with_429_in_its_language(api, api_en, order):
    wrong = {
        "order_number": order.number,
        "email": "guess@else.com",
        "kind": "return",
        "reason": "size_fit",
        "lines": [{"sku": "TEE-1", "quantity": 1}],
    }
    statuses = [api.post("returns", wrong).status_code for _ in range(10)]
    assert statuses == [404] * 10
    right = {**wrong, "email": order.email}
    refused = api.post("returns", right)
    assert refused.status_code == 429
    assert refused.json() == {"code": "too_many_requests", "detail": "尝试次数过多，请 15 分钟后再试。"}
    english = api_en.post("returns", right)  # same client (address), other language
    assert (english.status_code, english.json()["detail"]) == (
        429,
        "Too many attempts. Please try again in 15 minutes.",
    )
    assert ReturnRequest.objects.count() == 0


def test_failed_status_lookups_and_return_requests_share_one_budget(api, order, client):
    for _ in range(20):
        client.post("/orders/status/", {"number": order.number, "email": "guess@else.com"})
    response = api.post(
        "returns",
        {
            "order_number": order.number,
            "email": order.email,
            "kind": "return",
            "reason": "size_fit",
            "lines": [{"sku": "TEE-1", "quantity": 1}],
        },
    )
    assert response.status_code == 429
    assert ReturnRequest.objects.count() == 0


def test_the_order_detail_shows_its_refunds_and_after_sales_requests(staff_api, order):
    agent, finance = staff_api("agent"), staff_api("finance")
    before = agent.get(f"orders/{order.number}").json()
    assert (before["refunds"], before["returns"]) == ([], [])
    number = agent.post(
        f"orders/{order.number}/returns",
        {"kind": "exchange", "reason": "size_fit", "lines": [{"sku": "TEE-1", "quantity": 1}]},
    ).json()["number"]
    refunded = finance.post(f"orders/{order.number}/refunds", {"amount": "12.50", "reason": "补偿"})
    assert refunded.status_code in (200, 201), refunded.content
    body = agent.get(f"orders/{order.number}").json()
    assert body["returns"] == [{"number": number, "kind": "exchange", "status": "requested"}]
    assert [(r["amount"], r["status"], r["gateway"]) for r in body["refunds"]] == [
        ("12.50", "succeeded", "bank_transfer")
    ]
    assert body["refunds"][0]["created_at"]
