"""When demo orders are placed: a daily volume with a weekly rhythm, growth over the year and the
Chinese shopping festivals (618, 双十一, 双十二, 38 节, 520, 年货节 before the Spring Festival and
the holiday lull after it), and an hour-of-day profile. Pure: dates in, numbers out."""

import random
from datetime import date, datetime, timedelta

# 春节 (first day of the lunar year).
SPRING_FESTIVAL = {
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}
WEEKDAY = (1.02, 0.98, 0.97, 0.98, 1.0, 1.08, 1.12)  # Monday .. Sunday
YEARLY_GROWTH = 1.8  # the shop sells 80% more at the end of a year than at its start
DAILY_NOISE = 0.12  # sigma of the day-to-day log-normal wobble
# Relative orders per hour of day (China: lunch, and a long evening peak till midnight).
HOURS = (
    2.0,
    1.0,
    0.5,
    0.3,
    0.2,
    0.2,
    0.4,
    1.0,
    2.0,
    3.0,
    3.5,
    3.8,
    4.0,
    3.8,
    3.5,
    3.4,
    3.5,
    3.6,
    3.8,
    4.5,
    5.5,
    6.0,
    5.8,
    4.0,
)


def spring_festival(year: int) -> date:
    return SPRING_FESTIVAL.get(year, date(year, 2, 1))


def is_midnight_rush(day: date) -> bool:
    """Festival days that open at midnight: buyers wait up with full carts."""
    return (day.month, day.day) in {(6, 18), (11, 11), (12, 12), (6, 1), (11, 1)}


def festival_factor(day: date) -> float:
    """How many times an ordinary day's orders this day brings."""
    m, d = day.month, day.day
    f = 1.0
    if m == 5 and d >= 25:
        f *= 1.15  # 618 warm-up
    if m == 6:
        f *= {1: 2.2, 16: 1.9, 17: 2.1, 18: 5.0, 19: 0.8, 20: 0.85}.get(d, 1.35 if d < 16 else 1.0)
    if m == 10:
        f *= 0.85 if d <= 7 else (1.25 if d >= 20 else 1.0)  # National Day; 双十一 pre-sale
    if m == 11:
        f *= {1: 2.6, 10: 2.2, 11: 8.0}.get(d, 1.45 if d < 10 else (0.8 if d <= 14 else 1.0))
    if m == 12:
        f *= {10: 1.3, 11: 1.5, 12: 3.0}.get(d, 1.0)
    if m == 3 and d in (6, 7, 8):
        f *= 1.8 if d == 8 else 1.2  # 38 女王节
    if m == 5 and d == 20:
        f *= 1.5  # 520
    for festival in (spring_festival(day.year), spring_festival(day.year + 1)):
        delta = (day - festival).days
        if -25 <= delta <= -8:
            f *= 1.6  # 年货节
        elif -7 <= delta <= -1:
            f *= 0.85  # couriers stop taking parcels
        elif 0 <= delta <= 6:
            f *= 0.45  # the holiday
        elif 7 <= delta <= 14:
            f *= 0.8
    return f


def shipping_delay_days(day: date) -> float:
    """Extra days the warehouse needs for orders placed on `day` (festival backlog, holidays)."""
    m, d = day.month, day.day
    if (m, d) == (11, 11):
        return 2.5
    if m == 11 and d <= 10:
        return 0.8
    if (m, d) in {(6, 18), (12, 12)}:
        return 1.5
    if m == 6 and 16 <= d <= 17:
        return 0.6
    for festival in (spring_festival(day.year), spring_festival(day.year + 1)):
        delta = (day - festival).days
        if -3 <= delta <= 6:
            return 7 - delta  # the warehouse reopens on the 7th day of the new year
    return 0.0


def daily_weights(rng: random.Random, first_day: date, days: int) -> list[float]:
    weights = []
    for i in range(days):
        day = first_day + timedelta(days=i)
        growth = YEARLY_GROWTH ** (i / 365)
        weights.append(WEEKDAY[day.weekday()] * growth * festival_factor(day) * rng.lognormvariate(0, DAILY_NOISE))
    return weights


def apportion(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to `weights` that add up to exactly `total` (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    counts = [int(x) for x in exact]
    short = total - sum(counts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[:short]:
        counts[i] += 1
    return counts


def daily_counts(rng: random.Random, first_day: date, days: int, total: int) -> list[int]:
    """Orders per day, `days` days from `first_day`, adding up to `total`."""
    return apportion(total, daily_weights(rng, first_day, days))


def _hour_weights(day: date) -> list[float]:
    hours = list(HOURS)
    if is_midnight_rush(day):
        hours[0] *= 8
        hours[1] *= 3
    return hours


def order_times(rng: random.Random, day: date, count: int, tz) -> list[datetime]:
    """`count` placing times on `day` (aware, in `tz`), in order."""
    hours = rng.choices(range(24), weights=_hour_weights(day), k=count)
    seconds = sorted(h * 3600 + rng.randrange(3600) for h in hours)
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
    return [midnight + timedelta(seconds=s) for s in seconds]
