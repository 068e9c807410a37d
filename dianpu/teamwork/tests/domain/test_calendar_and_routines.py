"""Festivals, month grids and "on time", without a database."""

from datetime import date, datetime, timedelta, timezone

from dianpu.teamwork.domain.calendar import festivals_between, month_grid, parse_month, shift_month
from dianpu.teamwork.domain.routines import DEFAULT_ROUTINES, clean_items, is_on_time


def test_november_has_double_eleven_and_2026_spring_festival_is_on_17_february():
    november = festivals_between(date(2026, 11, 1), date(2026, 11, 30))
    assert [(f.day, f.name, f.shopping) for f in november] == [(date(2026, 11, 11), "双 11", True)]
    assert any(
        f.name == "春节" and f.day == date(2026, 2, 17) for f in festivals_between(date(2026, 2, 1), date(2026, 2, 28))
    )


def test_month_grid_starts_on_monday_and_covers_the_month():
    weeks = month_grid(2026, 12)
    assert weeks[0][0] == date(2026, 11, 30) and weeks[0][0].weekday() == 0
    assert weeks[-1][-1] == date(2027, 1, 3)
    assert all(len(w) == 7 for w in weeks)


def test_month_parameters():
    assert parse_month("2026-12", (2000, 1)) == (2026, 12)
    assert parse_month("2026-13", (2026, 1)) == (2026, 1)
    assert parse_month("junk", (2026, 1)) == (2026, 1)
    assert shift_month(2026, 12, 1) == (2027, 1) and shift_month(2026, 1, -1) == (2025, 12)


def test_on_time_means_every_item_before_the_end_of_the_day():
    deadline = datetime(2026, 12, 8, tzinfo=timezone.utc)
    early = deadline - timedelta(hours=3)
    assert is_on_time([early, early], deadline)
    assert not is_on_time([early, None], deadline)
    assert not is_on_time([early, deadline + timedelta(minutes=1)], deadline)
    assert not is_on_time([], deadline)


def test_every_role_has_a_default_checklist_and_items_are_cleaned():
    assert {r.role for r in DEFAULT_ROUTINES} == {
        "owner",
        "operator",
        "marketing",
        "agent",
        "warehouse",
        "finance",
        "designer",
    }
    assert clean_items(["  查看库存  ", "", "查看库存", "竞品  检查"]) == ["查看库存", "竞品 检查"]
