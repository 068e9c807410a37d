"""A buyer's figures for the RFM segments and the cohorts, folded from their orders (not cancelled):
how many, the money in fen, the first and last shop day, the months they ordered in; and the cohort
cells one buyer counts in. Pure: the summary upkeep, its rebuild and the raw check all use it."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


def to_fen(amount: Decimal) -> int:
    """Money (two decimal places) as integer fen, exactly."""
    return int((Decimal(amount) * 100).to_integral_value())


def month_of(day: date) -> date:
    return day.replace(day=1)


def months_between(first: date, later: date) -> int:
    return (later.year - first.year) * 12 + later.month - first.month


@dataclass
class BuyerFigures:
    orders: int = 0
    spent_fen: int = 0
    first_day: date | None = None
    last_day: date | None = None
    months: set[date] = field(default_factory=set)

    def add(self, day: date, total: Decimal) -> None:
        """One more order (not cancelled) placed on the shop day `day`."""
        self.orders += 1
        self.spent_fen += to_fen(total)
        self.first_day = day if self.first_day is None else min(self.first_day, day)
        self.last_day = day if self.last_day is None else max(self.last_day, day)
        self.months.add(month_of(day))

    @property
    def first_month(self) -> date | None:
        return min(self.months) if self.months else None


def cohort_cells(months: set[date]) -> Counter[tuple[date, int, str]]:
    """The cells one buyer counts in, from the months they ordered in: (cohort, 0) → customers and
    repeaters (ordered in a later month too), (cohort, n) → ordered n months after the first."""
    cells: Counter[tuple[date, int, str]] = Counter()
    if not months:
        return cells
    first = min(months)
    cells[(first, 0, "customers")] = 1
    if len(months) > 1:
        cells[(first, 0, "repeaters")] = 1
    for month in months:
        if month != first:
            cells[(first, months_between(first, month), "customers")] = 1
    return cells


def cell_changes(before: set[date], after: set[date]) -> dict[tuple[date, int], dict[str, int]]:
    """What to add to each cohort cell when a buyer's months go from `before` to `after`."""
    diff = Counter(cohort_cells(after))
    diff.subtract(cohort_cells(before))
    out: dict[tuple[date, int], dict[str, int]] = {}
    for (cohort, offset, column), n in diff.items():
        if n:
            out.setdefault((cohort, offset), {})[column] = n
    return out
