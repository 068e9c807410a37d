"""Order review (审单) use cases: run the risk rules on a new order, edit the thresholds and the
blacklist. The rules themselves are pure (orders/domain/review.py); this module fetches the facts
(counts in the last 24 hours, blacklist matches), evaluates, and holds the order through
services.hold_order. Releasing and cancelling a held order are services.release_order and
services.transition_order(action="cancel").
"""

import operator
from datetime import timedelta
from decimal import Decimal
from functools import reduce

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.errors import DomainError, NotFoundError

from .domain.review import (
    ReviewFacts,
    ReviewThresholds,
    evaluate_review_rules,
    normalize_address,
    normalize_phone,
)
from .messages import MESSAGES
from .models import BlacklistEntry, Order, ReviewSettings
from .services import hold_order

SETTING_FIELDS = (
    "high_value_over",
    "max_orders_per_address_per_day",
    "max_orders_per_phone_per_day",
    "max_orders_per_ip_per_day",
    "check_far_apart",
)


def get_review_settings() -> ReviewSettings:
    row = ReviewSettings.objects.filter(pk=1).first()
    return row if row is not None else ReviewSettings(pk=1)


def thresholds_of(row: ReviewSettings) -> ReviewThresholds:
    return ReviewThresholds(
        high_value_over=row.high_value_over,
        max_orders_per_address_per_day=row.max_orders_per_address_per_day,
        max_orders_per_phone_per_day=row.max_orders_per_phone_per_day,
        max_orders_per_ip_per_day=row.max_orders_per_ip_per_day,
        check_far_apart=row.check_far_apart,
    )


@transaction.atomic
def update_review_settings(*, actor, changes: dict, ip_address: str | None = None) -> ReviewSettings:
    row = get_review_settings()
    before = {f: getattr(row, f) for f in SETTING_FIELDS}
    values = {f: changes[f] for f in SETTING_FIELDS if f in changes}
    if values.get("high_value_over") is not None and Decimal(values["high_value_over"]) < 0:
        raise DomainError(
            MESSAGES["review_threshold_negative"], code="review_threshold_negative", status=422, field="high_value_over"
        )
    ReviewSettings.objects.update_or_create(pk=1, defaults={**values, "updated_at": clock.now()})
    row = get_review_settings()
    diff = {f: (str(before[f]), str(getattr(row, f))) for f in SETTING_FIELDS if before[f] != getattr(row, f)}
    record_audit(actor=actor, action="review_settings.updated", obj=row, changes=diff, ip_address=ip_address)
    return row


def key_for(kind: str, value: str) -> str:
    if kind == BlacklistEntry.Kind.EMAIL:
        return value.strip().lower()
    if kind == BlacklistEntry.Kind.PHONE:
        return normalize_phone(value)
    return normalize_address(value)[:200]


@transaction.atomic
def add_blacklist_entry(
    *, actor, kind: str, value: str, note: str = "", ip_address: str | None = None
) -> BlacklistEntry:
    if kind not in BlacklistEntry.Kind.values:
        raise DomainError(MESSAGES["blacklist_kind_unknown"], code="blacklist_kind_unknown", status=422, field="kind")
    key = key_for(kind, value)
    if not key:
        raise DomainError(MESSAGES["blacklist_value_empty"], code="blacklist_value_empty", status=422, field="value")
    person = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            entry = BlacklistEntry.objects.create(
                kind=kind,
                value=value.strip()[:200],
                key=key,
                note=note[:200],
                created_by=person,
                created_at=clock.now(),
            )
    except IntegrityError:
        raise DomainError(
            MESSAGES["blacklist_duplicate"], code="blacklist_duplicate", status=409, field="value"
        ) from None
    record_audit(
        actor=actor,
        action="blacklist.added",
        obj=entry,
        changes={"kind": ("", kind), "value": ("", entry.value)},
        ip_address=ip_address,
    )
    return entry


@transaction.atomic
def remove_blacklist_entry(*, actor, entry_id: int, ip_address: str | None = None) -> None:
    entry = BlacklistEntry.objects.filter(pk=entry_id).first()
    if entry is None or BlacklistEntry.objects.filter(pk=entry_id).delete()[0] == 0:
        raise NotFoundError(MESSAGES["blacklist_not_found"], code="blacklist_not_found")
    record_audit(
        actor=actor, action="blacklist.removed", obj=entry, changes={"value": (entry.value, "")}, ip_address=ip_address
    )


