"""Writes planned orders in chunks: one transaction per chunk, one multi-row INSERT per table.

An `OrderPlan` is plain data; the writer turns a chunk of them into rows: the customers seen
for the first time, the orders, then everything that points at an order (lines, history,
payments, shipments, audit entries), plus the stock ledger rows and reservations gathered
meanwhile. Memory stays bounded by the chunk size, whatever the number of orders.

These tables take hundreds of thousands of rows, so they are written with `executemany` of
one prepared INSERT (`Table`) rather than `bulk_create`, whose per-value SQL compilation was
three quarters of the run time. Values go through each field's own `get_db_prep_save` (the
conversion `bulk_create` applies), ids are given by the writer, and `restart_id_sequences`
moves PostgreSQL's sequences past them afterwards.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Max

from dianpu.audit.models import AuditEntry
from dianpu.customers.models import Customer
from dianpu.fulfillment.models import Shipment, TrackingEvent
from dianpu.inventory.models import Reservation, StockMove
from dianpu.orders.models import Order, OrderHistory, OrderLine
from dianpu.orders.services import LineInput
from dianpu.payments.models import Payment, Refund
from dianpu.promotions.models import CouponRedemption, OrderDiscount

from .people import Person
from .stock import Move


@dataclass
class HistoryPlan:
    action: str
    from_status: str
    to_status: str
    actor_id: int | None
    actor_label: str
    reason: str
    at: datetime


@dataclass
class OrderPlan:
    fields: dict  # Order columns
    customer_index: int | None
    person: Person
    lines: list[LineInput]  # the checkout's own line snapshot
    history: list[HistoryPlan]
    payment: dict | None = None  # Payment columns but the order
    shipment: dict | None = None  # Shipment columns but the order, and "events": TrackingEvent columns
    refund: dict | None = None  # Refund columns but the order and payment
    line_discounts: list | None = None  # per line, its share of the order's discount
    discount: dict | None = None  # OrderDiscount columns but the order
    redemption: dict | None = None  # CouponRedemption columns but the order
    reservations: list[dict] = field(default_factory=list)  # Reservation columns


# Field types whose Python values the database drivers take as they are.
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}
TEXT_TYPES = {"CharField", "EmailField", "SlugField", "TextField"}
WRITTEN_MODELS = (
    Customer,
    Order,
    OrderLine,
    OrderHistory,
    AuditEntry,
    Payment,
    Refund,
    Shipment,
    TrackingEvent,
    Reservation,
    StockMove,
    OrderDiscount,
    CouponRedemption,
)


class Table:
    """INSERT rows of one model: `insert([{attname: value}, ...])` -> the ids given to them.
    Columns left out get the field's default, as the ORM would."""

    def __init__(self, model):
        self.model = model
        fields = model._meta.concrete_fields
        db = connections[DEFAULT_DB_ALIAS]  # the real connection, looked up once (not per value)
        quote = db.ops.quote_name
        self.pk = model._meta.pk.attname
        self.columns = []
        for f in fields:
            kind = f.target_field.get_internal_type() if f.is_relation else f.get_internal_type()
            if kind in TEXT_TYPES:
                prepare = str  # choices enums become their plain value
            elif kind in PLAIN_TYPES:
                prepare = None
            elif kind == "DateTimeField":
                prepare = db.ops.adapt_datetimefield_value  # values here are always aware
            else:
                prepare = lambda value, f=f: f.get_db_prep_save(value, db)  # noqa: E731 (stored per column)
            default = f.get_default()
            self.columns.append((f.attname, default, prepare))
        self.sql = "INSERT INTO %s (%s) VALUES (%s)" % (
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        self.next_id = None

    def insert(self, rows: list[dict]) -> list[int]:
        if not rows:
            return []
        if self.next_id is None:
            self.next_id = (self.model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        ids = list(range(self.next_id, self.next_id + len(rows)))
        self.next_id += len(rows)
        params = []
        for row_id, row in zip(ids, rows, strict=True):
            row[self.pk] = row_id
            values = []
            for attname, default, prepare in self.columns:
                value = row.get(attname, default)
                values.append(value if prepare is None or value is None else prepare(value))
            params.append(values)
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, params)
        return ids


def restart_id_sequences() -> None:
    """After rows were given explicit ids: PostgreSQL's sequences continue after the largest.
    (SQLite's AUTOINCREMENT follows by itself; the statement list is empty there.)"""
    statements = connection.ops.sequence_reset_sql(no_style(), WRITTEN_MODELS)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _event_key(event: dict) -> str:
    """As fulfillment.domain.tracking.TrackingEventIn.key: the same scan sent twice is stored once."""
    text = "|".join((event["status"], event["occurred_at"].isoformat(), event["location"], event["description"]))
    return hashlib.sha256(text.encode()).hexdigest()


class ChunkWriter:
    def __init__(self, *, warehouse_id: int, variant_ids: list[int], chunk_size: int = 2000):
        self.warehouse_id = warehouse_id
        self.variant_ids = variant_ids
        self.chunk_size = chunk_size
        self.orders: list[OrderPlan] = []
        self.moves: list[Move] = []
        self.customer_ids: dict[int, int] = {}
        self.counts = dict.fromkeys(
            (
                "customers",
                "orders",
                "order lines",
                "history rows",
                "audit entries",
                "payments",
                "refunds",
                "shipments",
                "parcel scans",
                "reservations",
                "coupon redemptions",
                "stock moves",
            ),
            0,
        )
        self.tables = {model: Table(model) for model in WRITTEN_MODELS}

    def add_order(self, plan: OrderPlan) -> None:
        self.orders.append(plan)
        if len(self.orders) >= self.chunk_size:
            self.flush()

    def add_move(self, move: Move) -> None:
        self.moves.append(move)
        if len(self.moves) >= self.chunk_size * 4:
            self.flush()

    def _insert(self, model, rows: list[dict], name: str) -> list[int]:
        self.counts[name] += len(rows)
        return self.tables[model].insert(rows)

    def flush(self) -> None:
        if not self.orders and not self.moves:
            return
        with transaction.atomic():
            self._write_customers()
            self._write_orders()
            self._write_moves()
        self.orders, self.moves = [], []

    @staticmethod
    def _customer_row(person: Person, at: datetime) -> dict:
        return dict(email=person.email, name=person.name, phone=person.phone, language=person.language, created_at=at)

    def _write_customers(self) -> None:
        new: dict[int, dict] = {}
        for plan in self.orders:
            index = plan.customer_index
            if index is not None and index not in self.customer_ids and index not in new:
                new[index] = self._customer_row(plan.person, plan.fields["placed_at"])
        ids = self._insert(Customer, list(new.values()), "customers")
        self.customer_ids.update(zip(new, ids, strict=True))

    def write_customers_without_orders(self, people: list[tuple[int, Person, datetime]]) -> None:
        rows = [self._customer_row(p, at) for index, p, at in people if index not in self.customer_ids]
        for start in range(0, len(rows), self.chunk_size):
            with transaction.atomic():
                self._insert(Customer, rows[start : start + self.chunk_size], "customers")

    def _write_orders(self) -> None:
        if not self.orders:
            return
        rows = []
        for plan in self.orders:
            row = dict(plan.fields)
            row["customer_id"] = self.customer_ids.get(plan.customer_index) if plan.customer_index is not None else None
            rows.append(row)
        order_ids = self._insert(Order, rows, "orders")
        lines, history, audit, payments, shipments, reservations = [], [], [], [], [], []
        refunds, tracking, discounts, redemptions = [], [], [], []
        for plan, oid in zip(self.orders, order_ids, strict=True):
            number = plan.fields["number"]
            shares = plan.line_discounts or [0] * len(plan.lines)
            lines.extend(
                dict(
                    order_id=oid,
                    variant_id=ln.variant_id,
                    product_id_snapshot=ln.product_id,
                    sku=ln.sku,
                    product_name=ln.product_name[:120],
                    variant_label=ln.variant_label[:120],
                    unit_price=ln.unit_price,
                    quantity=ln.quantity,
                    line_total=ln.unit_price * ln.quantity,
                    discount_total=share,
                )
                for ln, share in zip(plan.lines, shares, strict=True)
            )
            if plan.discount:
                discounts.append(dict(plan.discount, order_id=oid))
                redemptions.append(dict(plan.redemption, order_id=oid))
            for h in plan.history:
                history.append(
                    dict(
                        order_id=oid,
                        action=h.action,
                        from_status=h.from_status,
                        to_status=h.to_status,
                        actor_id=h.actor_id,
                        actor_label=h.actor_label,
                        reason=h.reason[:500],
                        created_at=h.at,
                    )
                )
                if h.from_status:  # transitions are audited; placing is not (as in orders.services)
                    audit.append(
                        dict(
                            actor_id=h.actor_id,
                            actor_label=h.actor_label,
                            action="order.transitioned",
                            object_type="orders.order",
                            object_id=str(oid),
                            object_repr=number,
                            changes={"status": [h.from_status, h.to_status]},
                            reason=h.reason[:500],
                            ip_address=None,
                            created_at=h.at,
                        )
                    )
            if plan.payment:
                payments.append(dict(plan.payment, order_id=oid))
                if plan.refund:
                    refunds.append((len(payments) - 1, dict(plan.refund, order_id=oid)))
                    audit.append(
                        dict(
                            actor_id=plan.refund["created_by_id"],
                            actor_label="agent",
                            action="payment.refunded",
                            object_type="payments.refund",
                            object_id="",
                            object_repr=f"{number} ¥{plan.refund['amount']}",
                            changes={"amount": [None, str(plan.refund["amount"])], "status": [None, "succeeded"]},
                            reason=plan.refund["reason"],
                            ip_address=None,
                            created_at=plan.refund["created_at"],
                        )
                    )
            if plan.shipment:
                shipment = dict(plan.shipment, order_id=oid)
                tracking.append(shipment.pop("events", []))
                shipments.append(shipment)
            reservations.extend(dict(r, reference=number) for r in plan.reservations)
        self._insert(OrderLine, lines, "order lines")
        self._insert(OrderHistory, history, "history rows")
        self._insert(AuditEntry, audit, "audit entries")
        payment_ids = self._insert(Payment, payments, "payments")
        self._insert(Refund, [dict(r, payment_id=payment_ids[i]) for i, r in refunds], "refunds")
        shipment_ids = self._insert(Shipment, shipments, "shipments")
        self._insert(
            TrackingEvent,
            [
                dict(e, shipment_id=sid, key=_event_key(e))
                for sid, events in zip(shipment_ids, tracking, strict=True)
                for e in events
            ],
            "parcel scans",
        )
        self._insert(Reservation, reservations, "reservations")
        self._insert(OrderDiscount, discounts, "coupon redemptions")
        self.tables[CouponRedemption].insert(redemptions)

    def _write_moves(self) -> None:
        self._insert(
            StockMove,
            [
                dict(
                    variant_id=self.variant_ids[m.sku],
                    warehouse_id=self.warehouse_id,
                    kind=m.kind,
                    on_hand_delta=m.on_hand_delta,
                    reserved_delta=m.reserved_delta,
                    reference=m.reference,
                    reason=m.reason,
                    actor_id=m.actor_id,
                    created_at=m.at,
                )
                for m in self.moves
            ],
            "stock moves",
        )
