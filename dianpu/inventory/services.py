"""Stock use cases. Every change is a conditional single-statement UPDATE plus ledger rows.

The conditions (`on_hand >= reserved + n`, `state = 'active'`) are what make these safe when
many checkouts race: the database decides, row by row; a row that does not match means
someone else got there first, and the whole placement rolls back.
"""

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from dianpu import events
from dianpu.audit.services import record_audit
from dianpu.catalog.models import Product, Variant
from dianpu.core import clock
from dianpu.core.actors import Actor, person_of
from dianpu.core.errors import DomainError

from . import summaries
from .domain.allocation import AllocationPlan, LevelSnapshot, plan_allocation
from .domain.costing import calculate_moving_average_cost
from .messages import ADJUSTMENT_REASONS, MESSAGES
from .models import Reservation, StockLevel, StockMove, Stocktake, StocktakeLine, Warehouse

if TYPE_CHECKING:
    from django.db.models import Model

    from dianpu.catalog.models import Category
    from dianpu.catalog.services import VariantInput

PLAN_ATTEMPTS = 3


class InsufficientStockError(DomainError):
    code = "out_of_stock"
    status = 409

    def __init__(self, sku: str, available: int, short_skus: list[str] | None = None):
        super().__init__(
            str(MESSAGES["out_of_stock"]) % {"sku": sku, "available": max(0, available)},
            sku=sku,
            available=max(0, available),
            short_skus=short_skus or [sku],
        )


def get_default_warehouse() -> Warehouse:
    warehouse = Warehouse.objects.filter(is_default=True).first() or Warehouse.objects.first()
    if warehouse is None:
        warehouse = Warehouse.objects.create(code="main", name=_("主仓"), is_default=True)
    return warehouse


def _snapshot(variant_ids: Iterable[int]) -> list[LevelSnapshot]:
    return [
        LevelSnapshot(pk, variant_id, warehouse_id, on_hand - reserved, is_default)
        for pk, variant_id, warehouse_id, on_hand, reserved, is_default in StockLevel.objects.filter(
            variant_id__in=variant_ids
        ).values_list("id", "variant_id", "warehouse_id", "on_hand", "reserved", "warehouse__is_default")
    ]


def _short_error(short: dict[int, int], wanted: dict[int, int]) -> InsufficientStockError:
    skus = dict(Variant.objects.filter(pk__in=short).values_list("pk", "sku"))
    first = min(short)
    return InsufficientStockError(
        skus.get(first, str(first)), wanted[first] - short[first], short_skus=sorted(skus.values())
    )


def reserve_stock(
    *, reference: str, wanted: dict[int, int], expires_at: datetime | None = None, actor: Actor = None
) -> list[Reservation]:
    """Hold `wanted` (variant id -> units) for `reference`, or raise InsufficientStockError
    naming the short SKU and change nothing. In the caller's transaction when there is one (a
    checkout's: no savepoint, a lost race undoes its own updates), else in its own."""
    if transaction.get_connection().in_atomic_block:
        return _reserve(reference, wanted, expires_at, actor)
    with transaction.atomic():
        return _reserve(reference, wanted, expires_at, actor)


def _reserve(reference: str, wanted: dict[int, int], expires_at: datetime | None, actor: Actor) -> list[Reservation]:
    for attempt in range(PLAN_ATTEMPTS):
        plan = plan_allocation(wanted, _snapshot(wanted.keys()))
        if not plan.is_complete:
            raise _short_error(plan.short, wanted)
        try:
            return _apply_plan(plan, reference, expires_at, actor)
        except _LostRace:
            if attempt == PLAN_ATTEMPTS - 1:
                # Re-read to name what is short now.
                plan = plan_allocation(wanted, _snapshot(wanted.keys()))
                raise _short_error(plan.short or {min(wanted): wanted[min(wanted)]}, wanted) from None
    raise AssertionError("unreachable")


class _LostRace(Exception):
    pass


def _hold_levels(plan: AllocationPlan) -> None:
    """Add each allocation to its level's reserved units by a conditional UPDATE (`on_hand >=
    reserved + n`, in primary-key order). A row that does not match lost a race: the rows already
    raised are lowered again (this transaction holds them: exactly undone) and _LostRace is
    raised, with nothing else written yet."""
    held: list[tuple[int, int]] = []
    for a in plan.allocations:
        updated = StockLevel.objects.filter(pk=a.level_id, on_hand__gte=F("reserved") + a.quantity).update(
            reserved=F("reserved") + a.quantity
        )
        if updated != 1:
            for level_id, quantity in held:
                StockLevel.objects.filter(pk=level_id).update(reserved=F("reserved") - quantity)
            raise _LostRace()
        held.append((a.level_id, a.quantity))


def _apply_plan(plan: AllocationPlan, reference: str, expires_at: datetime | None, actor: Actor) -> list[Reservation]:
    now = clock.now()
    _hold_levels(plan)
    _summarize(
        StockMove.objects.bulk_create(
            [
                StockMove(
                    variant_id=a.variant_id,
                    warehouse_id=a.warehouse_id,
                    kind=StockMove.Kind.RESERVE,
                    reserved_delta=a.quantity,
                    reference=reference,
                    actor=person_of(actor),
                    created_at=now,
                )
                for a in plan.allocations
            ]
        )
    )
    return Reservation.objects.bulk_create(
        [
            Reservation(
                reference=reference,
                stock_level_id=a.level_id,
                quantity=a.quantity,
                created_at=now,
                expires_at=expires_at,
            )
            for a in plan.allocations
        ]
    )


