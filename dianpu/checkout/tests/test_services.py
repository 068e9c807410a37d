"""Placing orders: priced from the catalogue, stock held, nothing written on bad input."""

from decimal import Decimal

import pytest
from django.core import mail

from dianpu.catalog.models import Product
from dianpu.catalog.tests.builders import make_product
from dianpu.checkout.services import place_order
from dianpu.core.errors import ValidationFailed
from dianpu.customers.models import Customer
from dianpu.inventory.models import StockLevel
from dianpu.inventory.services import InsufficientStockError
from dianpu.orders.models import Order, OrderHistory
from dianpu.orders.tests.builders import ADDRESS, checkout_request

pytestmark = pytest.mark.django_db


def nothing_written():
    return (
        not Order.objects.exists()
        and not OrderHistory.objects.exists()
        and not StockLevel.objects.filter(reserved__gt=0).exists()
        and not Customer.objects.exists()
    )


def test_order_total_is_lines_plus_shipping_below_the_free_shipping_threshold():
    make_product(price="39.90", skus=["MUG-1"])
    placed = place_order(checkout_request({"MUG-1": 2}))
    order = placed.order
    # standard delivery: ¥8.00, free from ¥99.00
    assert (order.subtotal, order.shipping_total, order.grand_total) == (
        Decimal("79.80"),
        Decimal("8.00"),
        Decimal("87.80"),
    )
    assert order.status == "pending_payment"
    assert order.lines.get().line_total == Decimal("79.80")
    assert order.number.startswith("DP") and len(order.number) == 14


def test_shipping_is_free_from_the_threshold():
    make_product(price="99.00", skus=["BAG-1"])
    order = place_order(checkout_request({"BAG-1": 1})).order
    assert (order.shipping_total, order.grand_total) == (Decimal("0.00"), Decimal("99.00"))


def test_placing_reserves_the_stock_and_sends_a_confirmation(django_capture_on_commit_callbacks):
    variant = make_product(stock=3, skus=["TEA-1"]).variants.get()
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(checkout_request({"TEA-1": 2}, email="Li.Lei@Example.com")).order
    level = StockLevel.objects.get(variant=variant)
    assert (level.on_hand, level.reserved) == (3, 2)
    assert order.email == "li.lei@example.com"
    assert Customer.objects.get().email == "li.lei@example.com"
    assert len(mail.outbox) == 1
    assert order.number in mail.outbox[0].subject
    assert mail.outbox[0].to == ["li.lei@example.com"]


def test_the_confirmation_says_how_to_pay_and_links_to_the_order(client, settings, django_capture_on_commit_callbacks):
    settings.UNPAID_ORDER_TIMEOUT_HOURS = 48
    make_product(price="59.00", skus=["TEA-2"])
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(checkout_request({"TEA-2": 1}, email="li+shop@example.com")).order
    body = mail.outbox[0].body
    assert f"请转账 ¥{order.grand_total}" in body and f"备注订单号 {order.number}" in body
    status_link = next(word for word in body.split() if "/orders/status/?" in word)
    status_link = status_link.split("：")[-1]
    html = client.get(status_link.removeprefix(settings.SITE_URL)).content.decode()
    assert f'<strong class="order-number">{order.number}</strong>' in html
    from dianpu.payments.queries import list_payment_methods

    transfer = next(m for m in list_payment_methods() if m["code"] == "bank_transfer")
    assert "48 小时" in transfer["description"]


def test_english_buyer_gets_payment_instructions_in_english():
    make_product(price="10.00", skus=["PEN-1"])
    placed = place_order(checkout_request({"PEN-1": 1}, language="en"))
    assert placed.payment.instructions.startswith("Transfer ¥18.00")


@pytest.mark.parametrize(
    "lines, field",
    [
        ({"NOPE": 1}, "lines.0.sku"),
        ({"PEN-1": 0}, "lines.0.quantity"),
        ({"PEN-1": -2}, "lines.0.quantity"),
        ({"PEN-1": 1000}, "lines.0.quantity"),
    ],
)
def test_bad_lines_are_refused_per_field_and_nothing_is_written(lines, field):
    make_product(skus=["PEN-1"])
    with pytest.raises(ValidationFailed) as refused:
        place_order(checkout_request(lines))
    assert field in refused.value.errors
    assert nothing_written()


def test_missing_address_fields_and_markup_are_refused_per_field():
    make_product(skus=["PEN-1"])
    address = {**ADDRESS, "city": "", "line1": "<script>alert(1)</script>", "name": "张" * 101}
    with pytest.raises(ValidationFailed) as refused:
        place_order(checkout_request({"PEN-1": 1}, address=address))
    assert refused.value.errors == {
        "shipping_address.city": "此项必填。",
        "shipping_address.line1": "不能包含 < 或 > 等标记字符。",
        "shipping_address.name": "内容过长。",
    }
    assert nothing_written()


