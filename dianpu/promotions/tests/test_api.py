"""The promotion, coupon, quote and checkout contracts, through the HTTP API."""

from datetime import timedelta
from decimal import Decimal

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.core import clock
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS
from dianpu.promotions.models import Coupon, CouponRedemption, OrderDiscount, Promotion

from .builders import make_coupon, make_promotion

pytestmark = pytest.mark.django_db


def window(days=7):
    now = clock.now()
    return {"starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=days)).isoformat()}


@pytest.fixture
def tea(db):
    category = make_category(name="茶叶", name_en="Tea", slug="tea")
    make_product(name="龙井", price="100.00", skus=["TEA-1"], category=category, stock=50)
    make_product(name="茶杯", price="50.00", skus=["CUP-1"], stock=50)
    return category


def quote(api, lines, codes=(), email="buyer@example.com", method="standard"):
    return api.post(
        "cart/quote",
        {
            "email": email,
            "lines": [{"sku": s, "quantity": q} for s, q in lines.items()],
            "coupon_codes": list(codes),
            "shipping_method": method,
        },
    )


def checkout(api, lines, codes=(), email="buyer@example.com"):
    return api.post(
        "checkout",
        {
            "email": email,
            "lines": [{"sku": s, "quantity": q} for s, q in lines.items()],
            "coupon_codes": list(codes),
            "shipping_address": ADDRESS,
            "shipping_method": "standard",
            "payment_method": "bank_transfer",
        },
    )


@pytest.mark.parametrize("role", ["owner", "marketing"])
def test_owner_and_marketing_create_each_promotion_kind(staff_api, tea, role):
    client = staff_api(role)
    bodies = [
        {"kind": "percent_off", "percent": 10, "scope": {"categories": ["tea"]}},
        {"kind": "amount_off", "amount": "5.00", "scope": {"skus": ["CUP-1"]}},
        {
            "kind": "spend_x_save_y",
            "tiers": [{"threshold": 200, "amount": 20}, {"threshold": 400, "amount": 50}],
            "repeat": False,
        },
        {"kind": "buy_x_get_y", "buy": 1, "get": 1, "discount_percent": 100, "scope": {"skus": ["CUP-1"]}},
        {"kind": "free_shipping", "threshold": 99},
    ]
    for n, body in enumerate(bodies):
        response = client.post(
            "promotions", {"name": f"活动{n}", "priority": n, "exclusive": False, **window(), **body}
        )
        assert response.status_code == 201, response.json()
        assert response.json()["kind"] == body["kind"]
        assert response.json()["status"] == "live"
    assert Promotion.objects.count() == 5
    assert AuditEntry.objects.filter(action="promotion.created").count() == 5


@pytest.mark.parametrize("role", ["operator", "agent", "warehouse", "finance", "designer"])
def test_other_roles_cannot_create_promotions_or_coupons(staff_api, role):
    client = staff_api(role)
    assert client.post("promotions", {"name": "x", "kind": "percent_off", "percent": 10, **window()}).status_code == 403
    assert client.post("coupons", {"code": "X1", "kind": "amount", "amount": 5, **window()}).status_code == 403
    assert not Promotion.objects.exists() and not Coupon.objects.exists()


def test_promotion_ending_before_it_starts_is_refused_and_nothing_saved(staff_api):
    now = clock.now()
    response = staff_api("owner").post(
        "promotions",
        {
            "name": "倒置",
            "kind": "percent_off",
            "percent": 10,
            "starts_at": now.isoformat(),
            "ends_at": (now - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"ends_at": "结束时间必须晚于开始时间。"}
    assert not Promotion.objects.exists() and not AuditEntry.objects.filter(action="promotion.created").exists()


def test_negative_amounts_are_refused_in_english_too(staff_api, api_en):
    from conftest import ApiClient
    from dianpu.accounts.tests.builders import make_staff, token_for

    client = ApiClient(token_for(make_staff("owner", "owner-en")), language="en")
    response = client.post(
        "promotions", {"name": "neg", "kind": "spend_x_save_y", "tiers": [{"threshold": 100, "amount": -5}], **window()}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"tiers.0": "Must not be negative."}
    response = client.post("promotions", {"name": "neg", "kind": "amount_off", "amount": "-1", **window()})
    assert response.json()["errors"] == {"amount": "Must not be negative."}
    assert not Promotion.objects.exists()


def test_overlapping_exclusive_promotions_are_refused(staff_api, tea):
    client = staff_api("owner")
    first = client.post(
        "promotions",
        {
            "name": "独享A",
            "kind": "percent_off",
            "percent": 30,
            "exclusive": True,
            "scope": {"categories": ["tea"]},
            **window(),
        },
    )
    assert first.status_code == 201
    clash = client.post(
        "promotions",
        {
            "name": "独享B",
            "kind": "percent_off",
            "percent": 20,
            "exclusive": True,
            "scope": {"skus": ["TEA-1"]},
            **window(),
        },
    )
    assert clash.status_code == 422 and clash.json()["code"] == "exclusive_overlap"
    apart = client.post(
        "promotions",
        {
            "name": "独享C",
            "kind": "percent_off",
            "percent": 20,
            "exclusive": True,
            "scope": {"skus": ["CUP-1"]},
            **window(),
        },
    )
    assert apart.status_code == 201
    assert list(Promotion.objects.order_by("id").values_list("name", flat=True)) == ["独享A", "独享C"]


def test_quote_shows_lines_discounts_applied_rules_and_hints(api, tea):
    make_promotion("percent_off", name="龙井九折", percent=10, scope={"categories": ["tea"]})
    make_promotion("spend_x_save_y", name="满200减20", tiers=[{"threshold": 200, "amount": 20}])
    response = quote(api, {"TEA-1": 1, "CUP-1": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["subtotal"] == "150.00" and body["discount_total"] == "10.00"
    assert body["shipping_total"] == "0.00" and body["total"] == "140.00"  # standard is free from ¥99
    assert body["lines"] == [
        {"sku": "TEA-1", "quantity": 1, "unit_price": "100.00", "discount": "10.00", "total": "90.00"},
        {"sku": "CUP-1", "quantity": 1, "unit_price": "50.00", "discount": "0.00", "total": "50.00"},
    ]
    assert [(a["source"], a["label"], a["amount"]) for a in body["applied"]] == [("promotion", "龙井九折", "10.00")]
    assert body["hints"] == ["再买 ¥60.00 可减 ¥20.00（满200减20）"]


def test_checkout_total_equals_quote_total_and_keeps_discounts_per_line(api, tea):
    make_promotion("percent_off", name="龙井九折", percent=10, scope={"categories": ["tea"]})
    make_promotion("spend_x_save_y", name="满200减20", tiers=[{"threshold": 200, "amount": 20}])
    make_coupon("SAVE10", amount="10.00", min_spend="100")
    lines = {"TEA-1": 2, "CUP-1": 1}
    quoted = quote(api, lines, ["SAVE10"]).json()
    assert quoted["total"] == "200.00"  # 250 - 20 (tea) - 20 (满减) - 10 (coupon)
    placed = checkout(api, lines, ["SAVE10"])
    assert placed.status_code == 201, placed.json()
    assert placed.json()["total"] == quoted["total"] and placed.json()["discount_total"] == "50.00"
    order = Order.objects.get()
    assert (order.subtotal, order.discount_total, order.grand_total) == (
        Decimal("250.00"),
        Decimal("50.00"),
        Decimal("200.00"),
    )
    lines_by_sku = {ln.sku: ln for ln in order.lines.all()}
    assert sum(ln.paid_total for ln in lines_by_sku.values()) == order.grand_total - order.shipping_total
    assert {s: str(ln.discount_total) for s, ln in lines_by_sku.items()} == {
        s: q["discount"] for s, q in ((q["sku"], q) for q in quoted["lines"])
    }
    assert [a["label"] for a in order.pricing_snapshot["adjustments"]] == ["龙井九折", "满200减20", "SAVE10"]
    assert Coupon.objects.get(code="SAVE10").used_count == 1
    assert CouponRedemption.objects.get().amount == Decimal("10.00")
    assert OrderDiscount.objects.filter(order=order).count() == 3


def test_refund_of_a_discounted_line_gives_back_what_was_paid(api, tea):
    make_promotion("buy_x_get_y", name="买一送一", buy=1, get=1, discount_percent=100, scope={"skus": ["CUP-1"]})
    assert checkout(api, {"CUP-1": 2}).status_code == 201
    line = Order.objects.get().lines.get()
    assert (line.line_total, line.discount_total, line.paid_total) == (
        Decimal("100.00"),
        Decimal("50.00"),
        Decimal("50.00"),
    )
    assert line.paid_for(1) == Decimal("25.00") and line.paid_for(2) == Decimal("50.00")


@pytest.mark.parametrize(
    ("coupon", "cart", "code", "detail"),
    [
        ({"code": "OLD", "ends_in": -1}, {"TEA-1": 1}, "coupon_expired", "优惠券 OLD 已过期。"),
        ({"code": "GONE", "usage_limit": 1, "used": 1}, {"TEA-1": 1}, "coupon_used_up", "优惠券 GONE 已被用完。"),
        ({"code": "BIG", "min_spend": "500"}, {"TEA-1": 1}, "coupon_min_spend", "优惠券 BIG 需满 ¥500.00 才能使用。"),
        (
            {"code": "TEAONLY", "scope": {"categories": ["tea"]}},
            {"CUP-1": 1},
            "coupon_out_of_scope",
            "购物车中没有优惠券 TEAONLY 适用的商品。",
        ),
    ],
)
def test_coupon_that_cannot_apply_says_why_and_nothing_is_written(api, tea, coupon, cart, code, detail):
    now = clock.now()
    c = make_coupon(
        coupon["code"],
        min_spend=coupon.get("min_spend", "0"),
        scope=coupon.get("scope", {"all": True}),
        usage_limit=coupon.get("usage_limit"),
    )
    if "ends_in" in coupon:
        Coupon.objects.filter(pk=c.pk).update(starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1))
    if "used" in coupon:
        Coupon.objects.filter(pk=c.pk).update(used_count=coupon["used"])
    for response in (quote(api, cart, [coupon["code"]]), checkout(api, cart, [coupon["code"]])):
        assert response.status_code == 422
        assert (response.json()["code"], response.json()["detail"]) == (code, detail)
    assert not Order.objects.exists() and not CouponRedemption.objects.exists()


def test_unknown_coupon_says_so_in_english(api_en, tea):
    response = quote(api_en, {"TEA-1": 1}, ["NOPE"])
    assert response.status_code == 422
    assert response.json() == {"code": "coupon_unknown", "detail": "Coupon NOPE does not exist.", "coupon": "NOPE"}


def test_per_customer_limit_counts_per_email(api, tea):
    make_coupon("ONCE", per_customer_limit=1)
    assert checkout(api, {"TEA-1": 1}, ["ONCE"]).status_code == 201
    again = checkout(api, {"TEA-1": 1}, ["ONCE"])
    assert again.status_code == 422 and again.json()["code"] == "coupon_used_up"
    assert checkout(api, {"TEA-1": 1}, ["ONCE"], email="other@example.com").status_code == 201
    assert Order.objects.count() == 2 and Coupon.objects.get().used_count == 2


def test_flash_sale_limits_units_per_customer(api, tea):
    make_promotion(
        "flash_sale", name="秒杀", price="59.00", per_customer_limit=1, stock_cap=10, scope={"skus": ["TEA-1"]}
    )
    first = checkout(api, {"TEA-1": 2})
    assert first.json()["total"] == "159.00"
    second = quote(api, {"TEA-1": 1}).json()
    assert second["total"] == "100.00"  # this buyer had the flash unit already
    assert Promotion.objects.get().flash_sold == 1


def test_coupon_batch_generates_single_use_codes(staff_api):
    response = staff_api("marketing").post(
        "coupon-batches",
        {
            "name": "双十一券",
            "prefix": "D11",
            "quantity": 25,
            "kind": "amount",
            "amount": "20",
            "min_spend": "199",
            **window(),
        },
    )
    assert response.status_code == 201
    codes = response.json()["codes"]
    assert len(set(codes)) == 25 and all(c.startswith("D11-") and len(c) == 12 for c in codes)
    assert set(Coupon.objects.values_list("usage_limit", "per_customer_limit", "min_spend")) == {
        (1, 1, Decimal("199.00"))
    }


def test_staff_see_line_discounts_and_the_rules_that_priced_the_order(api, staff_api, tea):
    make_promotion("spend_x_save_y", name="满100减10", tiers=[{"threshold": 100, "amount": 10}])
    number = checkout(api, {"TEA-1": 1}).json()["number"]
    body = staff_api("owner").get(f"orders/{number}").json()
    # ¥100 − ¥10 = ¥90 of merchandise, under standard delivery's free-over ¥99: ¥8 shipping.
    assert (body["discount_total"], body["shipping_total"], body["total"]) == ("10.00", "8.00", "98.00")
    assert [(ln["discount"], ln["paid_total"]) for ln in body["lines"]] == [("10.00", "90.00")]


def test_promotion_stops_when_its_budget_is_spent(api, tea):
    make_promotion("amount_off", name="直降30", amount="30.00", budget="50", scope={"skus": ["TEA-1"]})
    # ¥70 of merchandise after the discount is under free-over ¥99: + ¥8 standard shipping
    assert checkout(api, {"TEA-1": 1}).json()["total"] == "78.00"
    assert checkout(api, {"TEA-1": 1}, email="b@example.com").json()["total"] == "78.00"  # ¥30 spent < ¥50
    assert quote(api, {"TEA-1": 1}).json()["total"] == "100.00"  # ¥60 spent: budget gone


def test_coupon_without_dates_is_valid_from_now_on(staff_api, api, tea):
    response = staff_api("owner").post("coupons", {"code": "OPEN5", "kind": "amount", "amount": "5"})
    assert response.status_code == 201
    assert quote(api, {"TEA-1": 1}, ["OPEN5"]).json()["total"] == "103.00"  # ¥95 < free-over ¥99: + ¥8


def test_withdrawn_coupon_is_refused(staff_api, api, tea):
    make_coupon("STOP5", amount="5.00")
    response = staff_api("marketing").patch("coupons/STOP5", {"is_active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    refused = quote(api, {"TEA-1": 1}, ["STOP5"])
    assert refused.status_code == 422 and refused.json()["code"] == "coupon_inactive"


def test_segment_only_coupon_for_returning_customers(api, tea):
    make_coupon("LOYAL", amount="15.00", segments=["returning"])
    refused = quote(api, {"TEA-1": 1}, ["LOYAL"], email="first@example.com")
    assert refused.status_code == 422 and refused.json()["code"] == "coupon_not_eligible"
    assert checkout(api, {"CUP-1": 1}, email="first@example.com").status_code == 201
    assert quote(api, {"TEA-1": 1}, ["LOYAL"], email="first@example.com").json()["total"] == "93.00"  # ¥85 + ¥8


def test_order_confirmation_email_shows_the_discount(api, tea, django_capture_on_commit_callbacks):
    from django.core import mail

    make_coupon("MAIL10", amount="10.00")
    with django_capture_on_commit_callbacks(execute=True):
        assert checkout(api, {"TEA-1": 1}, ["MAIL10"]).status_code == 201
    (message,) = mail.outbox
    assert "优惠：-¥10.00" in message.body and "¥98.00" in message.body  # ¥90 + ¥8 shipping (under ¥99)
