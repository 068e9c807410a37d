"""Promotion at the till: marketing sets up 满200减20 and a coupon in the console; a shopper sees
the hint, then the saving, uses the coupon and pays exactly what the checkout page showed."""

from decimal import Decimal

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.models import Order
from dianpu.promotions.models import Coupon, CouponRedemption, OrderDiscount, Promotion

from .conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _add_to_cart(page, base, slug, quantity):
    page.goto(f"{base}/products/{slug}/")
    page.fill("input[name=quantity]", str(quantity))
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_selector("#cart-feedback :is(a, p, div)")


def test_spend_200_save_20_and_a_coupon(page, live_server):
    base = live_server.url
    tea = make_product(name="西湖龙井", price="90.00", stock=20, skus=["TEA-LJ"])
    make_staff("marketing")

    # Marketing creates the promotion and the coupon with the console's forms.
    console_login(page, base, "marketing", then="/console/promotions/new/")
    page.fill("#id_name", "满200减20")
    page.select_option("#id_kind", "spend_x_save_y")
    page.fill("#id_tiers", "200:20")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/console/promotions/")
    assert "满200减20" in page.inner_text("main")

    page.goto(f"{base}/console/promotions/coupons/")
    page.click("summary:has-text('新建券码')")
    page.fill("#id_coupon-code", "TEA10")
    page.fill("#id_coupon-name", "茶叶券")
    page.select_option("#id_coupon-kind", "amount")
    page.fill("#id_coupon-amount", "10")
    page.click("form:has(input[value=coupon]) button[type=submit]")
    page.wait_for_selector("td.code >> text=TEA10")
    promotion = Promotion.objects.get(name="满200减20")
    tiers = [(Decimal(str(t["threshold"])), Decimal(str(t["amount"]))) for t in promotion.params["tiers"]]
    assert (promotion.kind, tiers) == ("spend_x_save_y", [(Decimal("200"), Decimal("20"))])
    coupon = Coupon.objects.get(code="TEA10")
    assert (coupon.kind, coupon.amount) == ("amount", Decimal("10.00"))

    # A shopper with ¥180 in the cart is told how much more earns the discount.
    page.context.clear_cookies()
    _add_to_cart(page, base, tea.slug, 2)
    page.goto(f"{base}/cart/")
    assert page.inner_text(".promotion-hints") == "再买 ¥20.00 可减 ¥20.00（满200减20）"
    assert page.locator("#cart-saved").count() == 0

    # One more box: the promotion applies and the saving is shown.
    _add_to_cart(page, base, tea.slug, 1)
    page.goto(f"{base}/cart/")
    assert "满200减20" in page.inner_text(".applied-promotions")
    assert page.inner_text("#cart-subtotal") == "¥270.00"
    assert page.inner_text("#cart-saved") == "¥20.00"
    assert page.inner_text("#cart-discounted") == "¥250.00"

    # The coupon takes another ¥10 off.
    page.fill("#coupon-code", "TEA10")
    page.click("form.coupon-form button[type=submit]")
    page.wait_for_selector(".coupon-applied >> text=TEA10")
    assert page.inner_text("#cart-saved") == "¥30.00"

    page.click("a[href='/checkout/']")
    page.wait_for_url("**/checkout/")
    page.fill("#id_email", "han.meimei@example.com")
    page.fill("#id_name", "韩梅梅")
    page.fill("#id_phone", "13900139000")
    page.fill("#id_country", "CN")
    page.fill("#id_province", "浙江省")
    page.fill("#id_city", "杭州市")
    page.fill("#id_line1", "西湖区龙井路 1 号")
    page.fill("#id_postcode", "310000")
    page.check("input[name=shipping_method][value=express]")
    page.check("input[name=payment_method][value=bank_transfer]")
    page.wait_for_function("document.querySelector('#shipping-fee').textContent.trim() !== '—'")
    assert page.inner_text("#discount-total") == "−¥30.00"
    shown_total = page.inner_text("#grand-total").strip()
    page.click("form.checkout button[type=submit]")
    page.wait_for_url("**/thanks/")
    number = page.inner_text(".order-number").strip()

    order = Order.objects.get(number=number)
    assert f"¥{order.grand_total}" == shown_total
    assert (order.subtotal, order.discount_total) == (Decimal("270.00"), Decimal("30.00"))
    assert order.grand_total == order.subtotal - order.discount_total + order.shipping_total
    assert order.pricing_snapshot["coupons"] == ["TEA10"]
    given = {(d.promotion_id, d.coupon_id): d.amount for d in OrderDiscount.objects.filter(order=order)}
    assert given == {(promotion.pk, None): Decimal("20.00"), (None, coupon.pk): Decimal("10.00")}
    redemption = CouponRedemption.objects.get(order=order)
    assert (redemption.coupon_id, redemption.amount) == (coupon.pk, Decimal("10.00"))
    coupon.refresh_from_db()
    assert coupon.used_count == 1
