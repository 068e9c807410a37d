"""Stock: reservations, release, shipment, adjustments — and the ledger always sums to the level."""

import pytest
from django.db.models import Sum

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.inventory.domain.allocation import LevelSnapshot, plan_allocation
from dianpu.inventory.models import Reservation, StockLevel, StockMove, Warehouse
from dianpu.inventory.services import (
    InsufficientStockError,
    adjust_stock,
    consume_reservations,
    release_reservations,
    reserve_stock,
    set_on_hand,
)

pytestmark = pytest.mark.django_db


def level_of(variant):
    return StockLevel.objects.get(variant=variant, warehouse__is_default=True)


def assert_ledger_matches(variant):
    sums = StockMove.objects.filter(variant=variant).aggregate(h=Sum("on_hand_delta"), r=Sum("reserved_delta"))
    levels = StockLevel.objects.filter(variant=variant).aggregate(h=Sum("on_hand"), r=Sum("reserved"))
    assert (sums["h"] or 0, sums["r"] or 0) == (levels["h"] or 0, levels["r"] or 0)


def test_reserving_holds_units_without_taking_them_off_the_shelf():
    variant = make_product(stock=5).variants.get()
    reserve_stock(reference="DP1", wanted={variant.id: 3})
    level = level_of(variant)
    assert (level.on_hand, level.reserved, level.available) == (5, 3, 2)
    assert_ledger_matches(variant)


def test_reserving_more_than_available_names_the_sku_and_changes_nothing():
    variant = make_product(stock=2, skus=["TEE-RED-M"]).variants.get()
    with pytest.raises(InsufficientStockError) as short:
        reserve_stock(reference="DP1", wanted={variant.id: 3})
    assert short.value.code == "out_of_stock"
    assert short.value.extra["sku"] == "TEE-RED-M"
    assert short.value.extra["available"] == 2
    level = level_of(variant)
    assert (level.on_hand, level.reserved) == (2, 0)
    assert not Reservation.objects.exists()
    assert not StockMove.objects.filter(kind="reserve").exists()


def test_exactly_the_units_available_can_be_reserved_and_one_more_cannot():
    variant = make_product(stock=3, skus=["EDGE-1"]).variants.get()
    reserve_stock(reference="DP1", wanted={variant.id: 2})
    with pytest.raises(InsufficientStockError):
        reserve_stock(reference="DP2", wanted={variant.id: 2})  # one unit more than the one left
    assert (level_of(variant).reserved, Reservation.objects.count()) == (2, 1)
    reserve_stock(reference="DP3", wanted={variant.id: 1})  # exactly the one left
    assert (level_of(variant).on_hand, level_of(variant).reserved) == (3, 3)
    assert_ledger_matches(variant)


def _first_read_is_stale(monkeypatch, variant, *, then_reserved: int, also=()):
    """Another buyer reserves `then_reserved` units after this reservation read the stock (of
    `variant` and the variants `also`): its first read shows the stock as it was before, so only
    the conditional UPDATE can refuse the plan."""
    from dianpu.inventory import services

    real_read = services._snapshot
    stale = real_read([variant.id, *(v.id for v in also)])
    reserve_stock(reference="OTHER", wanted={variant.id: then_reserved})
    reads = []

    def read(variant_ids):
        reads.append(variant_ids)
        return stale if len(reads) == 1 else real_read(variant_ids)

    monkeypatch.setattr(services, "_snapshot", read)


def test_a_plan_made_from_a_stale_read_cannot_reserve_more_than_is_left(monkeypatch):
    variant = make_product(stock=3, skus=["STALE-1"]).variants.get()
    _first_read_is_stale(monkeypatch, variant, then_reserved=2)
    with pytest.raises(InsufficientStockError) as short:
        reserve_stock(reference="MINE", wanted={variant.id: 2})  # read 3 available, only 1 is left
    assert (short.value.extra["sku"], short.value.extra["available"]) == ("STALE-1", 1)
    level = level_of(variant)
    assert (level.on_hand, level.reserved) == (3, 2)
    assert list(Reservation.objects.values_list("reference", "quantity")) == [("OTHER", 2)]
    assert list(StockMove.objects.filter(kind="reserve").values_list("reference", "reserved_delta")) == [("OTHER", 2)]
    assert_ledger_matches(variant)


def test_a_plan_made_from_a_stale_read_still_gets_the_last_unit(monkeypatch):
    variant = make_product(stock=3, skus=["STALE-2"]).variants.get()
    _first_read_is_stale(monkeypatch, variant, then_reserved=2)
    reserve_stock(reference="MINE", wanted={variant.id: 1})
    assert (level_of(variant).on_hand, level_of(variant).reserved) == (3, 3)
    assert_ledger_matches(variant)


def test_a_race_lost_on_the_second_line_gives_back_the_first_inside_the_checkouts_transaction(monkeypatch):
    from django.db import transaction

    a = make_product(stock=5, skus=["RACE-A"]).variants.get()
    b = make_product(stock=3, skus=["RACE-B"]).variants.get()
    _first_read_is_stale(monkeypatch, b, then_reserved=2, also=[a])  # the plan reads 3 of B; 1 is left
    with transaction.atomic():  # as a checkout: the caller's transaction goes on after the refusal
        with pytest.raises(InsufficientStockError) as short:
            reserve_stock(reference="MINE", wanted={a.id: 2, b.id: 2})
        reserve_stock(reference="NEXT", wanted={a.id: 1})
    assert (short.value.extra["sku"], short.value.extra["available"]) == ("RACE-B", 1)
    assert (level_of(a).reserved, level_of(b).reserved) == (1, 2)
    assert sorted(Reservation.objects.values_list("reference", "quantity")) == [("NEXT", 1), ("OTHER", 2)]
    assert not StockMove.objects.filter(reference="MINE").exists()
    assert_ledger_matches(a)
    assert_ledger_matches(b)


