from datetime import datetime
from decimal import Decimal

from dianpu.marketing.domain.festivals import FESTIVALS, festival_window, goal_attainment, hourly_series


def test_every_festival_has_a_window_and_promotions():
    assert {f.code for f in FESTIVALS} == {"618", "double11", "double12", "nianhuo", "black_friday"}
    for f in FESTIVALS:
        start, end = festival_window(f.code, 2026)
        assert start < end and f.promotions


def test_double_eleven_runs_from_the_presale_evening_to_the_end_of_the_day():
    assert festival_window("double11", 2026) == (datetime(2026, 10, 31, 20), datetime(2026, 11, 12))


def test_black_friday_is_the_day_after_the_fourth_thursday():
    assert festival_window("black_friday", 2026)[0] == datetime(2026, 11, 27)
    assert festival_window("black_friday", 2025)[0] == datetime(2025, 11, 28)


def test_goal_attainment_and_hourly_series():
    assert goal_attainment(Decimal("2500"), Decimal("10000")) == Decimal("25.0")
    assert goal_attainment(Decimal("1"), Decimal("0")) is None
    start = datetime(2026, 11, 11, 0, 0)
    labels, sales, cumulative = hourly_series(
        [(datetime(2026, 11, 11, 0, 30), Decimal("10")), (datetime(2026, 11, 11, 2, 5), Decimal("5"))],
        start,
        datetime(2026, 11, 11, 3, 0),
    )
    assert labels == ["11-11 00:00", "11-11 01:00", "11-11 02:00"]
    assert sales == [Decimal("10"), Decimal("0.00"), Decimal("5")] and cumulative[-1] == Decimal("15")