def test_unknown_shipping_and_payment_methods_are_refused():
    make_product(skus=["PEN-1"])
    with pytest.raises(ValidationFailed) as refused:
        place_order(checkout_request({"PEN-1": 1}, shipping_method="teleport", payment_method="iou"))
    assert set(refused.value.errors) == {"shipping_method", "payment_method"}
    assert nothing_written()


def test_draft_products_cannot_be_bought():
    make_product(skus=["SECRET-1"], status=Product.Status.DRAFT)
    with pytest.raises(ValidationFailed) as refused:
        place_order(checkout_request({"SECRET-1": 1}))
    assert refused.value.errors == {"lines.0.sku": "该商品不存在或已下架。"}


def test_short_stock_refuses_the_whole_order_and_writes_nothing():
    make_product(stock=5, skus=["A-1"])
    make_product(stock=1, skus=["B-1"])
    with pytest.raises(InsufficientStockError) as short:
        place_order(checkout_request({"A-1": 2, "B-1": 2}))
    assert short.value.extra["sku"] == "B-1"
    assert nothing_written()


def test_errors_come_in_english_for_english_buyers():
    from django.utils import translation

    make_product(skus=["PEN-1"])
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        place_order(checkout_request({"PEN-1": 1}, address={**ADDRESS, "city": ""}))
    assert refused.value.errors == {"shipping_address.city": "This field is required."}


# --- a shipping method's own "free over ¥X" counts the merchandise after discounts ------------------
# Standard delivery: ¥8.00, free from ¥99.00. Two bags at ¥55.00 = ¥110.00 list price.


def _free_over_cases():
    from dianpu.promotions.tests.builders import make_coupon, make_promotion

    return make_coupon, make_promotion


def test_a_discount_that_brings_the_cart_under_the_threshold_brings_the_fee_back(api):
    _, make_promotion = _free_over_cases()
    make_product(price="55.00", skus=["BAG-2"])
    make_promotion("percent_off", percent=20)  # ¥110.00 − ¥22.00 = ¥88.00 < ¥99.00: ¥8.00 shipping
    order = place_order(checkout_request({"BAG-2": 2})).order
    assert (order.subtotal, order.discount_total, order.shipping_total, order.grand_total) == (
        Decimal("110.00"),
        Decimal("22.00"),
        Decimal("8.00"),
        Decimal("96.00"),
    )
    quote = api.post(
        "cart/quote", {"email": "", "lines": [{"sku": "BAG-2", "quantity": 2}], "shipping_method": "standard"}
    ).json()
    assert (quote["discount_total"], quote["shipping_total"], quote["total"]) == ("22.00", "8.00", "96.00")
    quotes = api.post("shipping-quotes", {"province": "上海市", "lines": [{"sku": "BAG-2", "quantity": 2}]}).json()
    assert (quotes["subtotal"], quotes["discount_total"], quotes["merchandise_total"]) == ("110.00", "22.00", "88.00")
    assert {m["code"]: m["fee"] for m in quotes["methods"]}["standard"] == "8.00"


def test_a_coupon_that_leaves_the_threshold_reached_keeps_shipping_free():
    make_coupon, _ = _free_over_cases()
    make_product(price="55.00", skus=["BAG-2"])
    make_coupon("SAVE10", amount="10.00")  # ¥110.00 − ¥10.00 = ¥100.00 ≥ ¥99.00: free
    order = place_order(_with_coupon(checkout_request({"BAG-2": 2}), "SAVE10")).order
    assert (order.discount_total, order.shipping_total, order.grand_total) == (
        Decimal("10.00"),
        Decimal("0.00"),
        Decimal("100.00"),
    )


def test_free_shipping_promotion_still_covers_the_fee_the_threshold_brought_back():
    _, make_promotion = _free_over_cases()
    make_product(price="55.00", skus=["BAG-2"])
    make_promotion("percent_off", percent=20)
    make_promotion("free_shipping", name="全场包邮")
    order = place_order(checkout_request({"BAG-2": 2})).order
    assert (order.discount_total, order.shipping_total, order.grand_total) == (
        Decimal("22.00"),
        Decimal("0.00"),
        Decimal("88.00"),
    )


def _with_coupon(req, code):
    from dataclasses import replace

    return replace(req, coupon_codes=(code,))


def test_an_order_number_already_taken_is_drawn_again(monkeypatch):
    from dianpu.orders import services as order_services

    make_product(price="39.90", stock=5, skus=["MUG-1"])
    first = place_order(checkout_request({"MUG-1": 1})).order
    numbers = iter([first.number, first.number, "DP991231000042"])
    monkeypatch.setattr(order_services, "_new_number", lambda at: next(numbers))
    second = place_order(checkout_request({"MUG-1": 2}, email="other@example.com")).order
    assert second.number == "DP991231000042"
    assert list(Order.objects.order_by("id").values_list("number", "email", "grand_total")) == [
        (first.number, "buyer@example.com", Decimal("47.90")),
        ("DP991231000042", "other@example.com", Decimal("87.80")),
    ]
    assert StockLevel.objects.get().reserved == 3
    assert [ln.quantity for ln in second.lines.all()] == [2]