def facts_for(order: Order) -> ReviewFacts:
    """The order and the counts the rules need, fetched in a few queries."""
    since = order.placed_at - timedelta(hours=24)
    recent = Order.objects.filter(placed_at__gte=since, placed_at__lte=order.placed_at).exclude(
        status=Order.Status.CANCELLED
    )
    keys = {
        BlacklistEntry.Kind.EMAIL: order.email.strip().lower(),
        BlacklistEntry.Kind.PHONE: order.phone_key,
        BlacklistEntry.Kind.ADDRESS: order.address_key,
    }
    listed = set(
        BlacklistEntry.objects.filter(kind__in=list(keys), key__in=[k for k in keys.values() if k]).values_list(
            "kind", "key"
        )
    )
    # One query for the three counts: the orders of the last 24 hours sharing the address, the
    # phone or the IP address, each counted by its own filter.
    same = {
        name: Q(**{field: value})
        for name, field, value in (
            ("address", "address_key", order.address_key),
            ("phone", "phone_key", order.phone_key),
            ("ip", "ip_address", order.ip_address),
        )
        if value
    }
    counts: dict[str, int] = {}
    if same:
        counts = recent.filter(reduce(operator.or_, same.values())).aggregate(
            **{name: Count("pk", filter=condition) for name, condition in same.items()}
        )
    return ReviewFacts(
        grand_total=order.grand_total,
        ship_province=order.ship_province,
        other_province=order.billing_province,
        orders_same_address_24h=counts.get("address", 1),
        orders_same_phone_24h=counts.get("phone", 1),
        orders_same_ip_24h=counts.get("ip", 0),
        blacklisted_email=(BlacklistEntry.Kind.EMAIL, keys[BlacklistEntry.Kind.EMAIL]) in listed,
        blacklisted_phone=(BlacklistEntry.Kind.PHONE, keys[BlacklistEntry.Kind.PHONE]) in listed,
        blacklisted_address=(BlacklistEntry.Kind.ADDRESS, keys[BlacklistEntry.Kind.ADDRESS]) in listed,
    )


def _facts_and_thresholds(order: Order) -> tuple[ReviewFacts, ReviewThresholds]:
    """What facts_for and get_review_settings read, for a just-written order, in one statement:
    the counts of the last 24 hours (one indexed subquery per address, phone and IP), the
    blacklist matches and the thresholds row (a checkout's review costs one round trip)."""
    ops, q = connection.ops, connection.ops.quote_name
    orders, blacklist = q(Order._meta.db_table), q(BlacklistEntry._meta.db_table)
    since = ops.adapt_datetimefield_value(order.placed_at - timedelta(hours=24))
    until = ops.adapt_datetimefield_value(order.placed_at)
    columns: list[str] = []
    params: list[object] = []
    counted = []
    for name, column, value in (
        ("address", "address_key", order.address_key),
        ("phone", "phone_key", order.phone_key),
        (
            "ip",
            "ip_address",
            Order._meta.get_field("ip_address").get_db_prep_value(order.ip_address, connection)
            if order.ip_address
            else None,
        ),
    ):
        if value:
            columns.append(
                f"(SELECT COUNT(*) FROM {orders} WHERE {q(column)} = %s AND {q('placed_at')} >= %s"
                f" AND {q('placed_at')} <= %s AND {q('status')} <> %s)"
            )
            params += [value, since, until, Order.Status.CANCELLED.value]
            counted.append(name)
    keys = {
        BlacklistEntry.Kind.EMAIL: order.email.strip().lower(),
        BlacklistEntry.Kind.PHONE: order.phone_key,
        BlacklistEntry.Kind.ADDRESS: order.address_key,
    }
    for kind, key in keys.items():
        columns.append(f"(SELECT COUNT(*) FROM {blacklist} WHERE {q('kind')} = %s AND {q('key')} = %s)")
        params += [kind.value, key]
    setting_columns = ("id", *(f for f in SETTING_FIELDS))
    columns += [f"s.{q(f)}" for f in setting_columns]
    sql = (
        f"SELECT {', '.join(columns)} FROM (SELECT 1 AS one) AS x"
        f" LEFT JOIN {q(ReviewSettings._meta.db_table)} AS s ON s.{q('id')} = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    counts = dict(zip(counted, row[: len(counted)], strict=True))
    listed = [bool(n) for n in row[len(counted) : len(counted) + 3]]
    stored = row[len(counted) + 3 :]
    if stored[0] is None:  # no row yet: the defaults
        thresholds = thresholds_of(ReviewSettings(pk=1))
    else:
        high, per_address, per_phone, per_ip, far_apart = stored[1:]
        thresholds = ReviewThresholds(
            high_value_over=None if high is None else Decimal(str(high)).quantize(Decimal("0.01")),
            max_orders_per_address_per_day=int(per_address),
            max_orders_per_phone_per_day=int(per_phone),
            max_orders_per_ip_per_day=int(per_ip),
            check_far_apart=bool(far_apart),
        )
    facts = ReviewFacts(
        grand_total=order.grand_total,
        ship_province=order.ship_province,
        other_province=order.billing_province,
        orders_same_address_24h=counts.get("address", 1),
        orders_same_phone_24h=counts.get("phone", 1),
        orders_same_ip_24h=counts.get("ip", 0),
        blacklisted_email=bool(keys[BlacklistEntry.Kind.EMAIL]) and listed[0],
        blacklisted_phone=bool(keys[BlacklistEntry.Kind.PHONE]) and listed[1],
        blacklisted_address=bool(keys[BlacklistEntry.Kind.ADDRESS]) and listed[2],
    )
    return facts, thresholds


def review_placed_order(order: Order) -> list[dict]:
    """Run the risk rules on a just-written order and hold it when any fires. Returns the reasons."""
    reasons = [r.as_dict() for r in evaluate_review_rules(*_facts_and_thresholds(order))]
    if reasons:
        hold_order(order=order, reasons=reasons)
    return reasons
