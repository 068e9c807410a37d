from decimal import Decimal

from dianpu.analytics.domain.refunds import split_refund


def test_a_refund_is_shared_by_line_totals_and_adds_up():
    assert split_refund(Decimal("100.00"), Decimal("0"), {1: Decimal("120.00"), 2: Decimal("60.00")}) == {
        1: Decimal("66.67"),
        2: Decimal("33.33"),
    }
    assert split_refund(Decimal("10.00"), Decimal("0"), {5: Decimal("1"), 3: Decimal("1"), 4: Decimal("1")}) == {
        3: Decimal("3.34"),
        4: Decimal("3.33"),
        5: Decimal("3.33"),
    }


def test_the_shipping_part_is_not_shared():
    assert split_refund(Decimal("60.00"), Decimal("10.00"), {1: Decimal("50.00")}) == {1: Decimal("50.00")}
    assert split_refund(Decimal("10.00"), Decimal("10.00"), {1: Decimal("50.00")}) == {}
    assert split_refund(Decimal("10.00"), Decimal("0"), {}) == {}