def _summarize(moves: Iterable[StockMove]) -> None:
    """Carry ledger rows just written into the maintained per-SKU summary (same transaction)."""
    summaries.record_moves(
        [summaries.MoveFact(m.variant_id, m.kind, m.on_hand_delta, m.reserved_delta, m.created_at) for m in moves]
    )


def _settle(reference: str, to_state: str, kind: str, actor: Actor, reason: str) -> int:
    """Move every active reservation of `reference` to `to_state`; returns units moved."""
    now = clock.now()
    moved = 0
    written = []
    for r in (
        Reservation.objects.select_related("stock_level")
        .filter(reference=reference, state=Reservation.State.ACTIVE)
        .order_by("stock_level_id")
    ):
        if Reservation.objects.filter(pk=r.pk, state=Reservation.State.ACTIVE).update(state=to_state) != 1:
            continue  # settled by someone else meanwhile
        on_hand_delta = -r.quantity if to_state == Reservation.State.CONSUMED else 0
        StockLevel.objects.filter(pk=r.stock_level_id).update(
            reserved=F("reserved") - r.quantity, on_hand=F("on_hand") + on_hand_delta
        )
        written.append(
            StockMove.objects.create(
                variant_id=r.stock_level.variant_id,
                warehouse_id=r.stock_level.warehouse_id,
                kind=kind,
                on_hand_delta=on_hand_delta,
                reserved_delta=-r.quantity,
                reference=reference,
                reason=reason,
                actor=person_of(actor),
                created_at=now,
            )
        )
        moved += r.quantity
    _summarize(written)
    return moved


@transaction.atomic
def release_reservations(*, reference: str, actor: Actor = None, reason: str = "") -> int:
    """Give back what `reference` held (order cancelled). Safe to call twice."""
    return _settle(reference, Reservation.State.RELEASED, StockMove.Kind.RELEASE, actor, reason)


@transaction.atomic
def consume_reservations(*, reference: str, actor: Actor = None, reason: str = "") -> int:
    """The held units leave the warehouse (order shipped). Safe to call twice."""
    return _settle(reference, Reservation.State.CONSUMED, StockMove.Kind.SALE, actor, reason)


def _level(variant: Variant, warehouse: Warehouse | None) -> StockLevel:
    warehouse = warehouse or get_default_warehouse()
    level, _created = StockLevel.objects.get_or_create(variant=variant, warehouse=warehouse)
    return level


@transaction.atomic
def adjust_stock(
    *,
    variant: Variant,
    delta: int,
    reason: str,
    actor: Actor = None,
    warehouse: Warehouse | None = None,
    kind: str = StockMove.Kind.ADJUSTMENT,
    reference: str = "",
    ip_address: str | None = None,
) -> StockLevel:
    """Add (or with a negative delta, remove) units on hand; never below what is reserved."""
    level = _level(variant, warehouse)
    if delta == 0:
        return level
    updated = StockLevel.objects.filter(pk=level.pk, on_hand__gte=F("reserved") - delta).update(
        on_hand=F("on_hand") + delta
    )
    level.refresh_from_db()
    if updated != 1:
        raise DomainError(
            str(MESSAGES["stock_negative"]) % {"reserved": level.reserved},
            code="stock_negative",
            status=422,
            sku=variant.sku,
        )
    _summarize(
        [
            StockMove.objects.create(
                variant=variant,
                warehouse=level.warehouse,
                kind=kind,
                on_hand_delta=delta,
                reference=reference,
                reason=reason[:200],
                actor=person_of(actor),
                created_at=clock.now(),
            )
        ]
    )
    record_audit(
        actor=actor,
        action="stock.adjusted",
        object_type="catalog.variant",
        object_id=str(variant.pk),
        object_repr=f"{variant.sku} @ {level.warehouse.code}",
        changes={"on_hand": (level.on_hand - delta, level.on_hand)},
        reason=reason,
        ip_address=ip_address,
    )
    return level


def set_on_hand(
    *,
    variant: Variant,
    quantity: int,
    reason: str,
    actor: Actor = None,
    warehouse: Warehouse | None = None,
    ip_address: str | None = None,
) -> StockLevel:
    """Make on-hand equal `quantity` (a count or an edit in the console), as one ledger adjustment."""
    if quantity < 0:
        raise DomainError(MESSAGES["quantity_invalid"], code="quantity_invalid", status=422, sku=variant.sku)
    with transaction.atomic():
        level = _level(variant, warehouse)
        # Compare-and-set: the delta is computed from the value the UPDATE checks.
        for _attempt in range(5):
            current = StockLevel.objects.values_list("on_hand", flat=True).get(pk=level.pk)
            if current == quantity:
                return level
            try:
                with transaction.atomic():
                    return _adjust_from(level, variant, current, quantity, reason, actor, ip_address)
            except _LostRace:
                continue
    raise DomainError(MESSAGES["stock_negative"], code="conflict", status=409)


