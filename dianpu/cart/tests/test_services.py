"""Adding to the open cart of a visitor: a cart opened with its first line, or the open cart added to."""

import pytest

from dianpu.cart.models import Cart, CartLine
from dianpu.cart.services import add_to_open_cart, mark_checked_out
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def skus(db):
    make_product(name="龙井", price="100.00", skus=["TEA-1"], stock=5)
    make_product(name="茶杯", price="50.00", skus=["CUP-1"], stock=5)


def lines(cart: Cart) -> dict[str, int]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant__sku", "quantity"))


def test_without_an_open_cart_a_cart_is_opened_with_the_line(skus):
    cart, line = add_to_open_cart(None, sku="TEA-1", quantity=2)
    assert Cart.objects.get() == cart and cart.token
    assert lines(cart) == {"TEA-1": 2} and line.quantity == 2


def test_the_open_cart_of_the_token_is_added_to(skus):
    cart, _ = add_to_open_cart(None, sku="TEA-1", quantity=1)
    again, _ = add_to_open_cart(cart.token, sku="TEA-1", quantity=2)
    also, _ = add_to_open_cart(cart.token, sku="CUP-1", quantity=1)
    assert again == cart == also and Cart.objects.count() == 1
    assert lines(cart) == {"TEA-1": 3, "CUP-1": 1}


def test_a_checked_out_cart_is_not_added_to(skus):
    cart, _ = add_to_open_cart(None, sku="TEA-1", quantity=1)
    mark_checked_out(cart, order_number="DP1")
    fresh, _ = add_to_open_cart(cart.token, sku="CUP-1", quantity=1)
    assert fresh != cart and lines(fresh) == {"CUP-1": 1} and lines(cart) == {"TEA-1": 1}


@pytest.mark.parametrize(("sku", "quantity", "code"), [("NOPE", 1, "unknown_sku"), ("TEA-1", 0, "quantity_invalid")])
def test_a_refused_line_opens_no_cart(skus, sku, quantity, code):
    with pytest.raises(DomainError) as refused:
        add_to_open_cart(None, sku=sku, quantity=quantity)
    assert refused.value.code == code
    assert not Cart.objects.exists()
