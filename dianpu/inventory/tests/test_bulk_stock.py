"""Many stock levels set at once (product import): set-based writes, the ledger still sums to every
level, unchanged levels write nothing, and a target below what orders hold is refused whole."""

import pytest
from django.db.models import Sum

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.inventory import services
from dianpu.inventory.models import StockLevel, StockMove
from dianpu.inventory.services import (
    StockTarget,
    StockTargetsRefused,
    adjust_stock,
    bulk_set_on_hand,
    create_warehouse,
    get_default_warehouse,
    reserve_stock,
)

pytestmark = pytest.mark.django_db


def levels():
    return dict(StockLevel.objects.values_list("variant__sku", "on_hand"))


def assert_ledger_sums_to_every_level():
    ledger = {
        (r["variant_id"], r["warehouse_id"]): (r["h"], r["r"])
        for r in StockMove.objects.values("variant_id", "warehouse_id").annotate(
            h=Sum("on_hand_delta"), r=Sum("reserved_delta")
        )
    }
    stock = {(lv.variant_id, lv.warehouse_id): (lv.on_hand, lv.reserved) for lv in StockLevel.objects.all()}
    assert {k: v for k, v in ledger.items() if v != (0, 0)} == {k: v for k, v in stock.items() if v != (0, 0)}


def variants(*skus, stock=0):
    return [make_product(skus=[sku], stock=stock).variants.get() for sku in skus]


def test_bulk_set_creates_and_updates_levels_with_one_adjustment_row_each():
    new_a, new_b, kept, raised, emptied = variants("NEW-A", "NEW-B", "KEPT", "RAISED", "EMPTIED")
    main = get_default_warehouse()
    for v, q in ((kept, 7), (raised, 3), (emptied, 4)):
        adjust_stock(variant=v, delta=q, reason="opening")
    moves_before = StockMove.objects.count()
    changed = bulk_set_on_hand(
        targets=[
            StockTarget(v.id, main.id, q) for v, q in ((new_a, 12), (new_b, 0), (kept, 7), (raised, 9), (emptied, 0))
        ],
        reason="import tees.csv",
    )
    assert changed == 3
    assert levels() == {"NEW-A": 12, "KEPT": 7, "RAISED": 9, "EMPTIED": 0}
    moves = StockMove.objects.order_by("pk")[moves_before:]
    assert sorted((m.variant.sku, m.kind, m.on_hand_delta, m.reason) for m in moves) == [
        ("EMPTIED", "adjustment", -4, "import tees.csv"),
        ("NEW-A", "adjustment", 12, "import tees.csv"),
        ("RAISED", "adjustment", 6, "import tees.csv"),
    ]
    assert all(abs((m.created_at - clock.now()).total_seconds()) < 60 for m in moves)
    assert_ledger_sums_to_every_level()
    entry = AuditEntry.objects.get(action="stock.bulk_set")
    assert entry.changes["levels_changed"] == [None, 3]


def test_setting_the_same_targets_again_writes_nothing():
    a, b = variants("SAME-A", "SAME-B")
    main = get_default_warehouse()
    targets = [StockTarget(a.id, main.id, 5), StockTarget(b.id, main.id, 8)]
    assert bulk_set_on_hand(targets=targets, reason="import") == 2
    moves, audits = StockMove.objects.count(), AuditEntry.objects.count()
    assert bulk_set_on_hand(targets=targets, reason="import") == 0
    assert (StockMove.objects.count(), AuditEntry.objects.count()) == (moves, audits)


def test_other_warehouses_are_set_separately():
    (v,) = variants("TWO-WH", stock=5)
    east = create_warehouse(actor=None, code="east", name="East")
    main = get_default_warehouse()
    assert (
        bulk_set_on_hand(targets=[StockTarget(v.id, east.id, 3), StockTarget(v.id, main.id, 5)], reason="import") == 1
    )
    assert dict(StockLevel.objects.filter(variant=v).values_list("warehouse__code", "on_hand")) == {
        "main": 5,
        "east": 3,
    }
    assert_ledger_sums_to_every_level()