def _adjust_from(
    level: StockLevel,
    variant: Variant,
    current: int,
    quantity: int,
    reason: str,
    actor: Actor,
    ip_address: str | None,
) -> StockLevel:
    delta = quantity - current
    updated = StockLevel.objects.filter(pk=level.pk, on_hand=current, reserved__lte=quantity).update(on_hand=quantity)
    if updated != 1:
        level.refresh_from_db()
        if level.reserved > quantity:
            raise DomainError(
                str(MESSAGES["stock_negative"]) % {"reserved": level.reserved},
                code="stock_negative",
                status=422,
                sku=variant.sku,
            )
        raise _LostRace()
    _summarize(
        [
            StockMove.objects.create(
                variant=variant,
                warehouse=level.warehouse,
                kind=StockMove.Kind.ADJUSTMENT,
                on_hand_delta=delta,
                reason=reason[:200],
                actor=person_of(actor),
                created_at=clock.now(),
            )
        ]
    )
    record_audit(
        actor=actor,
        action="stock.adjusted",
        object_type="catalog.variant",
        object_id=str(variant.pk),
        object_repr=f"{variant.sku} @ {level.warehouse.code}",
        changes={"on_hand": (current, quantity)},
        reason=reason,
        ip_address=ip_address,
    )
    level.refresh_from_db()
    return level


# --- many levels at once (product import, opening stock) --------------------------------------

BULK_CHUNK = 500
BULK_ATTEMPTS = 5


@dataclass(frozen=True)
class StockTarget:
    """Bring the level of `variant_id` in `warehouse_id` to `on_hand`."""

    variant_id: int
    warehouse_id: int
    on_hand: int


@dataclass
class StockBelowReserved:
    variant_id: int
    sku: str
    target: int
    reserved: int

    @property
    def text(self) -> str:
        return str(MESSAGES["stock_below_reserved"]) % {
            "sku": self.sku,
            "target": self.target,
            "reserved": self.reserved,
        }


class StockTargetsRefused(DomainError):
    """Some targets are below what is reserved: nothing of the call was written."""

    code = "stock_below_reserved"
    status = 422

    def __init__(self, refused: list[StockBelowReserved]):
        refused = sorted(refused, key=lambda r: r.sku)
        shown = "、".join(r.sku for r in refused[:20]) + ("…" if len(refused) > 20 else "")
        super().__init__(
            str(MESSAGES["stock_targets_below_reserved"]) % {"count": len(refused), "skus": shown},
            skus=[r.sku for r in refused],
            refused=[{"sku": r.sku, "target": r.target, "reserved": r.reserved, "detail": r.text} for r in refused],
        )
        self.refused = refused


def bulk_set_on_hand(
    *,
    targets: Iterable["StockTarget"],
    reason: str,
    reference: str = "",
    actor: Actor = None,
    ip_address: str | None = None,
) -> int:
    """Bring many stock levels to their target on-hand with set-based SQL; returns how many changed.

    All or nothing, in the caller's transaction (or its own): missing levels are inserted in bulk,
    changed ones updated by one conditional UPDATE per chunk (`on_hand` still what was read and
    `reserved <= target`, so a reservation landing meanwhile is never undercut), and every change
    gets one `adjustment` ledger row, so the ledger still sums to every level. Unchanged levels
    write nothing. A target below what is reserved raises StockTargetsRefused naming every such
    SKU, and nothing is written."""
    wanted: dict[tuple[int, int], int] = {}
    for t in targets:
        if isinstance(t.on_hand, bool) or not isinstance(t.on_hand, int) or t.on_hand < 0:
            raise DomainError(
                MESSAGES["quantity_invalid"], code="quantity_invalid", status=422, variant_id=t.variant_id
            )
        wanted[(t.variant_id, t.warehouse_id)] = t.on_hand
    if not wanted:
        return 0
    now, person, reason, reference = clock.now(), person_of(actor), (reason or "")[:200], (reference or "")[:40]
    moves: list[tuple[int, int, int]] = []  # (variant, warehouse, on-hand delta)
    refused: list[StockBelowReserved] = []
    with transaction.atomic():
        keys = list(wanted)
        for start in range(0, len(keys), BULK_CHUNK):
            chunk = {k: wanted[k] for k in keys[start : start + BULK_CHUNK]}
            _bulk_set_chunk(chunk, moves, refused)
        if refused:
            raise StockTargetsRefused(_name_refused(refused))
        adjustment, actor_id = StockMove.Kind.ADJUSTMENT, person.pk if person else None  # read once, not per row
        _insert_many(
            StockMove,
            [
                {
                    "variant_id": v,
                    "warehouse_id": w,
                    "kind": adjustment.value,
                    "on_hand_delta": delta,
                    "reference": reference,
                    "reason": reason,
                    "actor_id": actor_id,
                    "created_at": now,
                }
                for v, w, delta in moves
            ],
        )
        summaries.record_moves([summaries.MoveFact(v, adjustment, delta, 0, now) for v, w, delta in moves])
        if moves:
            record_audit(
                actor=actor,
                action="stock.bulk_set",
                object_type="inventory.stocklevel",
                object_repr=(reference or reason)[:200],
                reason=reason,
                ip_address=ip_address,
                changes={
                    "levels_changed": (None, len(moves)),
                    "units_delta": (None, sum(delta for _v, _w, delta in moves)),
                },
            )
    return len(moves)


