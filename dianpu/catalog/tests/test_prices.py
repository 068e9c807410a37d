"""Prices: list, sale and member price per SKU, their history, and the floor rule."""

from decimal import Decimal

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog.models import PriceHistory, Variant
from dianpu.catalog.services import set_margin_rule, update_product
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_each_price_change_is_kept_in_the_skus_price_history():
    product = make_product(skus=["P-1"], price="59.00", cost_price="20.00")
    update_product(
        actor=None,
        product=product,
        variant_changes={"P-1": {"price": "69.00", "sale_price": "55.00", "member_price": "52.00"}},
    )
    v = Variant.objects.get(sku="P-1")
    assert (v.price, v.sale_price, v.member_price) == (Decimal("69.00"), Decimal("55.00"), Decimal("52.00"))
    rows = sorted((h.kind, h.old_amount, h.new_amount) for h in PriceHistory.objects.filter(variant=v))
    assert rows == [
        ("member_price", None, Decimal("52.00")),
        ("price", Decimal("59.00"), Decimal("69.00")),
        ("sale_price", None, Decimal("55.00")),
    ]


def test_a_price_below_the_floor_is_refused_without_an_override_and_nothing_changes():
    set_margin_rule(actor=None, category=None, min_margin_percent="30")
    product = make_product(skus=["P-1"], price="59.00", cost_price="20.00")  # floor 26.00
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as error:
        update_product(actor=None, product=product, variant_changes={"P-1": {"price": "25.99"}})
    assert (error.value.code, error.value.extra["floor"]) == ("below_floor", "26.00")
    assert Variant.objects.get(sku="P-1").price == Decimal("59.00")
    assert PriceHistory.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_the_floor_override_needs_a_reason_and_is_audited():
    set_margin_rule(actor=None, category=None, min_margin_percent="30")
    product = make_product(skus=["P-1"], price="59.00", cost_price="20.00")
    with pytest.raises(DomainError) as error:
        update_product(actor=None, product=product, variant_changes={"P-1": {"price": "19.90", "override_floor": True}})
    assert error.value.code == "override_reason_required"
    product.refresh_from_db()
    update_product(
        actor=None,
        product=product,
        reason="清仓处理",
        variant_changes={"P-1": {"price": "19.90", "override_floor": True}},
    )
    assert Variant.objects.get(sku="P-1").price == Decimal("19.90")
    entry = AuditEntry.objects.get(action="price.floor_overridden")
    assert entry.reason == "清仓处理"
    history = PriceHistory.objects.get()
    assert (history.new_amount, history.below_floor, history.reason) == (Decimal("19.90"), True, "清仓处理")


def test_a_categorys_own_margin_wins_over_the_shops():
    tea = make_category(name="茶叶", name_en="Tea")
    set_margin_rule(actor=None, category=None, min_margin_percent="50")
    set_margin_rule(actor=None, category=tea, min_margin_percent="10")
    product = make_product(skus=["T-1"], price="59.00", cost_price="20.00", category=tea)  # floor 22.00
    update_product(actor=None, product=product, variant_changes={"T-1": {"price": "22.00"}})
    assert Variant.objects.get(sku="T-1").price == Decimal("22.00")
    with pytest.raises(DomainError):
        update_product(actor=None, product=product, variant_changes={"T-1": {"price": "21.99"}})


@pytest.mark.parametrize("value, code", [("-1", "price_negative"), ("abc", "price_not_number")])
def test_a_negative_or_non_numeric_price_is_refused(value, code):
    product = make_product(skus=["P-1"], price="59.00")
    with pytest.raises(DomainError) as error:
        update_product(actor=None, product=product, variant_changes={"P-1": {"sale_price": value}})
    assert error.value.code == code
    assert Variant.objects.get(sku="P-1").sale_price is None


def test_an_invalid_margin_is_refused():
    with pytest.raises(DomainError) as error:
        set_margin_rule(actor=None, category=None, min_margin_percent="-5")
    assert error.value.code == "margin_invalid"
