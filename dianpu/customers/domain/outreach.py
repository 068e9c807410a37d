"""Outreach rules: quiet hours and the holiday calendar (节日问候). Pure."""

from datetime import date

# Lunar festivals fall on different days each year: the calendar is data (extend it yearly).
SPRING_FESTIVAL = {2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26)}
MID_AUTUMN = {2026: date(2026, 9, 25), 2027: date(2027, 9, 15), 2028: date(2028, 10, 3)}
OCCASIONS = ("spring_festival", "mid_autumn", "618", "double_11", "birthday", "win_back")


def holidays(year: int) -> list[tuple[str, date]]:
    """(occasion, the day the greeting goes out): on the festival itself; for the shopping
    festivals three days ahead, so the greeting arrives before the sale."""
    out = []
    if year in SPRING_FESTIVAL:
        out.append(("spring_festival", SPRING_FESTIVAL[year]))
    out.append(("618", date(year, 6, 15)))
    if year in MID_AUTUMN:
        out.append(("mid_autumn", MID_AUTUMN[year]))
    out.append(("double_11", date(year, 11, 8)))
    return sorted(out, key=lambda o: o[1])


def is_quiet(hour: int, quiet: tuple[int, int]) -> bool:
    """Whether a shop-local hour is inside quiet hours (from, to); (21, 9) spans midnight."""
    start, end = quiet
    if start == end:
        return False
    return start <= hour < end if start < end else hour >= start or hour < end
