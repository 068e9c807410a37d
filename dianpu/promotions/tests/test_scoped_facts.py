"""A cart's categories and tags are read only when a live rule or an entered coupon names them:
the discounts must come out exactly as when everything is read."""

import pytest

from dianpu.catalog.models import Product
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.checkout.domain.validation import CheckoutLine
from dianpu.checkout.services import quote_cart

from .builders import make_coupon, make_promotion

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    drinks = make_category(name="饮品", name_en="Drinks", slug="drinks")
    tea = make_category(name="茶叶", name_en="Tea", slug="tea", parent=drinks)
    make_product(name="龙井", price="100.00", skus=["TEA-1"], category=tea, tags=["新品"], stock=50)
    make_product(name="茶杯", price="50.00", skus=["CUP-1"], stock=50)


def discounts(codes=()):
    priced = quote_cart(
        email="buyer@example.com",
        lines=(CheckoutLine(sku="TEA-1", quantity=1), CheckoutLine(sku="CUP-1", quantity=1)),
        coupon_codes=codes,
    )
    return {ln.sku: ln.discount_total for ln in priced.lines}


def test_a_category_scope_covers_the_products_of_its_subcategories(shop):
    make_promotion("percent_off", name="饮品九折", percent=10, scope={"categories": ["drinks"]})
    assert discounts() == {"TEA-1": 10, "CUP-1": 0}


def test_a_tag_scope_finds_the_tagged_product(shop):
    slug = Product.objects.get(name="龙井").tags.get().slug
    make_promotion("percent_off", name="新品八折", percent=20, scope={"tags": [slug]})
    assert discounts() == {"TEA-1": 20, "CUP-1": 0}


def test_a_coupon_naming_a_category_is_judged_on_the_cart_categories_when_no_promotion_names_any(shop):
    make_promotion("spend_x_save_y", name="满100减5", tiers=[{"threshold": 100, "amount": 5}])
    make_coupon("DRINKS", amount="20.00", scope={"categories": ["drinks"]})
    by_sku = discounts(["DRINKS"])
    assert sum(by_sku.values()) == 25  # 5 off the order, 20 off the tea by the coupon
    assert by_sku["TEA-1"] > by_sku["CUP-1"]
