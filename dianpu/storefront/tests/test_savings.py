"""The cart and checkout pages show which promotions applied, the savings and hints; coupons
entered on the cart are used at checkout."""

import pytest
from django.test import Client

from dianpu.catalog.models import Product
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS
from dianpu.promotions.tests.builders import make_coupon, make_promotion

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper():
    make_product(name="龙井", price="100.00", skus=["TEA-9"], stock=20)
    make_promotion("spend_x_save_y", name="满200减20", tiers=[{"threshold": 200, "amount": 20}])
    make_promotion("percent_off", name="龙井九五折", percent=5, scope={"skus": ["TEA-9"]})
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.post("/cart/add/", {"sku": "TEA-9", "quantity": 2})
    return client


def test_cart_shows_applied_promotions_savings_and_hints(shopper):
    page = shopper.get("/cart/").content.decode()
    assert "龙井九五折" in page and "−¥10.00" in page
    assert "再买 ¥10.00 可减 ¥20.00（满200减20）" in page  # ¥190 after 5% off
    assert 'id="cart-saved">¥10.00' in page and 'id="cart-discounted">¥190.00' in page


def test_cart_in_english(shopper):
    page = shopper.get("/cart/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Spend ¥10.00 more to save ¥20.00 (满200减20)" in page


def test_coupon_on_the_cart_is_used_at_checkout(shopper):
    make_coupon("TEA5", amount="5.00")
    bad = shopper.post("/cart/coupon/", {"code": "NOPE"}, follow=True).content.decode()
    assert "优惠券 NOPE 不存在。" in bad
    shopper.post("/cart/coupon/", {"code": "TEA5"})
    assert "TEA5" in shopper.get("/cart/").content.decode()
    page = shopper.get("/checkout/").content.decode()
    assert 'id="discount-total">−¥15.00' in page
    response = shopper.post(
        "/checkout/",
        {"email": "tea@example.com", **ADDRESS, "shipping_method": "standard", "payment_method": "bank_transfer"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get()
    assert (str(order.discount_total), str(order.grand_total)) == ("15.00", "185.00")
    assert order.pricing_snapshot["coupons"] == ["TEA5"]


def test_product_page_shows_the_promotions_covering_it(shopper):
    slug = Product.objects.get(name="龙井").slug
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/products/{slug}/").content.decode()
    assert 'id="product-promotions"' in page and "满200减20" in page and "龙井九五折" in page