def _insert_many(model: "type[Model]", rows: list[dict[str, Any]], batch: int = 5000) -> None:
    """INSERT rows (field attname -> value) with one executemany per batch. Django's bulk_create
    spends most of a 100,000-row import preparing values field by field; here each column is
    prepared once when all rows share a value (defaults, the time), and plain ints and text go to
    the driver as they are. Columns the rows do not name get the field's default."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    named = set(rows[0])
    varying: list[str] = []  # columns read from each row (in this order), then the shared ones
    varying_columns: list[str] = []
    shared_columns: list[str] = []
    shared: list[Any] = []
    for f in fields:
        assert f.column is not None  # a concrete field has its column
        if f.attname in named:
            sample = rows[0][f.attname]
            if sample is None or isinstance(sample, (int, str)) and not isinstance(sample, bool):
                varying.append(f.attname)
                varying_columns.append(connection.ops.quote_name(f.column))
                continue
            value = f.get_db_prep_save(sample, connection)  # e.g. the same datetime on every row: prepared once
        else:
            value = f.get_db_prep_save(f.get_default(), connection)
        shared_columns.append(connection.ops.quote_name(f.column))
        shared.append(value)
    columns = varying_columns + shared_columns
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    read = itemgetter(*varying) if varying else (lambda _row: ())
    single = len(varying) == 1
    tail = tuple(shared)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            values = [(read(row), *tail) for row in part] if single else [read(row) + tail for row in part]
            cursor.executemany(sql, values)


def _name_refused(refused: list[StockBelowReserved]) -> list[StockBelowReserved]:
    skus: dict[int, str] = {}
    ids = [r.variant_id for r in refused]
    for start in range(0, len(ids), 2000):
        skus.update(Variant.objects.filter(pk__in=ids[start : start + 2000]).values_list("pk", "sku"))
    for r in refused:
        r.sku = skus.get(r.variant_id, str(r.variant_id))
    return refused


def _bulk_set_chunk(
    chunk: dict[tuple[int, int], int], moves: list[tuple[int, int, int]], refused: list["StockBelowReserved"]
) -> None:
    """One chunk, in a savepoint: read, insert missing levels, one conditional UPDATE. If a row
    moved between the read and the UPDATE (a reservation, a sale), the savepoint is rolled back
    and the chunk planned again from fresh values."""
    for _attempt in range(BULK_ATTEMPTS):
        levels = _read_levels(chunk)
        try:
            with transaction.atomic():
                # Once a SKU is refused the call writes nothing: later chunks are only checked.
                chunk_moves, chunk_refused = _bulk_set_attempt(chunk, levels, check_only=bool(refused))
        except _LostRace:
            continue
        moves.extend(chunk_moves)
        refused.extend(chunk_refused)
        return
    raise DomainError(MESSAGES["stock_busy"], code="conflict", status=409)


def _update_levels(rows: list[tuple[int, int, int]]) -> int:
    """One conditional UPDATE for (level id, on hand read, target) rows; returns the rows changed.
    A row changes only if its on-hand is still the value read and the target covers what is
    reserved (SQLite >= 3.33 and PostgreSQL both take UPDATE … FROM a VALUES list)."""
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    values = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS INTEGER), CAST(%s AS INTEGER))"] * len(rows))
    # VALUES columns are column1..3 in both databases: level id, on hand read, target.
    sql = (
        f"UPDATE {table} SET on_hand = wanted.column3 FROM (VALUES {values}) AS wanted "
        f"WHERE {table}.id = wanted.column1 AND {table}.on_hand = wanted.column2 "
        f"AND {table}.reserved <= wanted.column3"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
        changed: int = cursor.rowcount
        return changed


def _read_levels(chunk: dict[tuple[int, int], int]) -> dict[tuple[int, int], tuple[int, int, int]]:
    """(variant, warehouse) -> (level id, on hand, reserved) for the chunk's existing levels.
    Plain SQL over integer columns: the ORM's IN lookup prepares every id one by one."""
    variant_ids = sorted({v for v, _w in chunk})
    sql = (
        f"SELECT id, variant_id, warehouse_id, on_hand, reserved FROM "
        f"{connection.ops.quote_name(StockLevel._meta.db_table)} "
        f"WHERE variant_id IN ({', '.join(['%s'] * len(variant_ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, variant_ids)
        rows = cursor.fetchall()
    return {(v, w): (pk, on_hand, reserved) for pk, v, w, on_hand, reserved in rows if (v, w) in chunk}


def _bulk_set_attempt(
    chunk: dict[tuple[int, int], int], levels: dict[tuple[int, int], tuple[int, int, int]], check_only: bool = False
) -> tuple[list[tuple[int, int, int]], list["StockBelowReserved"]]:
    moves: list[tuple[int, int, int]] = []  # (variant, warehouse, on-hand delta)
    refused: list[StockBelowReserved] = []
    changes: dict[int, tuple[tuple[int, int], int, int]] = {}  # level id -> (key, on hand read, target)
    # A level created meanwhile by someone else breaks the unique constraint: the caller's
    # transaction refuses the whole call.
    missing = [(v, w, q) for (v, w), q in chunk.items() if (v, w) not in levels and q > 0]
    for key, (pk, on_hand, reserved) in levels.items():
        target = chunk[key]
        if target == on_hand:
            continue
        if target < reserved:
            refused.append(StockBelowReserved(key[0], "", target, reserved))
        else:
            changes[pk] = (key, on_hand, target)
    if refused or check_only:
        return [], refused
    if missing:
        _insert_many(StockLevel, [{"variant_id": v, "warehouse_id": w, "on_hand": q} for v, w, q in missing])
        moves.extend(missing)
    if changes:
        if _update_levels([(pk, c, t) for pk, (_k, c, t) in changes.items()]) != len(changes):
            raise _LostRace()
        moves.extend((k[0], k[1], t - c) for k, c, t in changes.values())
    return moves, []


@transaction.atomic
def update_product_and_stock(
    *,
    actor: Actor,
    product: Product,
    changes: dict[str, Any],
    variant_changes: dict[str, dict[str, Any]],
    stock_by_sku: dict[str, int],
    expected_version: int | None = None,
    reason: str = "",
    ip_address: str | None = None,
    new_variants: Iterable[tuple["VariantInput", int]] = (),
) -> Product:
    """One edit of a product: its fields, its variants' prices, new SKUs (`new_variants`: pairs
    of catalog VariantInput and opening stock) and their stock, all or nothing."""
    from dianpu.catalog.services import add_variant, update_product

    product = update_product(
        actor=actor,
        product=product,
        changes=changes,
        variant_changes=variant_changes,
        expected_version=expected_version,
        reason=reason,
        ip_address=ip_address,
    )
    for variant_input, opening in new_variants:
        variant = add_variant(actor=actor, product=product, variant=variant_input)
        if opening:
            set_on_hand(
                variant=variant,
                quantity=opening,
                reason=reason or _("新增 SKU 期初库存"),
                actor=actor,
                ip_address=ip_address,
            )
    variants = {v.sku: v for v in product.variants.all()}
    for sku, quantity in stock_by_sku.items():
        if sku not in variants:
            raise DomainError(code="unknown_sku", status=422, sku=sku, detail=_("未知的 SKU：%(sku)s") % {"sku": sku})
        set_on_hand(
            variant=variants[sku], quantity=quantity, reason=reason or _("商品编辑"), actor=actor, ip_address=ip_address
        )
    return product


@transaction.atomic
def create_product_with_stock(
    *, actor: Actor, stock_by_sku: dict[str, int], ip_address: str | None = None, **product_fields: Any
) -> Product:
    """Create a product (catalog.services.create_product) and its opening stock, all or nothing."""
    from dianpu.catalog.services import create_product

    product = create_product(actor=actor, **product_fields)
    for variant in product.variants.all():
        quantity = stock_by_sku.get(variant.sku, 0)
        if quantity:
            set_on_hand(
                variant=variant, quantity=quantity, reason=_("新建商品期初库存"), actor=actor, ip_address=ip_address
            )
    return product


# --- warehouses, safety stock, adjustments with reasons, transfers -------------------------

WAREHOUSE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def _check_quantity(quantity: object, *, allow_zero: bool = False) -> int:
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or quantity < 0
        or (quantity == 0 and not allow_zero)
    ):
        raise DomainError(MESSAGES["quantity_invalid"], code="quantity_invalid", status=422)
    return quantity


