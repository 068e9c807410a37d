"""The contract: sign-up, customer token, /me; checkout with points; the staff's customer list,
profile, points, export and erase, with their roles."""

import json
from decimal import Decimal

import pytest
from django.core import mail

from conftest import ApiClient
from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.customers.models import Customer, PointsEntry, PrivacyRequest
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS, place_test_order

from .builders import PASSWORD, make_account, token_of

pytestmark = pytest.mark.django_db


def checkout_body(sku="TEA-1", quantity=1, **overrides):
    return {
        "lines": [{"sku": sku, "quantity": quantity}],
        "shipping_address": ADDRESS,
        "shipping_method": "standard",
        "payment_method": "bank_transfer",
        **overrides,
    }


def test_sign_up_then_token_then_me(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post("accounts/signup", {"email": "Mei@Example.com", "password": PASSWORD, "name": "王美"})
    assert r.status_code == 201, r.json()
    assert r.json()["email"] == "mei@example.com" and r.json()["email_verified"] is False
    assert len(mail.outbox) == 1 and "/account/verify/" in mail.outbox[0].body
    r = api.post("accounts/token", {"email": "mei@example.com", "password": PASSWORD})
    assert r.status_code == 200
    token = r.json()["token"]
    assert token.startswith("cu_")
    me = ApiClient(token).get("me")
    assert me.status_code == 200
    assert {k: me.json()[k] for k in ("email", "name", "tier", "points", "orders")} == {
        "email": "mei@example.com",
        "name": "王美",
        "tier": "",
        "points": 0,
        "orders": [],
    }


def test_a_duplicate_email_is_422_email_taken_and_the_first_account_is_untouched(api):
    first = make_account("mei@example.com")
    r = api.post("accounts/signup", {"email": "MEI@example.com", "password": "Another-Pass-99", "name": "冒名"})
    assert (r.status_code, r.json()["code"]) == (422, "email_taken")
    assert Customer.objects.get().password == first.password and Customer.objects.get().name == "王美"


@pytest.mark.parametrize(
    "body, code",
    [
        ({"email": "x@example.com", "password": "12345678", "name": "x"}, "password_weak"),
        ({"email": "x@example.com", "password": "short", "name": "x"}, "password_weak"),
        ({"email": "not-an-email", "password": PASSWORD, "name": "x"}, "email_invalid"),
        ({"email": "x@example.com", "password": PASSWORD, "name": "x", "phone": "12345"}, "phone_invalid"),
    ],
)
def test_bad_sign_ups_are_422_with_a_code_and_write_nothing(api, body, code):
    r = api.post("accounts/signup", body)
    assert (r.status_code, r.json()["code"]) == (422, code)
    assert r.json()["detail"]
    assert not Customer.objects.exists()


def test_a_weak_password_is_explained_in_english_too(api_en):
    r = api_en.post("accounts/signup", {"email": "x@example.com", "password": "12345678", "name": "x"})
    assert r.json()["detail"].startswith("Password too weak")


def test_a_wrong_password_is_401(api):
    make_account()
    r = api.post("accounts/token", {"email": "mei@example.com", "password": "wrong-password"})
    assert (r.status_code, r.json()["code"]) == (401, "sign_in_failed")
    r = api.post("accounts/token", {"email": "nobody@example.com", "password": PASSWORD})
    assert (r.status_code, r.json()["code"]) == (401, "sign_in_failed")


def test_me_needs_a_customer_token_and_a_staff_token_is_not_one(api, staff_api):
    assert api.get("me").status_code == 401
    assert staff_api("owner").get("me").status_code == 401


def test_a_customer_token_never_opens_staff_endpoints():
    customer_api = ApiClient(token_of(make_account()))
    for path in ("customers", "orders", "promotions", "analytics/summary"):
        assert customer_api.get(path).status_code == 401, path
    assert (
        customer_api.post(f"customers/{Customer.objects.get().pk}/points", {"delta": 1000, "reason": "me"}).status_code
        == 401
    )
    assert Customer.objects.get().points_balance == 0


def test_guest_orders_show_in_me_once_the_email_is_verified(api):
    make_product(price="39.90", stock=10, skus=["TEA-1"])
    guest = place_test_order({"TEA-1": 1}, email="mei@example.com")
    customer = make_account("mei@example.com")
    customer_api = ApiClient(token_of(customer))
    assert customer_api.get("me").json()["orders"] == []  # not verified yet: someone else may own the e-mail
    from dianpu.customers.services import verification_token

    assert api.client.get(f"/account/verify/{verification_token(customer)}/").status_code == 302
    orders = customer_api.get("me").json()["orders"]
    assert [(o["number"], o["status"], o["total"]) for o in orders] == [(guest.number, "pending_payment", "47.90")]


def test_checkout_redeems_points_worth_100_per_yuan(api):
    make_product(price="39.90", stock=10, skus=["TEA-1"])
    customer = make_account(points=1500)
    r = ApiClient(token_of(customer)).post("checkout", checkout_body(quantity=2, points=1000))
    assert r.status_code == 201, r.json()
    # 79.80 goods − ¥10.00 of points + 8.00 shipping
    assert (r.json()["discount_total"], r.json()["total"]) == ("10.00", "77.80")
    order = Order.objects.get()
    assert order.customer_id == customer.pk and order.email == "mei@example.com"
    assert sum(ln.discount_total for ln in order.lines.all()) == Decimal("10.00")
    assert order.pricing_snapshot["points"] == {"points": 1000, "amount": "10.00"}
    assert Customer.objects.get().points_balance == 500
    entry = PointsEntry.objects.get(kind="redeem")
    assert (entry.delta, entry.balance_after, entry.reference) == (-1000, 500, order.number)
    me = ApiClient(token_of(customer)).get("me").json()
    assert (me["points"], [o["number"] for o in me["orders"]]) == (500, [order.number])


def test_points_per_yuan_is_a_setting(api, settings):
    settings.POINTS_PER_YUAN = 50
    make_product(price="39.90", stock=10, skus=["TEA-1"])
    customer = make_account(points=500)
    r = ApiClient(token_of(customer)).post("checkout", checkout_body(points=500))
    assert (r.status_code, r.json()["total"]) == (201, "37.90")  # 500 points = ¥10.00


def test_redeeming_more_points_than_held_is_422_and_nothing_is_written(api):
    make_product(price="39.90", stock=10, skus=["TEA-1"])
    customer = make_account(points=300)
    r = ApiClient(token_of(customer)).post("checkout", checkout_body(points=301))
    assert (r.status_code, r.json()["code"]) == (422, "points_insufficient")
    assert "300" in r.json()["detail"]
    assert not Order.objects.exists() and Customer.objects.get().points_balance == 300
    assert PointsEntry.objects.filter(kind="redeem").count() == 0


def test_points_cannot_pay_more_than_the_goods(api):
    make_product(price="39.90", stock=10, skus=["TEA-1"])
    customer = make_account(points=10000)
    r = ApiClient(token_of(customer)).post("checkout", checkout_body(points=3991))
    assert (r.status_code, r.json()["code"]) == (422, "points_exceed_goods")
    assert not Order.objects.exists() and Customer.objects.get().points_balance == 10000
    r = ApiClient(token_of(customer)).post("checkout", checkout_body(points=3990))
    assert (r.status_code, r.json()["total"]) == (201, "8.00")  # the goods paid by points, shipping in money


def test_points_without_a_customer_token_are_422_points_need_sign_in(api, staff_api):
    make_product(price="39.90", stock=10, skus=["TEA-1"])
    r = api.post("checkout", checkout_body(email="guest@example.com", points=100))
    assert (r.status_code, r.json()["code"]) == (422, "points_need_sign_in")
    r = staff_api("owner").post("checkout", checkout_body(email="guest@example.com", points=100))
    assert (r.status_code, r.json()["code"]) == (422, "points_need_sign_in")
    assert not Order.objects.exists()


def test_guest_checkout_still_works_without_points(api):
    make_product(price="39.90", stock=10, skus=["TEA-1"])
    r = api.post("checkout", checkout_body(email="guest@example.com"))
    assert (r.status_code, r.json()["total"]) == (201, "47.90")


# --- staff ---------------------------------------------------------------------------------------


def test_customer_list_searches_by_name_email_phone_and_order_number(staff_api):
    make_product(price="39.90", stock=10, skus=["TEA-1"])
    order = place_test_order({"TEA-1": 1}, email="li@example.com")
    Customer.objects.filter(email="li@example.com").update(name="李雷", phone="+8613900139000")
    make_account("mei@example.com", points=120)
    owner = staff_api("owner")
    r = owner.get("customers")
    assert r.json()["count"] == 2
    by_email = {c["email"]: c for c in r.json()["items"]}
    li = by_email["li@example.com"]
    assert {k: li[k] for k in ("name", "tier", "points", "orders_count", "total_spent")} == {
        "name": "李雷",
        "tier": "",
        "points": 0,
        "orders_count": 1,
        "total_spent": "0.00",
    }
    assert li["last_order_at"] is not None
    assert by_email["mei@example.com"]["points"] == 120
    for search in ("李雷", "LI@EXAMPLE", "13900139000", order.number):
        assert [c["email"] for c in owner.get("customers", search=search).json()["items"]] == ["li@example.com"], search
    assert owner.get("customers", search="nobody-matches").json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    "role, status",
    [
        ("owner", 200),
        ("operator", 200),
        ("marketing", 200),
        ("agent", 200),
        ("warehouse", 403),
        ("finance", 403),
        ("designer", 403),
    ],
)
def test_who_may_list_customers(staff_api, role, status):
    assert staff_api(role).get("customers").status_code == status


