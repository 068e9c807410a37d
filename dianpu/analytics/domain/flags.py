"""The bestseller flag rule (爆款数据跟踪): "falls three days running → declining; still below the
earlier level after seven days → improve or replace". Pure; windows and thresholds are inputs
(settings.ANALYTICS_FLAG_RULE)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

DECLINING = "declining"
IMPROVE_OR_REPLACE = "improve_or_replace"
SEVERITY = {None: 0, DECLINING: 1, IMPROVE_OR_REPLACE: 2}


@dataclass(frozen=True)
class FlagRule:
    decline_days: int = 3  # this many consecutive daily falls make a product "declining"
    recovery_days: int = 7  # still below the level before the fall this many days after it: improve or replace
    min_drop_percent: Decimal = Decimal("0")  # a day "falls" when it is lower than the day before by more than this
    metrics: tuple[str, ...] = ("visitors", "sales")

    @property
    def lookback_days(self) -> int:
        return self.decline_days + self.recovery_days + 7


Figure = int | Decimal  # one day's figure of a metric


def _falls(previous: Figure, current: Figure, min_drop_percent: Decimal) -> bool:
    if not min_drop_percent:
        return bool(current < previous)
    previous, current = Decimal(str(previous)), Decimal(str(current))
    return bool(current < previous * (Decimal(100) - min_drop_percent) / Decimal(100))


def evaluate_series(values: Sequence[Figure], rule: FlagRule) -> str | None:
    """Flag for the last day of `values` (one figure per day, oldest first, no gaps).

    A decline run is `decline_days` consecutive falls; its baseline is the value just before
    it (the oldest run in the window not recovered from decides). The product stays flagged while
    every day since the run began is below the baseline:
    "declining" at first, "improve_or_replace" once `recovery_days` days have passed since the
    baseline day. Reaching the baseline again clears the flag.
    """
    n = len(values)
    k = rule.decline_days
    if k < 1 or n < k + 1:
        return None
    last = n - 1
    run = 0
    run_ends = []  # indexes where at least k consecutive falls have been seen
    for i in range(1, n):
        run = run + 1 if _falls(values[i - 1], values[i], rule.min_drop_percent) else 0
        if run >= k:
            run_ends.append(i)
    if not run_ends:
        return None
    suffix_max = list(values)
    for i in range(n - 2, -1, -1):
        suffix_max[i] = max(values[i], suffix_max[i + 1])
    # The oldest decline run that has not recovered since decides (its baseline is the earlier level).
    for end in run_ends:
        base_index = end - k
        if suffix_max[base_index + 1] < values[base_index]:
            return IMPROVE_OR_REPLACE if last - base_index >= rule.recovery_days else DECLINING
    return None


def evaluate_flag(series_by_metric: dict[str, Sequence[Figure]], rule: FlagRule) -> str | None:
    """The most severe flag over the rule's metrics."""
    worst = None
    for metric in rule.metrics:
        flag = evaluate_series(series_by_metric.get(metric, ()), rule)
        if SEVERITY[flag] > SEVERITY[worst]:
            worst = flag
    return worst