@transaction.atomic
def create_warehouse(
    *, actor: Actor, code: str, name: str, is_default: bool = False, name_en: str = "", ip_address: str | None = None
) -> Warehouse:
    code, name, name_en = (code or "").strip(), (name or "").strip(), (name_en or "").strip()
    if not WAREHOUSE_CODE.match(code):
        raise DomainError(MESSAGES["warehouse_code_invalid"], code="warehouse_code_invalid", status=422)
    if not name:
        raise DomainError(MESSAGES["name_required"], code="name_required", status=422)
    try:
        with transaction.atomic():
            if is_default:
                Warehouse.objects.filter(is_default=True).update(is_default=False)
            warehouse = Warehouse.objects.create(
                code=code, name=name[:100], name_en=name_en[:100], is_default=is_default
            )
    except IntegrityError:
        raise DomainError(
            str(MESSAGES["warehouse_code_taken"]) % {"code": code}, code="warehouse_code_taken", status=409
        ) from None
    record_audit(actor=actor, action="warehouse.created", obj=warehouse, ip_address=ip_address)
    return warehouse


@transaction.atomic
def set_safety_stock(
    *, actor: Actor, variant: Variant, warehouse: Warehouse, safety_stock: int, ip_address: str | None = None
) -> StockLevel:
    if isinstance(safety_stock, bool) or not isinstance(safety_stock, int) or safety_stock < 0:
        raise DomainError(MESSAGES["safety_stock_invalid"], code="safety_stock_invalid", status=422)
    level = _level(variant, warehouse)
    old = StockLevel.objects.select_for_update().values_list("safety_stock", flat=True).get(pk=level.pk)
    StockLevel.objects.filter(pk=level.pk).update(safety_stock=safety_stock)
    summaries.add_safety_stock(variant.pk, safety_stock - old)
    level.refresh_from_db()
    if old != safety_stock:
        record_audit(
            actor=actor,
            action="stock.safety_stock_set",
            object_type="catalog.variant",
            object_id=str(variant.pk),
            object_repr=f"{variant.sku} @ {warehouse.code}",
            changes={"safety_stock": (old, safety_stock)},
            ip_address=ip_address,
        )
    return level


