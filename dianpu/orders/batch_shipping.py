"""Batch shipping (use case): many orders shipped at once from a list of
(order number, carrier, tracking number[, cost]) typed in or uploaded as CSV.

Every line is checked first — order exists and may ship now (paid or cash on delivery, not held),
carrier known, tracking number of the carrier's shape, no order or tracking number twice. If any
line is wrong nothing is shipped and the report says which line, which column, and why; otherwise
all orders ship in one transaction through transition_order (stock consumed, history, audit,
notifications), and the report lists each shipped line.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from dianpu.core.errors import DomainError
from dianpu.fulfillment.carriers import get_carrier
from dianpu.fulfillment.domain.shipping_file import LineProblem, ShipRow, parse_ship_rows
from dianpu.fulfillment.queries import needs_tracking

from .domain.states import Action, TransitionInput, TransitionRefused, next_status
from .messages import MESSAGES
from .models import Order
from .services import facts_of, refusal, transition_order

LINE_MESSAGES = {
    "columns_missing": "batch_columns_missing",
    "cost_invalid": "batch_cost_invalid",
    "order_unknown": "batch_order_unknown",
    "order_repeated": "batch_order_repeated",
    "tracking_repeated": "batch_tracking_repeated",
    "carrier_unknown": "batch_carrier_unknown",
    "tracking_number_invalid": "batch_tracking_invalid",
    "file_empty": "batch_empty",
}


@dataclass(frozen=True)
class ReportLine:
    line: int
    order_number: str
    column: str
    code: str
    message: str
    ok: bool


class BatchRefused(DomainError):
    """Some lines are wrong: nothing was shipped. `report` lists every problem."""

    def __init__(self, report: list[ReportLine]):
        super().__init__(
            MESSAGES["batch_refused"] % {"count": len(report)},
            code="batch_refused",
            status=422,
            lines=[r.__dict__ for r in report],
        )
        self.report = report


def _problem(p: LineProblem, order_number: str = "", message: str = "") -> ReportLine:
    text = message or str(MESSAGES[LINE_MESSAGES.get(p.code, p.code)])
    return ReportLine(p.line, order_number, p.column, p.code, text + (f" ({p.value})" if p.value else ""), False)


def check_rows(rows: list[ShipRow]) -> list[ReportLine]:
    problems: list[ReportLine] = []
    orders = {o.number: o for o in Order.objects.filter(number__in=[r.order_number for r in rows])}
    seen_orders, seen_tracking = set(), set()
    for row in rows:
        order = orders.get(row.order_number)
        if order is None:
            problems.append(_problem(LineProblem(row.line, "order_number", "order_unknown", row.order_number)))
            continue
        if row.order_number in seen_orders:
            problems.append(_problem(LineProblem(row.line, "order_number", "order_repeated", row.order_number)))
            continue
        seen_orders.add(row.order_number)
        try:
            next_status(facts_of(order), Action.SHIP, TransitionInput(row.carrier, row.tracking_number))
        except TransitionRefused as exc:
            problems.append(
                ReportLine(row.line, row.order_number, "order_number", exc.code, str(refusal(exc).detail), False)
            )
            continue
        if not needs_tracking(order.shipping_method):
            continue
        carrier = get_carrier(row.carrier)
        if carrier is None:
            problems.append(
                _problem(LineProblem(row.line, "carrier", "carrier_unknown", row.carrier), row.order_number)
            )
            continue
        if not carrier.is_valid_tracking_number(row.tracking_number):
            text = str(MESSAGES["batch_tracking_invalid"]) % {"carrier": carrier.name, "example": carrier.example}
            problems.append(
                _problem(
                    LineProblem(row.line, "tracking_number", "tracking_number_invalid", row.tracking_number),
                    row.order_number,
                    text,
                )
            )
            continue
        key = (carrier.code, carrier.normalize(row.tracking_number))
        if key in seen_tracking:
            problems.append(
                _problem(
                    LineProblem(row.line, "tracking_number", "tracking_repeated", row.tracking_number), row.order_number
                )
            )
            continue
        seen_tracking.add(key)
    return problems


def ship_orders_in_batch(*, text: str, actor, ip_address: str | None = None) -> list[ReportLine]:
    """Check every line, then ship them all (one transaction), or BatchRefused with the report."""
    rows, parse_problems = parse_ship_rows(text)
    problems = [_problem(p) for p in parse_problems]
    if not rows and not problems:
        problems.append(_problem(LineProblem(0, "", "file_empty")))
    problems += check_rows(rows)
    if problems:
        raise BatchRefused(sorted(problems, key=lambda r: r.line))
    report = []
    with transaction.atomic():
        for row in rows:
            order = Order.objects.get(number=row.order_number)
            try:
                transition_order(
                    order=order,
                    action=Action.SHIP,
                    actor=actor,
                    carrier=row.carrier,
                    tracking_number=row.tracking_number,
                    reason=_("批量发货"),
                    ip_address=ip_address,
                    shipping_cost=row.cost,
                )
            except DomainError as exc:  # changed by someone else since the check: undo the whole batch
                raise BatchRefused(
                    [ReportLine(row.line, row.order_number, "order_number", exc.code, str(exc.detail), False)]
                ) from None
            report.append(ReportLine(row.line, row.order_number, "", "shipped", str(MESSAGES["batch_shipped"]), True))
    return report
