from decimal import Decimal

import pytest

from dianpu.fulfillment.domain.rates import MethodRate, ShippingUnavailable, ZoneRate, calculate_shipping_fee

D = Decimal
TABLE = MethodRate(
    "standard",
    D("8.00"),
    D("99.00"),
    zones=(
        ZoneRate("", 1000, D("10.00"), 1000, D("5.00")),
        ZoneRate("新疆维吾尔自治区", 1000, D("20.00"), 500, D("8.00")),
    ),
    max_weight_grams=20000,
)


def fee(total="50.00", grams=0, province="上海市", rate=TABLE):
    return calculate_shipping_fee(rate, merchandise_total=D(total), weight_grams=grams, province=province)


def test_flat_fee_without_a_table():
    flat = MethodRate("x", D("8.00"), D("99.00"))
    assert fee(rate=flat) == D("8.00")
    assert fee("99.00", rate=flat) == D("0.00")


@pytest.mark.parametrize(
    ("grams", "expected"), [(0, "10.00"), (1000, "10.00"), (1001, "15.00"), (3000, "20.00"), (3500, "25.00")]
)
def test_first_weight_plus_steps_on_the_default_row(grams, expected):
    assert fee(grams=grams) == D(expected)


def test_province_row_wins_and_is_matched_without_its_suffix():
    assert fee(grams=1600, province="新疆") == D("36.00")  # 20 + 2 × 8


def test_free_over_threshold_whatever_the_weight():
    assert fee("99.00", grams=8000, province="新疆") == D("0.00")


def test_too_heavy_even_when_free():
    with pytest.raises(ShippingUnavailable) as exc:
        fee("500.00", grams=20001)
    assert exc.value.code == "too_heavy"


def test_a_table_without_default_serves_only_its_provinces():
    only_sh = MethodRate("sameday", D("0"), None, zones=(ZoneRate("上海", 1000, D("12.00"), 1000, D("2.00")),))
    assert fee(province="上海市", rate=only_sh) == D("12.00")
    with pytest.raises(ShippingUnavailable) as exc:
        fee(province="北京市", rate=only_sh)
    assert exc.value.code == "region_not_served"
