"""Stocktake (盘点) variance. Pure."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Variance:
    sku: str
    expected: int
    counted: int
    unit_cost: Decimal

    @property
    def units(self) -> int:
        return self.counted - self.expected

    @property
    def value(self) -> Decimal:
        return (Decimal(self.units) * self.unit_cost).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class VarianceSummary:
    lines_counted: int
    lines_with_variance: int
    units_over: int
    units_short: int
    value: Decimal


def summarize_variances(variances: list[Variance]) -> VarianceSummary:
    differing = [v for v in variances if v.units]
    return VarianceSummary(
        lines_counted=len(variances),
        lines_with_variance=len(differing),
        units_over=sum(v.units for v in differing if v.units > 0),
        units_short=-sum(v.units for v in differing if v.units < 0),
        value=sum((v.value for v in differing), Decimal("0.00")),
    )