def record_adjustment(
    *,
    actor: Actor,
    variant: Variant,
    warehouse: Warehouse,
    delta: int,
    reason_code: str,
    note: str = "",
    ip_address: str | None = None,
) -> StockLevel:
    """A hand adjustment (报损, 盘盈, 更正 …) with one of ADJUSTMENT_REASONS; never below reserved."""
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise DomainError(MESSAGES["quantity_invalid"], code="quantity_invalid", status=422)
    if reason_code not in ADJUSTMENT_REASONS:
        raise DomainError(MESSAGES["reason_required"], code="reason_required", status=422)
    with translation.override(settings.LANGUAGE_CODE):  # ledger text in the shop's language, whoever types
        label = str(ADJUSTMENT_REASONS[reason_code])
    reason = f"{label}: {note.strip()}" if note and note.strip() else label
    return adjust_stock(
        variant=variant, delta=delta, reason=reason, actor=actor, warehouse=warehouse, ip_address=ip_address
    )


def _reference(prefix: str) -> str:
    return f"{prefix}{clock.now():%y%m%d}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def transfer_stock(
    *,
    actor: Actor,
    variant: Variant,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    quantity: int,
    reason: str = "",
    ip_address: str | None = None,
) -> str:
    """Move units between warehouses: only what is available (on hand − reserved) may leave.
    Both legs and their two ledger rows commit together; returns the transfer reference."""
    _check_quantity(quantity)
    if from_warehouse.pk == to_warehouse.pk:
        raise DomainError(MESSAGES["same_warehouse"], code="same_warehouse", status=422)
    source = _level(variant, from_warehouse)
    target = _level(variant, to_warehouse)
    # Lock both rows in primary-key order, so opposite transfers cannot deadlock (PostgreSQL).
    list(StockLevel.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk"))
    taken = StockLevel.objects.filter(pk=source.pk, on_hand__gte=F("reserved") + quantity).update(
        on_hand=F("on_hand") - quantity
    )
    if taken != 1:
        source.refresh_from_db()
        raise DomainError(
            str(MESSAGES["transfer_short"])
            % {"sku": variant.sku, "warehouse": from_warehouse.name, "available": max(0, source.available)},
            code="transfer_short",
            status=409,
            sku=variant.sku,
            available=max(0, source.available),
        )
    StockLevel.objects.filter(pk=target.pk).update(on_hand=F("on_hand") + quantity)
    reference = _reference("TR")
    now = clock.now()
    reason = (reason or "").strip()[:150]
    _summarize(
        StockMove.objects.bulk_create(
            [
                StockMove(
                    variant=variant,
                    warehouse=from_warehouse,
                    kind=StockMove.Kind.TRANSFER,
                    on_hand_delta=-quantity,
                    reference=reference,
                    reason=reason or f"→ {to_warehouse.code}",
                    actor=person_of(actor),
                    created_at=now,
                ),
                StockMove(
                    variant=variant,
                    warehouse=to_warehouse,
                    kind=StockMove.Kind.TRANSFER,
                    on_hand_delta=quantity,
                    reference=reference,
                    reason=reason or f"← {from_warehouse.code}",
                    actor=person_of(actor),
                    created_at=now,
                ),
            ]
        )
    )
    record_audit(
        actor=actor,
        action="stock.transferred",
        object_type="catalog.variant",
        object_id=str(variant.pk),
        object_repr=f"{variant.sku} {from_warehouse.code} → {to_warehouse.code}",
        changes={"quantity": ("", quantity)},
        reason=reason or reference,
        ip_address=ip_address,
    )
    return reference


def _parse_cost(unit_cost: object) -> Decimal:
    try:
        cost = Decimal(str(unit_cost))
    except (InvalidOperation, ValueError):
        raise DomainError(MESSAGES["cost_invalid"], code="cost_invalid", status=422) from None
    if not cost.is_finite() or cost < 0:
        raise DomainError(MESSAGES["cost_invalid"], code="cost_invalid", status=422)
    return cost.quantize(Decimal("0.01"))


@transaction.atomic
def receive_stock(
    *,
    actor: Actor,
    variant: Variant,
    warehouse: Warehouse,
    quantity: int,
    unit_cost: object,
    reference: str,
    reason: str = "",
) -> StockLevel:
    """Goods in (a purchase-order receipt): on hand +quantity, a `receipt` ledger row, and the
    SKU's cost becomes the moving average of what was on hand (all warehouses) and what arrived."""
    from dianpu.catalog.services import set_variant_cost_price

    _check_quantity(quantity)
    cost = _parse_cost(unit_cost)
    # Lock the SKU row so two receipts of one SKU average one after the other (PostgreSQL);
    # SQLite's write lock is taken when the transaction begins.
    current_cost = Variant.objects.select_for_update().values_list("cost_price", flat=True).get(pk=variant.pk)
    held = sum(StockLevel.objects.filter(variant=variant).values_list("on_hand", flat=True))
    level = _level(variant, warehouse)
    StockLevel.objects.filter(pk=level.pk).update(on_hand=F("on_hand") + quantity)
    _summarize(
        [
            StockMove.objects.create(
                variant=variant,
                warehouse=warehouse,
                kind=StockMove.Kind.RECEIPT,
                on_hand_delta=quantity,
                reference=reference[:40],
                reason=reason[:200],
                actor=person_of(actor),
                created_at=clock.now(),
            )
        ]
    )
    new_cost = calculate_moving_average_cost(held, current_cost, quantity, cost)
    set_variant_cost_price(
        variant_id=variant.pk, cost_price=new_cost, actor=actor, reason=f"{reference} +{quantity} @ {cost}"
    )
    events.publish(events.StockReceived(variant.pk, warehouse.pk, quantity, cost, reference[:40], clock.now()))
    level.refresh_from_db()
    return level


# --- low-stock alerts -----------------------------------------------------------------------


@transaction.atomic
def flag_low_stock_crossings() -> list[int]:
    """Levels that fell to or below their safety stock since the last run: flag them and return
    their ids (each crossing is reported once); levels back above safety stock are unflagged."""
    low = Q(safety_stock__gt=0) & Q(on_hand__lte=F("reserved") + F("safety_stock"))
    StockLevel.objects.filter(low_stock_alerted=True).exclude(low).update(low_stock_alerted=False)
    ids = list(StockLevel.objects.filter(low, low_stock_alerted=False).order_by("pk").values_list("pk", flat=True))
    flagged = []
    for pk in ids:  # conditional: two runs at once report a crossing once
        if StockLevel.objects.filter(pk=pk, low_stock_alerted=False).update(low_stock_alerted=True) == 1:
            flagged.append(pk)
    return flagged


# --- stocktake (盘点) -------------------------------------------------------------------------


@transaction.atomic
def open_stocktake(
    *, actor: Actor, warehouse: Warehouse, category: "Category | None" = None, note: str = ""
) -> Stocktake:
    """A count sheet of every active SKU of `warehouse` (or of one category and its children),
    with the units the books expect now."""
    from dianpu.catalog.queries import category_and_descendant_ids

    variants = Variant.objects.filter(is_active=True)
    if category is not None:
        variants = variants.filter(product__category_id__in=category_and_descendant_ids(category))
    on_hand = dict(
        StockLevel.objects.filter(warehouse=warehouse, variant__in=variants).values_list("variant_id", "on_hand")
    )
    now = clock.now()
    stocktake = Stocktake.objects.create(
        number=_reference("ST"),
        warehouse=warehouse,
        category=category,
        note=(note or "")[:200],
        created_by=person_of(actor),
        created_at=now,
    )
    StocktakeLine.objects.bulk_create(
        [
            StocktakeLine(stocktake=stocktake, variant_id=vid, expected=on_hand.get(vid, 0))
            for vid in variants.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000)
        ],
        batch_size=2000,
    )
    record_audit(actor=actor, action="stocktake.opened", obj=stocktake, object_repr=stocktake.number)
    return stocktake


