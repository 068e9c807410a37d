"""Order review (审单): rules hold new orders with reasons; staff release or cancel them."""

from decimal import Decimal

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order, ReviewSettings
from dianpu.orders.review import add_blacklist_entry, update_review_settings
from dianpu.orders.services import release_order, transition_order
from dianpu.orders.tests.builders import ADDRESS, place_test_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(db):
    make_product(skus=["TEE-M"], price="59.00", stock=100)
    make_product(skus=["WATCH"], price="6000.00", stock=5)


def test_a_high_value_order_is_held_with_its_reason(products):
    order = place_test_order({"WATCH": 1})
    order.refresh_from_db()
    assert order.on_hold
    assert order.hold_reasons == [{"code": "high_value", "detail": "¥6,000.00 ≥ ¥5,000.00"}]
    assert order.history.filter(action="hold").count() == 1


def test_an_ordinary_order_is_not_held(products):
    order = place_test_order({"TEE-M": 1})
    order.refresh_from_db()
    assert order.hold_reasons == []


def test_the_fourth_order_to_one_address_in_a_day_is_held(products):
    orders = [place_test_order({"TEE-M": 1}, email=f"b{i}@example.com") for i in range(4)]
    held = [Order.objects.get(pk=o.pk).on_hold for o in orders]
    # the phone is the same too: both rules fire on the fourth
    assert held == [False, False, False, True]
    codes = [r["code"] for r in Order.objects.get(pk=orders[3].pk).hold_reasons]
    assert codes == ["many_orders_same_address", "many_orders_same_phone"]


def test_blacklisted_email_phone_and_address_hold_the_order(products, staff):
    owner = staff("owner")
    add_blacklist_entry(actor=owner, kind="email", value="Bad@Example.com ")
    add_blacklist_entry(actor=owner, kind="phone", value="+86 138 0013 8000")
    add_blacklist_entry(actor=owner, kind="address", value="上海市上海市黄浦区南京东路100号")
    order = Order.objects.get(pk=place_test_order({"TEE-M": 1}, email="bad@example.com").pk)
    assert [r["code"] for r in order.hold_reasons] == ["blacklisted_email", "blacklisted_phone", "blacklisted_address"]
    assert AuditEntry.objects.filter(action="blacklist.added").count() == 3


def test_a_duplicate_blacklist_entry_is_refused(staff):
    owner = staff("owner")
    add_blacklist_entry(actor=owner, kind="email", value="x@example.com")
    with pytest.raises(DomainError) as exc:
        add_blacklist_entry(actor=owner, kind="email", value="X@example.com")
    assert exc.value.code == "blacklist_duplicate"


def test_thresholds_are_editable_and_audited(products, staff):
    update_review_settings(actor=staff("owner"), changes={"high_value_over": Decimal("100.00")})
    assert ReviewSettings.objects.get(pk=1).high_value_over == Decimal("100.00")
    order = Order.objects.get(pk=place_test_order({"TEE-M": 2}).pk)
    assert [r["code"] for r in order.hold_reasons] == ["high_value"]
    entry = AuditEntry.objects.get(action="review_settings.updated")
    assert entry.changes["high_value_over"] == ["5000.00", "100.00"]


def test_held_order_cannot_ship_until_released(products, staff):
    order = place_test_order({"WATCH": 1})
    order = transition_order(order=Order.objects.get(pk=order.pk), action="mark_paid")
    with pytest.raises(DomainError) as exc:
        transition_order(order=order, action="ship", carrier="sf", tracking_number="SF1234567890123")
    assert exc.value.code == "order_on_hold"
    assert Order.objects.get(pk=order.pk).status == "paid"
    release_order(order=order, actor=staff("agent"), reason="called the buyer")
    shipped = transition_order(
        order=Order.objects.get(pk=order.pk), action="ship", carrier="sf", tracking_number="SF1234567890123"
    )
    assert shipped.status == "shipped"


def test_cancelling_a_held_order_frees_its_stock(products, staff):
    order = Order.objects.get(pk=place_test_order({"WATCH": 2}, address={**ADDRESS}).pk)
    assert order.on_hold
    transition_order(order=order, action="cancel", actor=staff("agent"), reason="fraud")
    level = StockLevel.objects.get(variant__sku="WATCH")
    assert (level.on_hand, level.reserved) == (5, 0)


def test_console_queue_shows_reasons_and_agent_releases(client, staff, products):
    order = place_test_order({"WATCH": 1})
    client.force_login(staff("agent"))
    html = client.get("/console/orders/review/").content.decode()
    assert order.number in html and "高额订单" in html and "¥6,000.00 ≥ ¥5,000.00" in html
    response = client.post(f"/console/orders/{order.number}/release/", {"reason": "ok"})
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).hold_reasons == []
    assert AuditEntry.objects.filter(action="order.released", object_id=str(order.pk)).count() == 1