def test_a_target_below_what_is_reserved_is_refused_naming_the_sku_and_nothing_is_written():
    held, free = variants("HELD-1", "FREE-1", stock=10)
    reserve_stock(reference="DP100", wanted={held.id: 6})
    main = get_default_warehouse()
    moves, audits = StockMove.objects.count(), AuditEntry.objects.count()
    with pytest.raises(StockTargetsRefused) as refused:
        bulk_set_on_hand(targets=[StockTarget(free.id, main.id, 2), StockTarget(held.id, main.id, 5)], reason="import")
    assert refused.value.code == "stock_below_reserved"
    assert refused.value.extra["skus"] == ["HELD-1"]
    assert refused.value.extra["refused"][0]["target"] == 5 and refused.value.extra["refused"][0]["reserved"] == 6
    assert "HELD-1" in str(refused.value.detail)
    assert levels() == {"HELD-1": 10, "FREE-1": 10}
    assert (StockMove.objects.count(), AuditEntry.objects.count()) == (moves, audits)


def test_negative_targets_are_refused():
    (v,) = variants("NEG-1", stock=3)
    with pytest.raises(DomainError) as bad:
        bulk_set_on_hand(targets=[StockTarget(v.id, get_default_warehouse().id, -1)], reason="import")
    assert bad.value.code == "quantity_invalid"
    assert levels() == {"NEG-1": 3}


def test_a_reservation_landing_between_read_and_write_is_never_undercut(monkeypatch):
    """The order holds 8 after the import read the level: the conditional UPDATE misses, the chunk
    is planned again from fresh values, and the SKU is refused."""
    (v,) = variants("RACE-R", stock=10)
    main = get_default_warehouse()
    read, landed = services._read_levels, []

    def read_then_reserve(chunk):
        result = read(chunk)
        if not landed:
            landed.append(reserve_stock(reference="DP200", wanted={v.id: 8}))
        return result

    monkeypatch.setattr(services, "_read_levels", read_then_reserve)
    with pytest.raises(StockTargetsRefused) as refused:
        bulk_set_on_hand(targets=[StockTarget(v.id, main.id, 6)], reason="import")
    assert refused.value.extra["skus"] == ["RACE-R"]
    # (The stand-in reservation ran on the same connection, so the refusal rolled it back too.)
    assert levels() == {"RACE-R": 10}
    assert not StockMove.objects.filter(reason="import").exists()
    assert_ledger_sums_to_every_level()


def test_a_sale_landing_between_read_and_write_still_leaves_a_ledger_that_sums(monkeypatch):
    (v,) = variants("RACE-S", stock=10)
    main = get_default_warehouse()
    read, landed = services._read_levels, []

    def read_then_adjust(chunk):
        result = read(chunk)
        if not landed:
            landed.append(adjust_stock(variant=v, delta=-3, reason="damaged"))
        return result

    monkeypatch.setattr(services, "_read_levels", read_then_adjust)
    assert bulk_set_on_hand(targets=[StockTarget(v.id, main.id, 4)], reason="import") == 1
    assert levels() == {"RACE-S": 4}
    assert list(StockMove.objects.filter(variant=v, reason="import").values_list("on_hand_delta", flat=True)) == [-3]
    assert_ledger_sums_to_every_level()


def test_a_refusal_in_one_chunk_leaves_every_chunk_unwritten(monkeypatch):
    monkeypatch.setattr(services, "BULK_CHUNK", 1)
    first, held, last = variants("CH-1", "CH-2", "CH-3", stock=4)
    reserve_stock(reference="DP300", wanted={held.id: 3})
    main = get_default_warehouse()
    with pytest.raises(StockTargetsRefused) as refused:
        bulk_set_on_hand(
            targets=[StockTarget(v.id, main.id, q) for v, q in ((first, 9), (held, 1), (last, 0))], reason="import"
        )
    assert refused.value.extra["skus"] == ["CH-2"]
    assert levels() == {"CH-1": 4, "CH-2": 4, "CH-3": 4}
    assert not StockMove.objects.filter(reason="import").exists()
