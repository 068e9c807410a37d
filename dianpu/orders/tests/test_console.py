"""Order pages of the console: the pool, one order, and the actions each role may take."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(db):
    make_product(skus=["TEE-M"], price="59.00", stock=10)
    return place_test_order({"TEE-M": 2}, email="li@example.com")


@pytest.fixture
def paid_order(order):
    return transition_order(order=order, action="mark_paid", reason="bank ref 1")


def actions_on_page(response) -> list[str]:
    return [a["code"] for a in response.context["actions"]]


def test_order_list_filters_and_search(client, staff, order):
    make_product(skus=["CAP-1"], price="30.00", stock=5)
    other = place_test_order({"CAP-1": 1}, email="wang@example.com")
    transition_order(order=other, action="mark_paid")
    client.force_login(staff("agent"))
    numbers = lambda r: [row["order"].number for row in r.context["rows"]]  # noqa: E731
    assert numbers(client.get("/console/orders/", {"q": "li@example.com"})) == [order.number]
    assert numbers(client.get("/console/orders/", {"q": order.number})) == [order.number]
    assert numbers(client.get("/console/orders/", {"status": "paid"})) == [other.number]
    assert numbers(client.get("/console/orders/", {"status": "to_ship"})) == [other.number]
    assert numbers(
        client.get("/console/orders/", {"payment_method": "bank_transfer", "status": "pending_payment"})
    ) == [order.number]
    today = timezone.localdate(clock.now())  # the shop's day, as the console filters by it
    assert (
        len(numbers(client.get("/console/orders/", {"date_from": today.isoformat(), "date_to": today.isoformat()})))
        == 2
    )
    tomorrow = (today + timedelta(days=2)).isoformat()
    assert numbers(client.get("/console/orders/", {"date_from": tomorrow})) == []


def test_order_detail_shows_lines_totals_address_and_history(client, staff, order):
    client.force_login(staff("agent"))
    response = client.get(f"/console/orders/{order.number}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "TEE-M" in html
    assert f"¥{order.grand_total:,.2f}" in html
    assert "南京东路 100 号" in html
    assert response.context["history"][0]["row"].action == "place"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("owner", ["mark_paid", "cancel"]),
        ("finance", ["mark_paid"]),
        ("agent", ["cancel"]),
        ("warehouse", []),
        ("marketing", []),
    ],
)
def test_order_detail_shows_only_the_actions_the_role_may_take_now(client, staff, order, role, expected):
    client.force_login(staff(role))
    response = client.get(f"/console/orders/{order.number}/")
    assert actions_on_page(response) == expected
    html = response.content.decode()
    for code in ["mark_paid", "cancel", "ship", "review"]:
        assert (f'data-action="{code}"' in html) == (code in expected)


def test_paid_order_actions_for_warehouse(client, staff, paid_order):
    client.force_login(staff("warehouse"))
    response = client.get(f"/console/orders/{paid_order.number}/")
    assert actions_on_page(response) == ["start_picking", "ship"]
    assert "顺丰速运" in response.content.decode()


def test_finance_marks_an_order_paid(client, staff, order):
    client.force_login(staff("finance"))
    response = client.post(f"/console/orders/{order.number}/transition/", {"action": "mark_paid", "reason": "BANK-778"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "paid"
    assert order.payments.get().reference == "BANK-778"
    history = order.history.last()
    assert (history.action, history.from_status, history.to_status, history.actor_label) == (
        "mark_paid",
        "pending_payment",
        "paid",
        "finance",
    )


def test_warehouse_ships_a_paid_order_with_sf_tracking(client, staff, paid_order):
    warehouse = staff("warehouse")
    client.force_login(warehouse)
    response = client.post(
        f"/console/orders/{paid_order.number}/transition/",
        {"action": "ship", "carrier": "sf", "tracking_number": "SF1234567890123"},
    )
    assert response.status_code == 302
    paid_order.refresh_from_db()
    assert paid_order.status == "shipped"
    assert (paid_order.carrier, paid_order.tracking_number) == ("sf", "SF1234567890123")
    history = paid_order.history.last()
    assert (history.action, history.from_status, history.to_status, history.actor, history.actor_label) == (
        "ship",
        "paid",
        "shipped",
        warehouse,
        "warehouse",
    )
    html = client.get(response["Location"]).content.decode()
    assert "https://www.sf-express.com/chn/sc/waybill/waybill-detail/SF1234567890123" in html
    assert "已发货" in html


def test_bad_tracking_number_shows_the_error_and_nothing_changes(client, staff, paid_order):
    client.force_login(staff("warehouse"))
    response = client.post(
        f"/console/orders/{paid_order.number}/transition/",
        {"action": "ship", "carrier": "sf", "tracking_number": "NOT-A-NUMBER"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "SF1234567890123" in html  # the message gives the carrier's example
    assert response.context["error"]
    paid_order.refresh_from_db()
    assert paid_order.status == "paid"
    assert paid_order.tracking_number == ""
    assert paid_order.shipments.count() == 0
    assert paid_order.history.count() == 2


def test_action_not_allowed_in_this_state_shows_the_reason(client, staff, order):
    client.force_login(staff("owner"))
    response = client.post(f"/console/orders/{order.number}/transition/", {"action": "mark_delivered"})
    assert response.status_code == 409
    assert "不能执行「确认签收」" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "pending_payment"


def test_role_without_the_permission_is_refused_with_403(client, staff, order):
    client.force_login(staff("warehouse"))
    response = client.post(f"/console/orders/{order.number}/transition/", {"action": "mark_paid"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert order.payments.count() == 0


def test_agent_cancels_with_a_reason(client, staff, order):
    client.force_login(staff("agent"))
    response = client.post(
        f"/console/orders/{order.number}/transition/", {"action": "cancel", "reason": "客户要求取消"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.history.last().reason == "客户要求取消"
    assert AuditEntry.objects.filter(action="order.transitioned", actor_label="agent").count() == 1


def test_full_flow_to_completed(client, staff, paid_order):
    client.force_login(staff("owner"))
    url = f"/console/orders/{paid_order.number}/transition/"
    client.post(url, {"action": "review"})
    client.post(url, {"action": "start_picking"})
    client.post(url, {"action": "ship", "carrier": "sf", "tracking_number": "SF1234567890123"})
    client.post(url, {"action": "mark_delivered"})
    client.post(url, {"action": "complete"})
    assert Order.objects.get(pk=paid_order.pk).status == "completed"
    response = client.get(f"/console/orders/{paid_order.number}/")
    assert actions_on_page(response) == []
    assert [h["row"].to_status for h in response.context["history"]] == [
        "pending_payment",
        "paid",
        "reviewed",
        "picking",
        "shipped",
        "delivered",
        "completed",
    ]


def test_a_pickup_order_is_handed_over_at_the_counter(client, staff):
    make_product(skus=["MUG-1"], price="39.00", stock=3)
    order = transition_order(order=place_test_order({"MUG-1": 1}, shipping_method="pickup"), action="mark_paid")
    client.force_login(staff("warehouse"))
    page = client.get(f"/console/orders/{order.number}/")
    html = page.content.decode()
    assert 'id="ship-carrier"' not in html and "顾客已自提" in html
    response = client.post(f"/console/orders/{order.number}/transition/", {"action": "ship"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped" and order.tracking_number == ""


def test_the_order_list_exports_the_filtered_orders_as_csv_and_xlsx(client, staff, order):
    from dianpu.core.testing_exports import csv_rows, xlsx_rows

    make_product(skus=["CAP-1"], price="30.00", stock=5)
    other = place_test_order({"CAP-1": 1}, email="wang@example.com")
    transition_order(order=other, action="mark_paid")
    client.force_login(staff("agent"))
    rows = csv_rows(client.get("/console/orders/", {"status": "paid", "export": "csv"}))
    assert rows[0][:3] == ["订单号", "下单时间", "收货人"]
    assert [r[0] for r in rows[1:]] == [other.number]
    assert rows[1][4] == "wang@example.com" and rows[1][6] == str(other.grand_total) and rows[1][7] == "已付款"
    rows = xlsx_rows(client.get("/console/orders/", {"q": "li@example.com", "export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == [order.number]
    assert rows[1][6] == float(order.grand_total)
    everything = csv_rows(client.get("/console/orders/", {"export": "csv"}))
    assert sorted(r[0] for r in everything[1:]) == sorted([order.number, other.number])
    client.force_login(staff("designer"))  # may not see orders: nor export them
    assert client.get("/console/orders/", {"export": "csv"}).status_code == 403


def test_a_long_order_list_counts_only_up_to_its_bound(client, staff, order, monkeypatch):
    from dianpu.core import paging

    make_product(skus=["CAP-2"], price="30.00", stock=9)
    for n in range(3):
        place_test_order({"CAP-2": 1}, email=f"b{n}@example.com")
    client.force_login(staff("agent"))
    monkeypatch.setattr(paging, "COUNT_BOUND", 2)
    page = client.get("/console/orders/")
    paginator = page.context["page_obj"].paginator
    assert (paginator.count, paginator.is_bounded, paginator.num_pages) == (2, True, 1)
    assert "多于 2 条" in page.text
    monkeypatch.setattr(paging, "COUNT_BOUND", 10)
    paginator = client.get("/console/orders/").context["page_obj"].paginator
    assert (paginator.count, paginator.is_bounded) == (4, False)
