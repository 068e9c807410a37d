"""Cart and guest checkout through the pages: what is shown, what is written, what is refused."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from dianpu.cart.models import Cart
from dianpu.catalog.models import Product
from dianpu.catalog.tests.builders import make_product
from dianpu.customers.models import Customer
from dianpu.inventory.queries import get_available_by_variant
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import place_test_order

ADDRESS = {
    "email": "buyer@example.com",
    "name": "张三",
    "phone": "13800138000",
    "country": "CN",
    "province": "上海市",
    "city": "上海市",
    "district": "黄浦区",
    "line1": "南京东路 100 号",
    "postcode": "200001",
    "shipping_method": "standard",
    "payment_method": "bank_transfer",
}


def _notices(response) -> list[str]:
    return re.findall(r'<p class="notice notice-\w+"[^>]*>(.*?)</p>', response.content.decode(), re.S)


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="id_{field}-error">(.*?)</p>', html)
    return match.group(1) if match else ""


def test_add_to_cart_shows_line_and_subtotal(client, db):
    product = make_product(name="纯棉T恤", price="59.00", skus=["TEE-1"])
    response = client.post("/cart/add/", {"sku": "TEE-1", "quantity": "2", "next": f"/products/{product.slug}/"})
    assert response.status_code == 302 and response["Location"] == "/cart/"
    html = client.get("/cart/").content.decode()
    assert f'<a href="/products/{product.slug}/">纯棉T恤</a>' in html
    assert 'name="quantity" value="2"' in html
    assert '<td data-label="小计" class="line-total">¥118.00</td>' in html
    assert '<strong class="price" id="cart-subtotal">¥118.00</strong>' in html
    assert '<span id="cart-badge" class="badge">2</span>' in html
    assert client.session["cart_token"] == Cart.objects.get().token


def test_adding_the_same_sku_twice_adds_up(client, db):
    make_product(price="10.00", skus=["PEN-1"])
    client.post("/cart/add/", {"sku": "PEN-1", "quantity": "1"})
    client.post("/cart/add/", {"sku": "PEN-1", "quantity": "3"})
    assert 'id="cart-subtotal">¥40.00<' in client.get("/cart/").content.decode()


def test_add_to_cart_with_htmx_returns_message_and_badge(client, db):
    make_product(name="纯棉T恤", skus=["TEE-1"])
    response = client.post("/cart/add/", {"sku": "TEE-1", "quantity": "3"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "已将「纯棉T恤」加入购物车。" in html
    assert '<span id="cart-badge" hx-swap-oob="true" class="badge">3</span>' in html


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "1000", ""])
def test_bad_quantity_is_refused_and_nothing_is_written(client, db, quantity):
    product = make_product(skus=["TEE-1"])
    response = client.post(
        "/cart/add/", {"sku": "TEE-1", "quantity": quantity, "next": f"/products/{product.slug}/"}, follow=True
    )
    assert response.redirect_chain[0] == (f"/products/{product.slug}/", 302)
    assert _notices(response) == (["请填写数量。"] if quantity == "" else ["数量必须是 1 到 999 之间的整数。"])
    assert Cart.objects.count() == 0


def test_unknown_or_unlisted_sku_is_refused(client, db):
    response = client.post("/cart/add/", {"sku": "NO-SUCH", "quantity": "1"}, follow=True)
    assert _notices(response) == ["该商品不存在或已下架。"]
    assert Cart.objects.count() == 0


def test_next_pointing_elsewhere_is_ignored(client, db):
    response = client.post("/cart/add/", {"sku": "NO-SUCH", "quantity": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/cart/"


def test_cart_update_changes_and_removes_lines(client, db):
    make_product(price="20.00", skus=["CUP-1"])
    make_product(price="5.00", skus=["SPOON-1"])
    client.post("/cart/add/", {"sku": "CUP-1", "quantity": "1"})
    client.post("/cart/add/", {"sku": "SPOON-1", "quantity": "1"})

    client.post("/cart/update/", {"sku": "CUP-1", "quantity": "3"})
    assert 'id="cart-subtotal">¥65.00<' in client.get("/cart/").content.decode()
    response = client.post("/cart/update/", {"sku": "SPOON-1", "quantity": "0"}, follow=True)
    assert _notices(response) == ["已删除该商品。"]
    assert 'id="cart-subtotal">¥60.00<' in response.content.decode()
    response = client.post("/cart/update/", {"sku": "CUP-1", "quantity": "-5"}, follow=True)
    assert _notices(response) == ["数量必须是 1 到 999 之间的整数。"]
    assert 'id="cart-subtotal">¥60.00<' in response.content.decode()


def test_cart_warns_about_lines_above_available_stock(client, db):
    make_product(name="限量马克杯", skus=["MUG-1"], stock=2)
    client.post("/cart/add/", {"sku": "MUG-1", "quantity": "5"})
    html = client.get("/cart/").content.decode()
    assert "部分商品库存不足，请减少数量后再结算。" in html
    assert "库存不足：只剩 2 件" in html


def _fill_cart(client, sku="TEE-1", quantity="2"):
    client.post("/cart/add/", {"sku": sku, "quantity": quantity})


def test_guest_checkout_places_order_reserves_stock_and_confirms(client, db):
    product = make_product(name="纯棉T恤", price="39.00", skus=["TEE-1"], stock=10)
    variant = product.variants.get()
    _fill_cart(client)
    form = client.get("/checkout/").content.decode()
    assert 'name="shipping_method" value="standard"' in form
    assert 'value="bank_transfer"' in form and 'value="cod"' in form
    assert '<dd class="grand price" id="grand-total">¥86.00</dd>' in form  # 78 + 8 shipping (free from 99)

    response = client.post("/checkout/", {**ADDRESS, "note": "请<script>alert(1)</script>尽快发货"})
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.number}/thanks/"
    assert (order.subtotal, order.shipping_total, order.grand_total) == (
        Decimal("78.00"),
        Decimal("8.00"),
        Decimal("86.00"),
    )
    assert order.email == "buyer@example.com" and order.ship_city == "上海市"
    assert order.note == "请尽快发货"  # the note is cleaned of markup
    assert get_available_by_variant([variant.id]) == {variant.id: 8}
    cart = Cart.objects.get()
    assert cart.order_number == order.number and cart.checked_out_at is not None
    assert "cart_token" not in client.session

    page = client.get(response["Location"]).content.decode()
    assert f'<strong class="order-number">{order.number}</strong>' in page
    assert "纯棉T恤" in page and "¥86.00" in page
    assert "请转账 ¥86.00 至" in page and f"备注订单号 {order.number}" in page
    assert "上海市 上海市 黄浦区 南京东路 100 号" in page
    assert f'href="/orders/status/?number={order.number}&amp;email=buyer%40example.com"' in page
    assert '<span id="cart-badge" class="badge is-empty">0</span>' in page


def test_free_shipping_over_threshold_and_cash_on_delivery(client, db):
    make_product(price="120.00", skus=["COAT-1"])
    _fill_cart(client, "COAT-1", "1")
    response = client.post("/checkout/", {**ADDRESS, "payment_method": "cod"})
    order = Order.objects.get()
    assert order.grand_total == Decimal("120.00") and order.payment_method == "cod"
    assert "收货时请向快递员支付 ¥120.00。" in client.get(response["Location"]).content.decode()


def test_checkout_with_missing_city_shows_the_field_error_and_creates_no_order(client, db):
    product = make_product(skus=["TEE-1"], stock=10)
    _fill_cart(client)
    response = client.post("/checkout/", {**ADDRESS, "city": ""})
    html = response.content.decode()
    assert response.status_code == 422
    assert _field_error(html, "city") == "此项必填。"
    assert "提交的信息有误，请检查标出的字段。" in html
    assert 'name="line1" value="南京东路 100 号"' in html  # what the shopper typed is kept
    assert 'value="standard" data-fee="¥0.00" data-total="¥118.00" checked' in html
    assert Order.objects.count() == 0 and Customer.objects.count() == 0
    variant = product.variants.get()
    assert get_available_by_variant([variant.id]) == {variant.id: 10}
    assert Cart.objects.get().checked_out_at is None


def test_checkout_refuses_markup_and_over_long_fields(client, db):
    make_product(skus=["TEE-1"])
    _fill_cart(client)
    html = client.post(
        "/checkout/", {**ADDRESS, "line1": "<script>alert(1)</script>", "district": "区" * 51, "email": "not-an-email"}
    ).content.decode()
    assert _field_error(html, "line1") == "不能包含 &lt; 或 &gt; 等标记字符。"
    assert _field_error(html, "district") == "内容过长。"
    assert _field_error(html, "email") == "请输入有效的邮箱地址。"
    assert "<script>alert(1)</script>" not in html
    assert Order.objects.count() == 0


def test_out_of_stock_at_checkout_names_the_product_and_creates_no_order(client, db):
    product = make_product(name="限量马克杯", skus=["MUG-1"], stock=2)
    _fill_cart(client, "MUG-1", "2")
    place_test_order({"MUG-1": 1})  # someone else buys one first
    response = client.post("/checkout/", ADDRESS)
    html = response.content.decode()
    assert response.status_code == 422
    assert "很抱歉，「限量马克杯」库存不足，目前只剩 1 件。" in html
    assert Order.objects.count() == 1
    variant = product.variants.get()
    assert get_available_by_variant([variant.id]) == {variant.id: 1}
    assert Cart.objects.filter(checked_out_at__isnull=True).count() == 1


def test_the_cart_remembers_the_buyers_email_for_recovery_whether_or_not_the_order_is_placed(client, db):
    make_product(name="限量马克杯", skus=["MUG-1"], stock=1)
    _fill_cart(client, "MUG-1", "2")
    response = client.post("/checkout/", {**ADDRESS, "email": "Later@Example.com"})
    assert response.status_code == 422  # only one left: no order, but the cart knows whom to remind
    cart = Cart.objects.get()
    assert (cart.email, cart.checked_out_at, cart.order_number) == ("later@example.com", None, "")

    client.post("/cart/update/", {"sku": "MUG-1", "quantity": "1"})
    response = client.post("/checkout/", {**ADDRESS, "email": "Buyer2@Example.com"})
    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.number}/thanks/"
    cart.refresh_from_db()
    assert (cart.email, cart.order_number) == ("buyer2@example.com", order.number)
    assert cart.checked_out_at is not None


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, db):
    response = client.get("/checkout/")
    assert response["Location"] == "/cart/"
    response = client.post("/checkout/", ADDRESS)
    assert response["Location"] == "/cart/"
    assert Order.objects.count() == 0


def test_confirmation_is_only_for_the_session_that_ordered(client, db):
    make_product(skus=["TEE-1"])
    _fill_cart(client)
    location = client.post("/checkout/", ADDRESS)["Location"]
    assert client.get(location).status_code == 200
    assert Client().get(location).status_code == 404


def test_tampered_csrf_token_is_refused_in_the_users_language(db):
    make_product(skus=["TEE-1"])
    browser = Client(enforce_csrf_checks=True)
    browser.get("/")
    response = browser.post("/cart/add/", {"sku": "TEE-1", "quantity": "1", "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    assert "表单的安全令牌无效或已过期" in response.content.decode()
    assert Cart.objects.count() == 0


def test_a_product_delisted_while_in_the_cart_is_named_at_checkout(client, db):
    product = make_product(name="限时礼盒", skus=["BOX-1"])
    _fill_cart(client, "BOX-1", "1")
    from dianpu.catalog.services import set_product_status

    set_product_status(actor=None, product=product, status=Product.Status.DELISTED)
    html = client.post("/checkout/", ADDRESS).content.decode()
    assert "限时礼盒：该商品不存在或已下架。" in html
    assert Order.objects.count() == 0


def test_search_words_are_shown_escaped(client, db):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_checkout_page_charges_shipping_when_discounts_bring_the_goods_under_free_over(client, db):
    from dianpu.promotions.tests.builders import make_promotion

    make_product(name="帆布包", price="55.00", skus=["BAG-9"], stock=10)
    make_promotion("percent_off", percent=20)  # ¥110 − ¥22 = ¥88 of goods, under standard's free-over ¥99
    client.post("/cart/add/", {"sku": "BAG-9", "quantity": "2"})
    form = client.get("/checkout/").content.decode()
    assert 'value="standard" data-fee="¥8.00" data-total="¥96.00"' in form
    assert '<dd class="grand price" id="grand-total">¥96.00</dd>' in form
    client.post("/checkout/", ADDRESS)
    order = Order.objects.get()
    assert (order.discount_total, order.shipping_total, order.grand_total) == (
        Decimal("22.00"),
        Decimal("8.00"),
        Decimal("96.00"),
    )


def test_checkout_refuses_a_mainland_mobile_without_its_11_digits(client, db):
    product = make_product(skus=["TEE-1"], stock=10)
    _fill_cart(client)
    response = client.post("/checkout/", {**ADDRESS, "phone": "1380013800"})  # 10 digits
    assert response.status_code == 422
    assert _field_error(response.content.decode(), "phone") == "中国大陆手机号为 11 位数字，请核对。"
    html = client.post("/checkout/", {**ADDRESS, "phone": "12345678901"}).content.decode()  # no such mobile range
    assert _field_error(html, "phone") == "请输入有效的电话号码。"
    english = client.post("/checkout/", {**ADDRESS, "phone": "1380013800"}, HTTP_ACCEPT_LANGUAGE="en")
    assert _field_error(english.content.decode(), "phone") == (
        "A mainland China mobile number has 11 digits; please check it."
    )
    assert Order.objects.count() == 0
    variant = product.variants.get()
    assert get_available_by_variant([variant.id]) == {variant.id: 10}