def test_phone_is_masked_for_roles_that_do_not_need_it(staff_api):
    customer = make_account()
    Customer.objects.filter(pk=customer.pk).update(phone="+8613900139000")
    assert staff_api("agent").get(f"customers/{customer.pk}").json()["phone"] == "+8613900139000"
    assert staff_api("marketing").get(f"customers/{customer.pk}").json()["phone"] == "+86139****9000"
    assert staff_api("operator").get("customers").json()["items"][0]["phone"] == "+86139****9000"


def test_points_adjustment_by_owner_and_marketing_refuses_a_negative_balance(staff_api):
    customer = make_account()
    r = staff_api("marketing").post(f"customers/{customer.pk}/points", {"delta": 300, "reason": "生日礼"})
    assert (r.status_code, r.json()) == (201, {"balance": 300})
    r = staff_api("owner").post(f"customers/{customer.pk}/points", {"delta": -301, "reason": "更正"})
    assert (r.status_code, r.json()["code"]) == (422, "points_negative")
    assert Customer.objects.get().points_balance == 300
    assert PointsEntry.objects.count() == 1
    assert staff_api("agent").post(f"customers/{customer.pk}/points", {"delta": 5, "reason": "x"}).status_code == 403
    r = staff_api("owner").post(f"customers/{customer.pk}/points", {"delta": -300, "reason": "更正"})
    assert r.json() == {"balance": 0}
    assert AuditEntry.objects.filter(action="customers.points_adjusted").count() == 2
    detail = staff_api("owner").get(f"customers/{customer.pk}").json()
    assert [(e["kind"], e["delta"], e["balance_after"]) for e in detail["points_history"]] == [
        ("adjust", -300, 0),
        ("adjust", 300, 300),
    ]


