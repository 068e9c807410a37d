from decimal import Decimal

import pytest

from dianpu.competitors.domain.prices import parse_price


@pytest.mark.parametrize(
    "text, expected",
    [
        ("¥1,299.00", "1299.00"),
        ("￥1,299", "1299.00"),
        ("1299元", "1299.00"),
        ("1299.5 元", "1299.50"),
        ("¥99-129", "99.00"),
        ("¥99 - ¥129", "99.00"),
        ("99~129元", "99.00"),
        ("129-99", "99.00"),
        ("券后价 ¥89", "89.00"),
        ("¥129 券后价¥89.90", "89.90"),
        ("原价¥199 券后 ¥159", "159.00"),
        ("券后价：1,099元", "1099.00"),
        ("1.2万", "12000.00"),
        ("  ¥ 59.9 ", "59.90"),
        ("价格 12,345,678.00", "12345678.00"),
        ("49.995", "50.00"),
    ],
)
def test_prices_as_shops_write_them(text, expected):
    assert parse_price(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", None, "暂无报价", "¥", "已售罄"])
def test_text_without_a_price_is_none(text):
    assert parse_price(text) is None