def _find_count_line(stocktake: Stocktake, code: str) -> StocktakeLine:
    code = (code or "").strip()
    line = None
    if code:
        lines = StocktakeLine.objects.filter(stocktake=stocktake).select_related("variant")
        line = lines.filter(variant__sku=code).first() or lines.filter(variant__barcode=code).first()
    if line is None:
        raise DomainError(
            str(MESSAGES["unknown_code"]) % {"code": code}, code="unknown_code", status=422, sku_or_barcode=code
        )
    return line


@transaction.atomic
def record_count(*, actor: Actor, stocktake: Stocktake, code: str, quantity: int, add: bool = False) -> StocktakeLine:
    """Enter the counted units of the SKU whose code or barcode is `code` (`add`: a scan adds
    to what was counted so far)."""
    _check_quantity(quantity, allow_zero=not add)
    line = _find_count_line(stocktake, code)
    value = (Coalesce(F("counted"), 0) + quantity) if add else quantity
    updated = StocktakeLine.objects.filter(pk=line.pk, stocktake__status=Stocktake.Status.OPEN).update(
        counted=value, counted_at=clock.now()
    )
    if updated != 1:
        raise DomainError(
            str(MESSAGES["stocktake_closed"]) % {"number": stocktake.number}, code="stocktake_closed", status=409
        )
    line.refresh_from_db()
    return line