def test_warehouse_may_not_release_or_edit_rules(client, staff, products):
    order = place_test_order({"WATCH": 1})
    client.force_login(staff("warehouse"))
    assert client.post(f"/console/orders/{order.number}/release/").status_code == 403
    assert client.post("/console/orders/review/settings/", {"high_value_over": "1"}).status_code == 403
    assert Order.objects.get(pk=order.pk).on_hold


def test_console_blacklist_add_and_refuse_duplicate(client, staff):
    client.force_login(staff("agent"))
    assert (
        client.post("/console/orders/review/blacklist/", {"kind": "phone", "value": "13900000000"}).status_code == 302
    )
    response = client.post("/console/orders/review/blacklist/", {"kind": "phone", "value": "139 0000 0000"})
    assert response.status_code == 422
    assert "该内容已在黑名单中。" in response.content.decode()


def test_api_lists_held_orders_and_releases(staff_api, products):
    order = place_test_order({"WATCH": 1})
    agent = staff_api("agent")
    held = agent.get("order-review/held").json()
    assert held == [
        {
            "number": order.number,
            "status": "pending_payment",
            "total": "6000.00",
            "held_at": held[0]["held_at"],
            "hold_reasons": [{"code": "high_value", "label": "高额订单", "detail": "¥6,000.00 ≥ ¥5,000.00"}],
        }
    ]
    response = agent.post(f"orders/{order.number}/release", {"reason": "verified"})
    assert response.status_code == 200 and response.json()["hold_reasons"] == []
    again = agent.post(f"orders/{order.number}/release", {})
    assert again.status_code == 409 and again.json()["code"] == "order_not_on_hold"


def test_api_settings_and_blacklist(staff_api):
    owner = staff_api("owner")
    assert owner.get("order-review/settings").json()["high_value_over"] == "5000.00"
    body = {
        "high_value_over": "800.00",
        "max_orders_per_address_per_day": 2,
        "max_orders_per_phone_per_day": 2,
        "max_orders_per_ip_per_day": 0,
        "check_far_apart": False,
    }
    assert owner._call("put", "order-review/settings", body).json() == body
    created = owner.post("order-review/blacklist", {"kind": "email", "value": "a@b.cn"})
    assert created.status_code == 201
    assert (
        owner.post("order-review/blacklist", {"kind": "fax", "value": "1"}).json()["code"] == "blacklist_kind_unknown"
    )
    assert staff_api("warehouse").get("order-review/blacklist").status_code == 403
    assert owner.delete(f"order-review/blacklist/{created.json()['id']}").status_code == 204
    assert owner.get("order-review/blacklist").json() == []


def test_the_review_queue_exports_every_held_order(client, staff, products):
    from dianpu.core.testing_exports import csv_rows, xlsx_rows

    held = place_test_order({"WATCH": 1})
    place_test_order({"TEE-M": 1})  # not held
    client.force_login(staff("agent"))
    rows = csv_rows(client.get("/console/orders/review/", {"export": "csv"}))
    assert rows[0][:2] == ["订单号", "挂起时间"]
    assert [(r[0], r[5], r[7]) for r in rows[1:]] == [(held.number, "6000.00", rows[1][7])]
    assert "¥6,000.00 ≥ ¥5,000.00" in rows[1][7]
    assert [r[0] for r in xlsx_rows(client.get("/console/orders/review/", {"export": "xlsx"}))[1:]] == [held.number]
    client.force_login(staff("warehouse"))  # sees orders but does not review them
    assert client.get("/console/orders/review/", {"export": "csv"}).status_code == 403


def test_the_sixth_order_from_one_ip_address_in_a_day_is_held_whatever_its_spelling(products):
    from dianpu.checkout.services import place_order
    from dianpu.orders.tests.builders import checkout_request

    spellings = ["2001:DB8::1", "2001:db8::1", "2001:0db8:0:0:0:0:0:1"]  # one address, written three ways
    orders = [
        place_order(
            checkout_request(
                {"TEE-M": 1},
                email=f"ip{i}@example.com",
                address={**ADDRESS, "phone": f"1390000000{i}", "line1": f"{i}号"},
            ),
            ip_address=spellings[i % 3],
        ).order
        for i in range(7)
    ]
    held = [Order.objects.get(pk=o.pk).hold_reasons for o in orders]
    assert held[:5] == [[]] * 5
    assert held[5:] == [
        [{"code": "many_orders_same_ip", "detail": "6 / 24h > 5"}],
        [{"code": "many_orders_same_ip", "detail": "7 / 24h > 5"}],
    ]


def test_thresholds_saved_with_a_rule_switched_off_are_the_ones_applied(products, staff):
    update_review_settings(actor=staff("owner"), changes={"high_value_over": None, "max_orders_per_address_per_day": 1})
    first, second = (place_test_order({"WATCH": 1}, email=f"w{i}@example.com") for i in range(2))
    assert Order.objects.get(pk=first.pk).hold_reasons == []  # ¥6,000 and no high-value rule
    assert [r["code"] for r in Order.objects.get(pk=second.pk).hold_reasons] == ["many_orders_same_address"]
