"""What happens to a demo order after it is placed: paid (or not), reviewed, picked, shipped,
delivered, completed, cancelled, refunded — each step with a time and who did it. Pure.

Steps follow the order state machine (`orders.domain.states`): cash on delivery ships unpaid
and is paid on delivery; a prepaid order may be cancelled before it ships (after payment that
is a refund). Staff act in working hours; the system cancels unpaid transfers after the
timeout (settings.UNPAID_ORDER_TIMEOUT_HOURS, 72 h by default) and completes orders a week
after delivery. Only steps that happened by `as_of` are returned, so recent orders are still
pending, paid or on their way.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from dianpu.orders.domain.states import Action

P_UNPAID_TIMEOUT = 0.022  # bank transfer never made: the worker cancels it
P_UNPAID_CANCEL = 0.010  # the buyer asks to cancel before paying
P_REFUND = 0.026  # paid, then cancelled before shipping: the money goes back
P_COD_CANCEL = 0.035  # cash on delivery cancelled before it ships
P_REVIEW = 0.55  # paid orders that go through 审单 first
TIMEOUT_REASON = "超时未付款，系统自动取消"  # what orders.services.cancel_expired_unpaid_orders writes
CANCEL_REASONS = (
    "买家申请取消：拍错了",
    "买家申请取消：不想要了",
    "买家申请取消：地址填错了",
    "买家申请取消：重复下单",
)
REFUND_REASONS = (
    "买家申请退款：不想要了",
    "买家申请退款：买多了",
    "买家申请退款：预计到货太晚",
    "买家申请退款：其他渠道更便宜",
)
SYSTEM = ""  # no person: the worker or an automatic rule


@dataclass(frozen=True)
class Step:
    action: str
    at: datetime
    actor: str  # a demo staff username, or SYSTEM
    reason: str = ""


@dataclass(frozen=True)
class Lifecycle:
    steps: tuple[Step, ...]  # after placing, in time order, up to as_of
    refunded: bool  # paid and then cancelled


def _minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=round(rng.uniform(low, high) * 60))


def _in_working_hours(rng: random.Random, at: datetime) -> datetime:
    """Staff work 09:00-21:00 local time; later work waits for the next morning."""
    if at.hour < 9:
        return at.replace(hour=9, minute=0, second=0, microsecond=0) + _minutes(rng, 0, 90)
    if at.hour >= 21:
        next_day = at + timedelta(days=1)
        return next_day.replace(hour=9, minute=0, second=0, microsecond=0) + _minutes(rng, 0, 90)
    return at


def _payment_delay(rng: random.Random) -> timedelta:
    """Most transfers arrive within the hour, some the next day, a few after two days."""
    return timedelta(seconds=round(min(rng.lognormvariate(3.4, 1.3), 70 * 60) * 60))


def _transit_days(rng: random.Random, shipping_method: str, remote: bool) -> int:
    if shipping_method == "express":
        days = 1
    elif shipping_method == "pickup":
        days = rng.choice((1, 1, 2))
    else:
        days = rng.choice((1, 2, 2, 3, 3, 4))
    return days + (rng.choice((1, 2)) if remote and shipping_method != "pickup" else 0)


def _delivered_at(rng: random.Random, shipped: datetime, days: int) -> datetime:
    day = shipped + timedelta(days=days)
    return day.replace(hour=rng.randint(9, 19), minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)


def _until(steps: list[Step], as_of: datetime) -> tuple[Step, ...]:
    done = []
    for step in steps:
        if step.at > as_of:
            break
        done.append(step)
    return tuple(done)


def plan_lifecycle(
    rng: random.Random,
    *,
    placed_at: datetime,
    as_of: datetime,
    pays_on_delivery: bool,
    shipping_method: str,
    remote: bool,
    backlog_days: float,
    unpaid_timeout: timedelta = timedelta(hours=72),
) -> Lifecycle:
    """The steps after placing, decided up front and cut at `as_of`."""
    steps: list[Step] = []
    refund = False
    if pays_on_delivery:
        if rng.random() < P_COD_CANCEL:
            cancel = _in_working_hours(rng, placed_at + _minutes(rng, 10, 24 * 60))
            return Lifecycle(_until([Step(Action.CANCEL, cancel, "agent", rng.choice(CANCEL_REASONS))], as_of), False)
        ready = placed_at
    else:
        u = rng.random()
        if u < P_UNPAID_TIMEOUT:
            cancel = placed_at + unpaid_timeout + _minutes(rng, 1, 15)  # the worker runs every 15 minutes
            return Lifecycle(_until([Step(Action.CANCEL, cancel, SYSTEM, TIMEOUT_REASON)], as_of), False)
        if u < P_UNPAID_TIMEOUT + P_UNPAID_CANCEL:
            cancel = _in_working_hours(rng, placed_at + _minutes(rng, 10, 20 * 60))
            return Lifecycle(_until([Step(Action.CANCEL, cancel, "agent", rng.choice(CANCEL_REASONS))], as_of), False)
        paid = _in_working_hours(rng, placed_at + _payment_delay(rng))
        steps.append(Step(Action.MARK_PAID, paid, "finance" if rng.random() < 0.8 else "owner"))
        refund = rng.random() < P_REFUND
        ready = paid
        if rng.random() < P_REVIEW:
            ready = _in_working_hours(rng, ready + _minutes(rng, 10, 300))
            steps.append(Step(Action.REVIEW, ready, "agent" if rng.random() < 0.7 else "operator"))

    earliest = placed_at + timedelta(days=backlog_days)
    if pays_on_delivery:  # the table allows pending_payment -> shipped for cash on delivery only
        shipped = _in_working_hours(rng, max(ready + _minutes(rng, 60, 20 * 60), earliest))
    else:
        picking = _in_working_hours(rng, max(ready + _minutes(rng, 20, 8 * 60), earliest))
        steps.append(Step(Action.START_PICKING, picking, "warehouse"))
        shipped = _in_working_hours(rng, picking + _minutes(rng, 20, 180))

    if refund:
        paid_at = steps[0].at
        cancel = paid_at + timedelta(seconds=round((shipped - paid_at).total_seconds() * rng.uniform(0.1, 0.9)))
        steps = [s for s in steps if s.at < cancel]
        steps.append(Step(Action.CANCEL, cancel, "agent", rng.choice(REFUND_REASONS)))
        return Lifecycle(_until(steps, as_of), refunded=cancel <= as_of)

    steps.append(Step(Action.SHIP, shipped, "warehouse"))
    delivered = _delivered_at(rng, shipped, _transit_days(rng, shipping_method, remote))
    steps.append(Step(Action.MARK_DELIVERED, delivered, "warehouse"))
    completed = delivered + timedelta(days=rng.randint(7, 10), minutes=rng.randrange(600))
    steps.append(Step(Action.COMPLETE, completed, SYSTEM))
    return Lifecycle(_until(steps, as_of), False)