@transaction.atomic
def post_stocktake(*, actor: Actor, stocktake: Stocktake, ip_address: str | None = None) -> int:
    """Post every counted line's variance as a `stocktake` ledger row, all or nothing. The
    variance (counted − expected when the sheet opened) is added to today's on hand, so sales
    shipped while counting are not undone. Returns the number of lines adjusted."""
    if not StocktakeLine.objects.filter(stocktake=stocktake, counted__isnull=False).exists():
        raise DomainError(MESSAGES["stocktake_empty"], code="stocktake_empty", status=422)
    now = clock.now()
    closed = Stocktake.objects.filter(pk=stocktake.pk, status=Stocktake.Status.OPEN).update(
        status=Stocktake.Status.POSTED, posted_at=now
    )
    if closed != 1:
        raise DomainError(
            str(MESSAGES["stocktake_closed"]) % {"number": stocktake.number}, code="stocktake_closed", status=409
        )
    warehouse = stocktake.warehouse
    moves = []
    lines = (
        StocktakeLine.objects.filter(stocktake=stocktake, counted__isnull=False)
        .exclude(counted=F("expected"))
        .order_by("variant_id")
    )
    differing = list(lines.values_list("variant_id", "expected", "counted", "variant__sku"))
    # One stock row per SKU in this warehouse: found ones in one read, missing ones made in one insert.
    level_ids = dict(
        StockLevel.objects.filter(warehouse=warehouse, variant_id__in=lines.values("variant_id")).values_list(
            "variant_id", "pk"
        )
    )
    missing = [vid for vid, *_rest in differing if vid not in level_ids]
    if missing:
        StockLevel.objects.bulk_create(
            [StockLevel(variant_id=vid, warehouse=warehouse) for vid in missing], batch_size=2000
        )
        level_ids.update(
            StockLevel.objects.filter(warehouse=warehouse, variant_id__in=lines.values("variant_id")).values_list(
                "variant_id", "pk"
            )
        )
    person = person_of(actor)
    for variant_id, expected, counted, sku in differing:
        assert counted is not None  # counted__isnull=False above
        delta = counted - expected
        level_id = level_ids[variant_id]
        if (
            StockLevel.objects.filter(pk=level_id, on_hand__gte=F("reserved") - delta).update(
                on_hand=F("on_hand") + delta
            )
            != 1
        ):
            level = StockLevel.objects.get(pk=level_id)
            raise DomainError(
                str(MESSAGES["stocktake_short"])
                % {"sku": sku, "on_hand": level.on_hand + delta, "reserved": level.reserved},
                code="stocktake_short",
                status=409,
                sku=sku,
            )
        moves.append(
            StockMove(
                variant_id=variant_id,
                warehouse=warehouse,
                kind=StockMove.Kind.STOCKTAKE,
                on_hand_delta=delta,
                reference=stocktake.number,
                reason=f"{expected} → {counted}",
                actor=person,
                created_at=now,
            )
        )
    StockMove.objects.bulk_create(moves, batch_size=2000)
    _summarize(moves)
    costs = dict(Variant.objects.filter(pk__in=lines.values("variant_id")).values_list("pk", "cost_price"))
    events.publish(
        events.StockCounted(
            stocktake.pk,
            stocktake.number,
            warehouse.pk,
            tuple((m.variant_id, m.on_hand_delta, costs.get(m.variant_id, Decimal("0"))) for m in moves),
            now,
        )
    )
    record_audit(
        actor=actor,
        action="stocktake.posted",
        obj=stocktake,
        object_repr=stocktake.number,
        changes={"lines_adjusted": ("", len(moves))},
        ip_address=ip_address,
    )
    stocktake.refresh_from_db()
    return len(moves)


@transaction.atomic
def cancel_stocktake(*, actor: Actor, stocktake: Stocktake) -> None:
    if (
        Stocktake.objects.filter(pk=stocktake.pk, status=Stocktake.Status.OPEN).update(
            status=Stocktake.Status.CANCELLED
        )
        != 1
    ):
        raise DomainError(
            str(MESSAGES["stocktake_closed"]) % {"number": stocktake.number}, code="stocktake_closed", status=409
        )
    record_audit(actor=actor, action="stocktake.cancelled", obj=stocktake, object_repr=stocktake.number)


# --- the maintained per-SKU summary ----------------------------------------------------------


def ensure_stock_summaries_current() -> bool:
    """Roll the summary now if tonight's roll has not run yet for today (a page opened just after
    midnight, a worker that was down): edges call it before reading the summary."""
    if not summaries.needs_roll():
        return False
    roll_stock_summaries()
    return True


@transaction.atomic
def roll_stock_summaries(today: date | None = None) -> int:
    """The nightly roll (worker): sales windows end at the start of `today`; every SKU re-judged."""
    return summaries.roll_summaries(today)


@transaction.atomic
def rebuild_stock_summaries(*, on_order: dict[int, int] | None = None, today: date | None = None) -> int:
    """Recompute every SKU's summary from the raw tables (`dianpu rebuild-stock-summaries`)."""
    return summaries.rebuild_summaries(on_order=on_order, today=today)


def add_on_order(deltas: dict[int, int]) -> None:
    """Units on order from suppliers changed (purchasing.services, in its transaction): variant id -> ±units."""
    summaries.add_on_order(deltas)
