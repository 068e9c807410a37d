"""A shopper opens an account: signs up, verifies the e-mail (an earlier guest order joins the
account), signs out and in again, pays part of an order with points, and sees it in the history."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from dianpu.catalog.tests.builders import make_product
from dianpu.customers.models import Customer, PointsEntry
from dianpu.customers.services import adjust_points
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import place_test_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "Osmanthus-Tea-2026"


def test_sign_up_sign_in_redeem_points_and_see_the_orders(page, live_server):
    base = live_server.url
    tea = make_product(name="桂花乌龙", price="120.00", stock=20, skus=["TEA-GH"])
    guest_order = place_test_order({"TEA-GH": 1}, email="han.meimei@example.com")

    # Sign up.
    page.goto(f"{base}/")
    page.click("#account-link")
    page.click("a[href='/account/sign-up/']")
    page.fill("#id_email", "han.meimei@example.com")
    page.fill("#id_name", "韩梅梅")
    page.fill("#id_password", "12345678")
    page.click("form.account-form button[type=submit]")
    assert "密码太弱" in page.inner_text("[role=alert]")  # a weak password is refused, and why
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url("**/account/")
    assert "还没有订单" in page.inner_text("main")  # the guest order waits for the e-mail to be verified

    # Verify the e-mail with the signed link: the guest order joins the account.
    link = re.search(r"https?://\S+/account/verify/\S+/", mail.outbox[-1].body).group(0)
    page.goto(base + link[link.index("/account/") :])
    assert guest_order.number in page.inner_text("table.account-orders")

    # Sign out, sign in again.
    page.click("text=退出登录")
    page.wait_for_url(f"{base}/")
    page.click("#account-link")
    page.fill("#id_login", "han.meimei@example.com")
    page.fill("#id_password", "wrong-password")
    page.click("form.account-form button[type=submit]")
    assert "邮箱或密码不正确" in page.inner_text("[role=alert]")
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url("**/account/")

    # Staff give 3,000 points; the shopper pays ¥20.00 of a ¥240.00 order with 2,000 of them.
    customer = Customer.objects.get(email="han.meimei@example.com")
    adjust_points(customer=customer, delta=3000, reason="新会员礼")
    page.goto(f"{base}/products/{tea.slug}/")
    page.fill("input[name=quantity]", "2")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_selector("#cart-feedback :is(a, p, div)")
    page.goto(f"{base}/checkout/")
    assert page.input_value("#id_email") == "han.meimei@example.com"
    assert "您有 3000 积分" in page.inner_text(".points-panel")
    page.fill("#id_name", "韩梅梅")
    page.fill("#id_phone", "13900139000")
    page.fill("#id_province", "浙江省")
    page.fill("#id_city", "杭州市")
    page.fill("#id_line1", "西湖区龙井路 1 号")
    page.fill("#id_points", "2000")
    page.check("input[name=payment_method][value=bank_transfer]")
    page.click("form.checkout button[type=submit]")
    page.wait_for_url("**/thanks/")
    number = page.inner_text(".order-number").strip()
    order = Order.objects.get(number=number)
    assert (order.subtotal, order.discount_total, order.grand_total) == (
        Decimal("240.00"),
        Decimal("20.00"),
        Decimal("220.00"),
    )
    assert order.customer_id == customer.pk

    # The history shows both orders and the points left.
    page.goto(f"{base}/account/")
    numbers = page.locator("table.account-orders td.order-number").all_inner_texts()
    assert numbers == [number, guest_order.number]
    assert page.inner_text("#account-points") == "1000"
    assert list(PointsEntry.objects.filter(customer=customer).order_by("id").values_list("kind", "delta")) == [
        ("adjust", 3000),
        ("redeem", -2000),
    ]
