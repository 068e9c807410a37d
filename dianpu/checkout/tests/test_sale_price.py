"""A sale price sells: shown (list price struck through), quoted, charged and reported by the API —
one selling-price rule read everywhere — and the floor rules still hold under it."""

from decimal import Decimal

import pytest

from dianpu.catalog.models import Product, Variant
from dianpu.catalog.services import set_margin_rule, update_product
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS
from dianpu.promotions.models import PriceFloor
from dianpu.promotions.tests.builders import make_promotion

pytestmark = pytest.mark.django_db


@pytest.fixture
def tea(db):
    product = make_product(name="龙井", price="100.00", cost_price="40.00", skus=["TEA-1"], stock=50)
    make_product(name="茶杯", price="50.00", skus=["CUP-1"], stock=50)
    update_product(actor=None, product=product, variant_changes={"TEA-1": {"sale_price": "80.00"}})
    return Product.objects.get(pk=product.pk)


def body(lines, email="buyer@example.com"):
    return {
        "email": email,
        "lines": [{"sku": s, "quantity": q} for s, q in lines.items()],
        "coupon_codes": [],
        "shipping_method": "standard",
        "shipping_address": ADDRESS,
        "payment_method": "bank_transfer",
    }


def test_quote_and_checkout_charge_the_sale_price_and_agree(api, tea):
    quoted = api.post("cart/quote", body({"TEA-1": 2, "CUP-1": 1}))
    assert quoted.status_code == 200, quoted.json()
    q = quoted.json()
    assert [(ln["sku"], ln["unit_price"], ln["total"]) for ln in q["lines"]] == [
        ("TEA-1", "80.00", "160.00"),
        ("CUP-1", "50.00", "50.00"),
    ]
    assert (q["subtotal"], q["discount_total"], q["total"]) == ("210.00", "0.00", "210.00")
    placed = api.post("checkout", body({"TEA-1": 2, "CUP-1": 1}))
    assert placed.status_code == 201, placed.json()
    assert placed.json()["total"] == q["total"]
    order = Order.objects.get()
    assert (order.subtotal, order.grand_total) == (Decimal("210.00"), Decimal("210.00"))
    assert {ln.sku: ln.unit_price for ln in order.lines.all()} == {"TEA-1": Decimal("80.00"), "CUP-1": Decimal("50.00")}


def test_a_sale_price_not_below_the_list_price_changes_nothing(api, tea):
    update_product(actor=None, product=tea, variant_changes={"TEA-1": {"sale_price": "120.00"}})
    assert Variant.objects.get(sku="TEA-1").selling_price == Decimal("100.00")
    q = api.post("cart/quote", body({"TEA-1": 1})).json()
    assert q["lines"][0]["unit_price"] == "100.00"


def test_product_page_shows_the_sale_price_with_the_list_price_struck_through(client, tea):
    page = client.get(f"/products/{tea.slug}/").content.decode()
    assert '<span class="price price-large" id="product-price">¥80.00</span>' in page
    assert '<s class="compare-price" id="product-compare-price">¥100.00</s>' in page
    assert '"price": "80.00"' in page or '"price":"80.00"' in page  # schema.org offer
    assert Product.objects.get(pk=tea.pk).min_price == Decimal("80.00")  # cards, sorting and price filters


def test_api_product_detail_reports_the_selling_price(api, tea):
    detail = api.get(f"products/{tea.slug}").json()
    assert detail["price"] == "80.00"
    assert [(v["sku"], v["price"], v["selling_price"]) for v in detail["variants"]] == [("TEA-1", "100.00", "80.00")]


def test_promotions_discount_from_the_sale_price_but_never_below_the_floor(api, tea):
    PriceFloor.objects.create(variant=Variant.objects.get(sku="TEA-1"), price=Decimal("75.00"))
    make_promotion("percent_off", name="龙井九折", percent=10)
    q = api.post("cart/quote", body({"TEA-1": 1})).json()
    # 10 % of 80 would be 72.00, below the 75.00 floor: the discount stops at the floor.
    assert (q["lines"][0]["unit_price"], q["lines"][0]["discount"], q["lines"][0]["total"]) == (
        "80.00",
        "5.00",
        "75.00",
    )


def test_a_sale_price_below_the_margin_floor_is_refused_and_nothing_changes(tea):
    set_margin_rule(actor=None, category=None, min_margin_percent="50")  # floor 60.00 on cost 40.00
    with pytest.raises(DomainError) as error:
        update_product(actor=None, product=tea, variant_changes={"TEA-1": {"sale_price": "59.00"}})
    assert error.value.code == "below_floor"
    assert Variant.objects.get(sku="TEA-1").selling_price == Decimal("80.00")
