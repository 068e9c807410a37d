"""Stock use cases. Every change is a conditional single-statement UPDATE plus ledger rows.

The conditions (`on_hand >= reserved + n`, `state = 'active'`) are what make these safe when
many checkouts race: the database decides, row by row; a row that does not match means
someone else got there first, and the whole placement rolls back.
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from dianpu.audit.services import record_audit
from dianpu.catalog.models import Product, Variant
from dianpu.core import clock
from dianpu.core.errors import DomainError

from .domain.allocation import LevelSnapshot, plan_allocation
from .messages import MESSAGES
from .models import Reservation, StockLevel, StockMove, Warehouse

PLAN_ATTEMPTS = 3


class InsufficientStockError(DomainError):
    code = "out_of_stock"
    status = 409

    def __init__(self, sku: str, available: int, short_skus: list[str] | None = None):
        super().__init__(str(MESSAGES["out_of_stock"]) % {"sku": sku, "available": max(0, available)},
                         sku=sku, available=max(0, available), short_skus=short_skus or [sku])


def get_default_warehouse() -> Warehouse:
    warehouse = Warehouse.objects.filter(is_default=True).first() or Warehouse.objects.first()
    if warehouse is None:
        warehouse = Warehouse.objects.create(code="main", name=_("主仓"), is_default=True)
    return warehouse


def _snapshot(variant_ids) -> list[LevelSnapshot]:
    return [
        LevelSnapshot(lv.id, lv.variant_id, lv.warehouse_id, lv.on_hand - lv.reserved, lv.warehouse.is_default)
        for lv in StockLevel.objects.select_related("warehouse").filter(variant_id__in=variant_ids)
    ]


def _short_error(short: dict[int, int], wanted: dict[int, int]) -> InsufficientStockError:
    skus = dict(Variant.objects.filter(pk__in=short).values_list("pk", "sku"))
    first = min(short)
    return InsufficientStockError(skus.get(first, str(first)), wanted[first] - short[first],
                                  short_skus=sorted(skus.values()))


@transaction.atomic
def reserve_stock(*, reference: str, wanted: dict[int, int], expires_at=None, actor=None) -> list[Reservation]:
    """Hold `wanted` (variant id -> units) for `reference`, or raise InsufficientStockError
    naming the short SKU and change nothing."""
    for attempt in range(PLAN_ATTEMPTS):
        plan = plan_allocation(wanted, _snapshot(wanted.keys()))
        if not plan.is_complete:
            raise _short_error(plan.short, wanted)
        try:
            with transaction.atomic():
                return _apply_plan(plan, reference, expires_at, actor)
        except _LostRace:
            if attempt == PLAN_ATTEMPTS - 1:
                # Re-read to name what is short now.
                plan = plan_allocation(wanted, _snapshot(wanted.keys()))
                raise _short_error(plan.short or {min(wanted): wanted[min(wanted)]}, wanted) from None
    raise AssertionError("unreachable")


class _LostRace(Exception):
    pass


def _apply_plan(plan, reference, expires_at, actor) -> list[Reservation]:
    now = clock.now()
    for a in plan.allocations:
        updated = StockLevel.objects.filter(pk=a.level_id, on_hand__gte=F("reserved") + a.quantity).update(
            reserved=F("reserved") + a.quantity
        )
        if updated != 1:
            raise _LostRace()
    StockMove.objects.bulk_create([
        StockMove(variant_id=a.variant_id, warehouse_id=a.warehouse_id, kind=StockMove.Kind.RESERVE,
                  reserved_delta=a.quantity, reference=reference, actor=_person(actor), created_at=now)
        for a in plan.allocations
    ])
    return Reservation.objects.bulk_create([
        Reservation(reference=reference, stock_level_id=a.level_id, quantity=a.quantity,
                    created_at=now, expires_at=expires_at)
        for a in plan.allocations
    ])


def _person(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _settle(reference: str, to_state: str, kind: str, actor, reason: str) -> int:
    """Move every active reservation of `reference` to `to_state`; returns units moved."""
    now = clock.now()
    moved = 0
    for r in Reservation.objects.select_related("stock_level").filter(reference=reference, state=Reservation.State.ACTIVE).order_by("stock_level_id"):
        if Reservation.objects.filter(pk=r.pk, state=Reservation.State.ACTIVE).update(state=to_state) != 1:
            continue  # settled by someone else meanwhile
        on_hand_delta = -r.quantity if to_state == Reservation.State.CONSUMED else 0
        StockLevel.objects.filter(pk=r.stock_level_id).update(
            reserved=F("reserved") - r.quantity, on_hand=F("on_hand") + on_hand_delta
        )
        StockMove.objects.create(variant_id=r.stock_level.variant_id, warehouse_id=r.stock_level.warehouse_id,
                                 kind=kind, on_hand_delta=on_hand_delta, reserved_delta=-r.quantity,
                                 reference=reference, reason=reason, actor=_person(actor), created_at=now)
        moved += r.quantity
    return moved


@transaction.atomic
def release_reservations(*, reference: str, actor=None, reason: str = "") -> int:
    """Give back what `reference` held (order cancelled). Safe to call twice."""
    return _settle(reference, Reservation.State.RELEASED, StockMove.Kind.RELEASE, actor, reason)


@transaction.atomic
def consume_reservations(*, reference: str, actor=None, reason: str = "") -> int:
    """The held units leave the warehouse (order shipped). Safe to call twice."""
    return _settle(reference, Reservation.State.CONSUMED, StockMove.Kind.SALE, actor, reason)


def _level(variant: Variant, warehouse: Warehouse | None) -> StockLevel:
    warehouse = warehouse or get_default_warehouse()
    level, _created = StockLevel.objects.get_or_create(variant=variant, warehouse=warehouse)
    return level


@transaction.atomic
def adjust_stock(*, variant: Variant, delta: int, reason: str, actor=None, warehouse: Warehouse | None = None,
                 kind: str = StockMove.Kind.ADJUSTMENT, reference: str = "", ip_address: str | None = None) -> StockLevel:
    """Add (or with a negative delta, remove) units on hand; never below what is reserved."""
    level = _level(variant, warehouse)
    if delta == 0:
        return level
    updated = StockLevel.objects.filter(pk=level.pk, on_hand__gte=F("reserved") - delta).update(on_hand=F("on_hand") + delta)
    level.refresh_from_db()
    if updated != 1:
        raise DomainError(str(MESSAGES["stock_negative"]) % {"reserved": level.reserved}, code="stock_negative",
                          status=422, sku=variant.sku)
    StockMove.objects.create(variant=variant, warehouse=level.warehouse, kind=kind, on_hand_delta=delta,
                             reference=reference, reason=reason[:200], actor=_person(actor), created_at=clock.now())
    record_audit(actor=actor, action="stock.adjusted", object_type="catalog.variant", object_id=str(variant.pk),
                 object_repr=f"{variant.sku} @ {level.warehouse.code}",
                 changes={"on_hand": (level.on_hand - delta, level.on_hand)}, reason=reason, ip_address=ip_address)
    return level


def set_on_hand(*, variant: Variant, quantity: int, reason: str, actor=None, warehouse: Warehouse | None = None,
                ip_address: str | None = None) -> StockLevel:
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


def _adjust_from(level, variant, current, quantity, reason, actor, ip_address):
    delta = quantity - current
    updated = StockLevel.objects.filter(pk=level.pk, on_hand=current, reserved__lte=quantity).update(on_hand=quantity)
    if updated != 1:
        level.refresh_from_db()
        if level.reserved > quantity:
            raise DomainError(str(MESSAGES["stock_negative"]) % {"reserved": level.reserved},
                              code="stock_negative", status=422, sku=variant.sku)
        raise _LostRace()
    StockMove.objects.create(variant=variant, warehouse=level.warehouse, kind=StockMove.Kind.ADJUSTMENT,
                             on_hand_delta=delta, reason=reason[:200], actor=_person(actor), created_at=clock.now())
    record_audit(actor=actor, action="stock.adjusted", object_type="catalog.variant", object_id=str(variant.pk),
                 object_repr=f"{variant.sku} @ {level.warehouse.code}", changes={"on_hand": (current, quantity)},
                 reason=reason, ip_address=ip_address)
    level.refresh_from_db()
    return level


@transaction.atomic
def update_product_and_stock(*, actor, product: Product, changes: dict, variant_changes: dict[str, dict],
                             stock_by_sku: dict[str, int], expected_version: int | None = None, reason: str = "",
                             ip_address: str | None = None, new_variants=()) -> Product:
    """One edit of a product: its fields, its variants' prices, new SKUs (`new_variants`: pairs
    of catalog VariantInput and opening stock) and their stock, all or nothing."""
    from dianpu.catalog.services import add_variant, update_product

    product = update_product(actor=actor, product=product, changes=changes, variant_changes=variant_changes,
                             expected_version=expected_version, reason=reason, ip_address=ip_address)
    for variant_input, opening in new_variants:
        variant = add_variant(actor=actor, product=product, variant=variant_input)
        if opening:
            set_on_hand(variant=variant, quantity=opening, reason=reason or _("新增 SKU 期初库存"), actor=actor,
                        ip_address=ip_address)
    variants = {v.sku: v for v in product.variants.all()}
    for sku, quantity in stock_by_sku.items():
        if sku not in variants:
            raise DomainError(code="unknown_sku", status=422, sku=sku, detail=_("未知的 SKU：%(sku)s") % {"sku": sku})
        set_on_hand(variant=variants[sku], quantity=quantity, reason=reason or _("商品编辑"), actor=actor,
                    ip_address=ip_address)
    return product


@transaction.atomic
def create_product_with_stock(*, actor, stock_by_sku: dict[str, int], ip_address: str | None = None,
                              **product_fields) -> Product:
    """Create a product (catalog.services.create_product) and its opening stock, all or nothing."""
    from dianpu.catalog.services import create_product

    product = create_product(actor=actor, **product_fields)
    for variant in product.variants.all():
        quantity = stock_by_sku.get(variant.sku, 0)
        if quantity:
            set_on_hand(variant=variant, quantity=quantity, reason=_("新建商品期初库存"), actor=actor,
                        ip_address=ip_address)
    return product
