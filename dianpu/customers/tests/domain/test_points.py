"""Points: value at checkout, earning, refund take-back, expiry (oldest first)."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from dianpu.customers.domain.points import (
    Credit,
    points_earned,
    points_to_expire,
    points_to_take_back,
    value_of_points,
)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)


def test_100_points_pay_one_yuan_and_odd_points_round_down_to_the_fen():
    assert value_of_points(100, 100) == Decimal("1.00")
    assert value_of_points(1999, 100) == Decimal("19.99")
    assert value_of_points(7, 50) == Decimal("0.14")
    assert value_of_points(1, 300) == Decimal("0.00")
    assert value_of_points(0, 100) == Decimal("0.00")


def test_an_order_earns_per_whole_yuan_paid():
    assert points_earned(Decimal("87.80"), 1) == 87
    assert points_earned(Decimal("87.80"), 2) == 174
    assert points_earned(Decimal("0.99"), 1) == 0


def test_a_refund_takes_back_its_share_of_the_points_and_a_full_refund_all_of_them():
    assert points_to_take_back(earned=100, already_taken=0, refunded=Decimal("25.00"), paid=Decimal("100.00")) == 25
    assert points_to_take_back(earned=100, already_taken=25, refunded=Decimal("100.00"), paid=Decimal("100.00")) == 75
    assert points_to_take_back(earned=100, already_taken=100, refunded=Decimal("10.00"), paid=Decimal("100.00")) == 0
    assert points_to_take_back(earned=0, already_taken=0, refunded=Decimal("10.00"), paid=Decimal("100.00")) == 0


def test_points_past_their_date_expire_unless_spent_first():
    old = Credit(300, NOW - timedelta(days=1))
    new = Credit(200, NOW + timedelta(days=100))
    assert points_to_expire(credits=[old, new], debited=0, now=NOW) == 300
    # 120 spent: they came out of the oldest points, so 180 of those are left to expire
    assert points_to_expire(credits=[new, old], debited=120, now=NOW) == 180
    assert points_to_expire(credits=[old, new], debited=450, now=NOW) == 0
    assert points_to_expire(credits=[new], debited=0, now=NOW) == 0


def test_expired_points_are_not_expired_twice():
    old = Credit(300, NOW - timedelta(days=1))
    # the first run wrote an expiry of 300: it counts as a debit
    assert points_to_expire(credits=[old], debited=300, now=NOW) == 0