def test_one_short_line_rolls_back_the_other_lines():
    a = make_product(stock=5).variants.get()
    b = make_product(stock=1).variants.get()
    with pytest.raises(InsufficientStockError):
        reserve_stock(reference="DP1", wanted={a.id: 2, b.id: 2})
    assert level_of(a).reserved == 0 and level_of(b).reserved == 0


def test_release_gives_units_back_once_even_if_called_twice():
    variant = make_product(stock=4).variants.get()
    reserve_stock(reference="DP1", wanted={variant.id: 4})
    assert release_reservations(reference="DP1") == 4
    assert release_reservations(reference="DP1") == 0
    level = level_of(variant)
    assert (level.on_hand, level.reserved) == (4, 0)
    assert_ledger_matches(variant)


def test_shipping_takes_reserved_units_off_the_shelf():
    variant = make_product(stock=4).variants.get()
    reserve_stock(reference="DP1", wanted={variant.id: 3})
    assert consume_reservations(reference="DP1") == 3
    level = level_of(variant)
    assert (level.on_hand, level.reserved) == (1, 0)
    assert list(StockMove.objects.filter(variant=variant).values_list("kind", flat=True).order_by("id")) == [
        "adjustment",
        "reserve",
        "sale",
    ]
    assert_ledger_matches(variant)


def test_adjustment_cannot_take_on_hand_below_reserved():
    variant = make_product(stock=5).variants.get()
    reserve_stock(reference="DP1", wanted={variant.id: 4})
    with pytest.raises(DomainError) as refused:
        adjust_stock(variant=variant, delta=-2, reason="damaged")
    assert refused.value.code == "stock_negative"
    assert level_of(variant).on_hand == 5
    adjust_stock(variant=variant, delta=-1, reason="damaged")
    assert level_of(variant).on_hand == 4
    assert_ledger_matches(variant)


def test_set_on_hand_writes_one_adjustment_row_and_an_audit_entry(staff):
    variant = make_product(stock=5).variants.get()
    set_on_hand(variant=variant, quantity=12, reason="recount", actor=staff("warehouse"))
    assert level_of(variant).on_hand == 12
    move = StockMove.objects.filter(variant=variant).latest("id")
    assert (move.kind, move.on_hand_delta, move.reason) == ("adjustment", 7, "recount")
    entry = AuditEntry.objects.filter(action="stock.adjusted").latest("id")
    assert entry.actor_label == "warehouse"
    assert entry.changes == {"on_hand": [5, 12]}


def test_reservation_spills_into_a_second_warehouse_when_the_default_runs_short():
    variant = make_product(stock=2).variants.get()
    other = Warehouse.objects.create(code="bj", name="北京仓")
    adjust_stock(variant=variant, delta=5, reason="receipt", warehouse=other)
    reserve_stock(reference="DP1", wanted={variant.id: 4})
    assert level_of(variant).reserved == 2
    assert StockLevel.objects.get(variant=variant, warehouse=other).reserved == 2


def test_allocation_plan_prefers_the_default_warehouse_and_orders_rows_by_id():
    levels = [LevelSnapshot(9, 1, 2, 10, False), LevelSnapshot(3, 1, 1, 1, True), LevelSnapshot(5, 2, 1, 4, True)]
    plan = plan_allocation({1: 3, 2: 4}, levels)
    assert [(a.level_id, a.quantity) for a in plan.allocations] == [(3, 1), (5, 4), (9, 2)]
    assert plan.is_complete
    assert plan_allocation({2: 5}, levels).short == {2: 1}


def test_an_edit_with_new_skus_is_all_or_nothing(staff):
    from decimal import Decimal

    from dianpu.catalog.models import Variant
    from dianpu.catalog.services import VariantInput
    from dianpu.inventory.services import update_product_and_stock

    make_product(skus=["MUG-RED"], stock=1)
    product = make_product(name="马克杯", skus=["MUG-BLUE"], stock=4)
    new = [
        (VariantInput(sku="MUG-GREEN", price=Decimal("39.00")), 6),
        (VariantInput(sku="MUG-RED", price=Decimal("39.00")), 2),
    ]  # taken by the other product
    with pytest.raises(DomainError) as refused:
        update_product_and_stock(
            actor=staff("operator"),
            product=product,
            changes={"name": "大马克杯"},
            variant_changes={},
            stock_by_sku={"MUG-BLUE": 9},
            new_variants=new,
        )
    assert refused.value.code == "sku_taken"
    product.refresh_from_db()
    assert product.name == "马克杯"
    assert not Variant.objects.filter(sku="MUG-GREEN").exists()
    assert level_of(product.variants.get()).on_hand == 4

    update_product_and_stock(
        actor=staff("operator"),
        product=product,
        changes={"name": "大马克杯"},
        variant_changes={},
        stock_by_sku={},
        new_variants=new[:1],
    )
    green = Variant.objects.get(sku="MUG-GREEN")
    assert (green.product_id, level_of(green).on_hand) == (product.id, 6)
    assert_ledger_matches(green)