def test_export_has_the_customers_orders_and_is_for_the_owner_only(staff_api):
    make_product(price="39.90", stock=10, skus=["TEA-1"])
    order = place_test_order({"TEA-1": 1}, email="li@example.com")
    customer = Customer.objects.get()
    for role in ("operator", "marketing", "agent", "finance"):
        assert staff_api(role).get(f"customers/{customer.pk}/export").status_code == 403
    r = staff_api("owner").get(f"customers/{customer.pk}/export")
    assert r.status_code == 200
    data = json.loads(r.content)
    assert data["customer"]["email"] == "li@example.com"
    assert [(o["number"], o["ship_name"], o["total"]) for o in data["orders"]] == [(order.number, "张三", "47.90")]
    assert data["orders"][0]["lines"][0]["sku"] == "TEA-1"
    assert PrivacyRequest.objects.get().kind == "export"


def test_erase_removes_the_person_everywhere_and_keeps_the_orders_amounts(staff_api):
    make_product(price="39.90", stock=10, skus=["TEA-1"])
    order = place_test_order({"TEA-1": 2}, email="li@example.com")
    customer = Customer.objects.get()
    Customer.objects.filter(pk=customer.pk).update(name="李雷", phone="+8613900139000")
    for role in ("operator", "marketing", "agent", "finance"):
        assert staff_api(role).post(f"customers/{customer.pk}/erase").status_code == 403
    assert Customer.objects.get().name == "李雷"
    owner = staff_api("owner")
    r = owner.post(f"customers/{customer.pk}/erase")
    assert r.status_code == 200
    customer.refresh_from_db()
    assert (customer.name, customer.phone) == ("", "")
    assert "li@example.com" not in customer.email
    order.refresh_from_db()
    assert (order.ship_name, order.ship_phone, order.ship_line1) == ("", "", "")
    assert "li@example.com" not in order.email
    assert (order.subtotal, order.grand_total, order.lines.count()) == (Decimal("79.80"), Decimal("87.80"), 1)
    for path in ("customers", f"customers/{customer.pk}", f"orders/{order.number}", "orders"):
        body = owner.get(path).content.decode()
        for secret in ("li@example.com", "李雷", "13900139000", "张三", "13800138000", "南京东路"):
            assert secret not in body, (path, secret)
    assert PrivacyRequest.objects.filter(kind="erase").count() == 1
    assert AuditEntry.objects.filter(action="customers.erased").exists()
