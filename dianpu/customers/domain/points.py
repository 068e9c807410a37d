"""Points (积分): what they are worth, how many an order earns, what a refund takes back, and
which expire. Pure; amounts are Decimal yuan, points are ints."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def value_of_points(points: int, points_per_yuan: int) -> Decimal:
    """What `points` pay, in yuan, rounded down to the fen (never worth more than they are)."""
    if points <= 0:
        return Decimal("0.00")
    return (Decimal(points) / Decimal(points_per_yuan)).quantize(FEN, rounding=ROUND_DOWN)


def points_earned(amount_paid: Decimal, earned_per_yuan: int) -> int:
    """Points an order earns: per whole yuan paid."""
    if amount_paid <= 0:
        return 0
    return int(amount_paid.to_integral_value(rounding=ROUND_DOWN)) * earned_per_yuan


def points_to_take_back(*, earned: int, already_taken: int, refunded: Decimal, paid: Decimal) -> int:
    """Of `earned` points, what a refund of `refunded` (this refund) out of `paid` takes back: its
    share, never more than earlier refunds left."""
    if earned <= 0 or paid <= 0 or refunded <= 0:
        return 0
    share = min(Decimal(1), refunded / paid)
    due = int((earned * share).to_integral_value(rounding=ROUND_HALF_UP))
    return max(0, min(due, earned - already_taken))


@dataclass(frozen=True)
class Credit:
    points: int
    expires_at: datetime | None


def points_to_expire(*, credits: list[Credit], debited: int, now: datetime) -> int:
    """Points that expire at `now`. Spending uses the oldest points first (first to expire), so
    what expires is what was credited with an expiry up to now and not yet covered by debits
    (redemptions, take-backs, earlier expiries and deductions, as a positive total)."""
    ordered = sorted(credits, key=lambda c: (c.expires_at is None, c.expires_at or now))
    remaining_debit = debited
    expiring = 0
    for credit in ordered:
        used = min(credit.points, remaining_debit)
        remaining_debit -= used
        if credit.expires_at is not None and credit.expires_at <= now:
            expiring += credit.points - used
    return expiring


def next_check_in(last_day: date | None, streak: int, today: date) -> int:
    """The streak after checking in `today` (dates): one more after yesterday, else it starts at 1."""
    if last_day is not None and (today - last_day).days == 1:
        return streak + 1
    return 1


def check_in_points(streak: int, per_day: int, week_bonus: int) -> int:
    """A check-in earns `per_day`, and every seventh day in a row `week_bonus` on top."""
    return per_day + (week_bonus if streak > 0 and streak % 7 == 0 else 0)


def birthday_in(year: int, month: int, day: int) -> tuple[int, int]:
    """(month, day) a birthday is kept on in `year`: 29 February falls on the 28th in other years."""
    if (month, day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return 2, 28
    return month, day
