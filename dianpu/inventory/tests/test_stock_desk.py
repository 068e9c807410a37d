"""The stock desk: warehouses, transfers, adjustments with reasons, low-stock alerts, days of
cover, the daily sheet (XLSX, morning e-mail) and stocktakes — exact values, and refusals that
change nothing."""

import io
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Sum
from django.utils import translation
from openpyxl import load_workbook

from dianpu.accounts.tests.builders import make_staff
from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.inventory import queries
from dianpu.inventory.exports import build_daily_sheet_xlsx
from dianpu.inventory.models import StockLevel, StockMove, Stocktake
from dianpu.inventory.services import (
    adjust_stock,
    cancel_stocktake,
    create_warehouse,
    ensure_stock_summaries_current,
    flag_low_stock_crossings,
    open_stocktake,
    post_stocktake,
    receive_stock,
    record_adjustment,
    record_count,
    reserve_stock,
    set_safety_stock,
    transfer_stock,
)
from dianpu.inventory.tasks import alert_low_stock, send_daily_inventory_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=dt_timezone.utc))  # 10:00 in Shanghai
    with translation.override("zh-hans"):  # another test's request may have left English active
        yield
    clock.freeze(None)


def level(variant, warehouse):
    return StockLevel.objects.get(variant=variant, warehouse=warehouse)


def assert_ledger_matches(variant):
    sums = StockMove.objects.filter(variant=variant).aggregate(h=Sum("on_hand_delta"), r=Sum("reserved_delta"))
    levels = StockLevel.objects.filter(variant=variant).aggregate(h=Sum("on_hand"), r=Sum("reserved"))
    assert (sums["h"] or 0, sums["r"] or 0) == (levels["h"] or 0, levels["r"] or 0)


@pytest.fixture
def main():
    from dianpu.inventory.services import get_default_warehouse

    return get_default_warehouse()


@pytest.fixture
def east(db):
    return create_warehouse(actor=None, code="east", name="华东仓")


def test_transfer_moves_available_units_with_two_ledger_rows(main, east):
    owner = make_staff("warehouse")
    variant = make_product(stock=10, skus=["TEE-M"]).variants.get()
    reserve_stock(reference="DP1", wanted={variant.id: 3})
    reference = transfer_stock(
        actor=owner, variant=variant, from_warehouse=main, to_warehouse=east, quantity=7, reason="补华东仓"
    )
    assert (level(variant, main).on_hand, level(variant, main).reserved) == (3, 3)
    assert level(variant, east).on_hand == 7
    legs = list(
        StockMove.objects.filter(reference=reference)
        .order_by("on_hand_delta")
        .values_list("warehouse__code", "kind", "on_hand_delta", "reason")
    )
    assert legs == [("main", "transfer", -7, "补华东仓"), ("east", "transfer", 7, "补华东仓")]
    assert AuditEntry.objects.filter(action="stock.transferred").count() == 1
    assert_ledger_matches(variant)


def test_transfer_of_more_than_available_is_refused_and_nothing_moves(main, east):
    variant = make_product(stock=10, skus=["TEE-M"]).variants.get()
    reserve_stock(reference="DP1", wanted={variant.id: 4})
    moves_before = StockMove.objects.count()
    with pytest.raises(DomainError) as refused:
        transfer_stock(actor=None, variant=variant, from_warehouse=main, to_warehouse=east, quantity=7)
    assert refused.value.code == "transfer_short"
    assert "TEE-M" in str(refused.value.detail) and "6" in str(refused.value.detail)
    assert (level(variant, main).on_hand, level(variant, main).reserved) == (10, 4)
    assert not StockLevel.objects.filter(variant=variant, warehouse=east, on_hand__gt=0).exists()
    assert StockMove.objects.count() == moves_before


@pytest.mark.parametrize("quantity", [0, -3, "5", 2.5, True])
def test_transfer_quantity_must_be_a_positive_whole_number(main, east, quantity):
    variant = make_product(stock=10).variants.get()
    with pytest.raises(DomainError) as refused:
        transfer_stock(actor=None, variant=variant, from_warehouse=main, to_warehouse=east, quantity=quantity)
    assert refused.value.code == "quantity_invalid"
    assert level(variant, main).on_hand == 10


def test_transfer_to_the_same_warehouse_is_refused(main):
    variant = make_product(stock=10).variants.get()
    with pytest.raises(DomainError) as refused:
        transfer_stock(actor=None, variant=variant, from_warehouse=main, to_warehouse=main, quantity=1)
    assert refused.value.code == "same_warehouse"


def test_adjustment_records_its_reason_on_the_ledger(main):
    variant = make_product(stock=10).variants.get()
    record_adjustment(actor=None, variant=variant, warehouse=main, delta=-2, reason_code="damaged", note="运输压坏")
    move = StockMove.objects.filter(variant=variant, kind="adjustment").first()
    assert (move.on_hand_delta, move.reason) == (-2, "损坏报废: 运输压坏")
    assert level(variant, main).on_hand == 8


def test_adjustment_without_a_known_reason_or_below_reserved_changes_nothing(main):
    variant = make_product(stock=5).variants.get()
    reserve_stock(reference="DP1", wanted={variant.id: 4})
    moves_before = StockMove.objects.count()
    with pytest.raises(DomainError) as no_reason:
        record_adjustment(actor=None, variant=variant, warehouse=main, delta=-1, reason_code="")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(DomainError) as too_many:
        record_adjustment(actor=None, variant=variant, warehouse=main, delta=-2, reason_code="lost")
    assert too_many.value.code == "stock_negative"
    assert (level(variant, main).on_hand, level(variant, main).reserved) == (5, 4)
    assert StockMove.objects.count() == moves_before


def test_low_stock_alert_is_sent_once_per_crossing(main):
    make_staff("warehouse").__class__.objects.filter(username="warehouse").update(email="wh@example.com")
    variant = make_product(stock=10, skus=["CUP-1"]).variants.get()
    set_safety_stock(actor=None, variant=variant, warehouse=main, safety_stock=5)
    alert_low_stock()
    assert mail.outbox == []
    adjust_stock(variant=variant, delta=-6, reason="test", warehouse=main)
    alert_low_stock()
    alert_low_stock()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wh@example.com"]
    assert "CUP-1" in mail.outbox[0].body and "库存预警" in mail.outbox[0].subject
    adjust_stock(variant=variant, delta=10, reason="test", warehouse=main)  # back above: rearmed
    assert flag_low_stock_crossings() == []
    adjust_stock(variant=variant, delta=-12, reason="test", warehouse=main)
    alert_low_stock()
    assert len(mail.outbox) == 2


def sell(variant, units, days_ago, warehouse):
    """A shipped sale `days_ago` days before today (Shanghai), written as the ledger does."""
    when = clock.now() - timedelta(days=days_ago)
    clock.freeze(when)
    try:
        reserve_stock(reference=f"S{variant.pk}-{days_ago}-{units}", wanted={variant.id: units})
        from dianpu.inventory.services import consume_reservations

        consume_reservations(reference=f"S{variant.pk}-{days_ago}-{units}")
    finally:
        clock.freeze(when + timedelta(days=days_ago))


def test_days_of_cover_from_sales_velocity_over_the_chosen_window(main):
    variant = make_product(stock=100, skus=["FAST-1"]).variants.get()
    sell(variant, 14, 1, main)
    sell(variant, 7, 5, main)
    sell(variant, 9, 20, main)
    [row7] = queries.list_cover(window=7, search="FAST-1")
    assert (row7.on_hand, row7.available, row7.sold_in_window) == (70, 70, 21)
    assert (row7.velocity, row7.days_of_cover, row7.sold_yesterday) == (Decimal("3.00"), Decimal("23.3"), 14)
    [row30] = queries.list_cover(window=30, search="FAST-1")
    assert (row30.sold_in_window, row30.velocity, row30.days_of_cover) == (30, Decimal("1.00"), Decimal("70.0"))
    with pytest.raises(DomainError) as bad:
        queries.list_cover(window=10)
    assert bad.value.code == "window_invalid"


def test_slow_movers_show_age_and_suggested_clearance(main):
    old = make_product(stock=0, skus=["OLD-1"]).variants.get()
    clock.freeze(clock.now() - timedelta(days=100))
    adjust_stock(variant=old, delta=40, reason="opening", kind="receipt", warehouse=main)
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=dt_timezone.utc))
    fast = make_product(stock=10, skus=["FAST-2"]).variants.get()
    sell(fast, 5, 2, main)
    rows = queries.list_cover(window=30, slow_only=True)
    assert [(r.sku, r.age_days, r.action, r.clearance_percent) for r in rows] == [("OLD-1", 100, "clear", 30)]


def test_daily_sheet_xlsx_and_morning_email_reach_stock_staff(main):
    staff = make_staff("operator")
    staff.email = "ops@example.com"
    staff.save()
    make_staff("designer").__class__.objects.filter(username="designer").update(email="design@example.com")
    variant = make_product(stock=20, skus=["MUG-1"], cost_price="12.50").variants.get()
    sell(variant, 4, 1, main)
    ensure_stock_summaries_current()  # what the pages, the command and the worker do first
    rows = queries.build_daily_sheet()
    data = build_daily_sheet_xlsx(rows, queries.local_today())
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "库存日报 2026-11-23"
    assert [c.value for c in sheet[2]][:4] == ["SKU", "商品", "规格", "在库"]
    values = [c.value for c in sheet[3]]
    assert values[0] == "MUG-1" and values[3:10] == [16, 0, 16, 0, 4, 0.57, 28.1]
    assert values[12] == 200.0
    send_daily_inventory_sheet()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.com"]  # the designer may not adjust stock
    assert message.subject == "库存日报 2026-11-23"
    name, content, mimetype = message.attachments[0]
    assert name == "inventory-2026-11-23.xlsx" and content[:2] == b"PK"


def test_stocktake_by_barcode_posts_variances_in_one_transaction(main):
    category = make_category()
    a = make_product(stock=10, skus=["A-1"], category=category).variants.get()
    b = make_product(stock=5, skus=["B-1"], category=category).variants.get()
    make_product(stock=7, skus=["OTHER"])
    type(a).objects.filter(pk=a.pk).update(barcode="6901234567892")
    sheet = open_stocktake(actor=None, warehouse=main, category=category)
    assert sorted(sheet.lines.values_list("variant__sku", "expected")) == [("A-1", 10), ("B-1", 5)]
    for _scan in range(3):
        record_count(actor=None, stocktake=sheet, code="6901234567892", quantity=1, add=True)
    record_count(actor=None, stocktake=sheet, code="A-1", quantity=8, add=True)  # 3 scanned + 8 typed
    record_count(actor=None, stocktake=sheet, code="B-1", quantity=6)
    report = queries.get_variance_report(sheet)
    assert [(x["line"].variant.sku, x["variance"].units) for x in report["lines"]] == [("A-1", 1), ("B-1", 1)]
    assert report["summary"].value == Decimal("40.00")
    assert post_stocktake(actor=None, stocktake=sheet) == 2
    assert (level(a, main).on_hand, level(b, main).on_hand) == (11, 6)
    assert sorted(
        StockMove.objects.filter(reference=sheet.number).values_list("variant__sku", "kind", "on_hand_delta")
    ) == [("A-1", "stocktake", 1), ("B-1", "stocktake", 1)]
    assert_ledger_matches(a)
    with pytest.raises(DomainError) as closed:
        record_count(actor=None, stocktake=sheet, code="A-1", quantity=3)
    assert closed.value.code == "stocktake_closed"


def test_unknown_code_in_a_count_is_refused_and_nothing_is_counted(main):
    make_product(stock=3, skus=["C-1"])
    sheet = open_stocktake(actor=None, warehouse=main)
    with pytest.raises(DomainError) as unknown:
        record_count(actor=None, stocktake=sheet, code="NOPE-9", quantity=1)
    assert unknown.value.code == "unknown_code" and "NOPE-9" in str(unknown.value.detail)
    with pytest.raises(DomainError) as negative:
        record_count(actor=None, stocktake=sheet, code="C-1", quantity=-1)
    assert negative.value.code == "quantity_invalid"
    assert not sheet.lines.filter(counted__isnull=False).exists()


def test_a_stocktake_that_cannot_post_rolls_back_every_line(main):
    a = make_product(stock=10, skus=["A-2"]).variants.get()
    b = make_product(stock=5, skus=["B-2"]).variants.get()
    sheet = open_stocktake(actor=None, warehouse=main)
    record_count(actor=None, stocktake=sheet, code="A-2", quantity=12)
    record_count(actor=None, stocktake=sheet, code="B-2", quantity=0)
    reserve_stock(reference="DP9", wanted={b.id: 3})  # counted 0, but 3 are promised to an order
    with pytest.raises(DomainError) as refused:
        post_stocktake(actor=None, stocktake=sheet)
    assert refused.value.code == "stocktake_short"
    assert (level(a, main).on_hand, level(b, main).on_hand) == (10, 5)
    assert Stocktake.objects.get(pk=sheet.pk).status == "open"
    assert not StockMove.objects.filter(kind="stocktake").exists()
    cancel_stocktake(actor=None, stocktake=sheet)
    assert Stocktake.objects.get(pk=sheet.pk).status == "cancelled"


def test_receipt_updates_moving_average_cost(main, east):
    variant = make_product(stock=10, cost_price="20.00").variants.get()
    receive_stock(actor=None, variant=variant, warehouse=east, quantity=10, unit_cost="30.00", reference="PO1")
    variant.refresh_from_db()
    assert variant.cost_price == Decimal("25.00")
    assert level(variant, east).on_hand == 10
    assert StockMove.objects.filter(variant=variant, kind="receipt", reference="PO1").get().on_hand_delta == 10
    with pytest.raises(DomainError) as bad:
        receive_stock(actor=None, variant=variant, warehouse=east, quantity=1, unit_cost="abc", reference="PO1")
    assert bad.value.code == "cost_invalid"
    assert level(variant, east).on_hand == 10


def test_receipts_and_posted_stocktakes_publish_events_for_bookkeeping(main):
    from dianpu import events

    seen = []
    handler = seen.append
    events.subscribe(events.StockReceived, handler)
    events.subscribe(events.StockCounted, handler)
    try:
        variant = make_product(stock=4, skus=["EV-1"], cost_price="10.00").variants.get()
        receive_stock(actor=None, variant=variant, warehouse=main, quantity=6, unit_cost="15.00", reference="PO9")
        sheet = open_stocktake(actor=None, warehouse=main)
        record_count(actor=None, stocktake=sheet, code="EV-1", quantity=8)
        post_stocktake(actor=None, stocktake=sheet)
    finally:
        events._handlers[events.StockReceived].remove(handler)
        events._handlers[events.StockCounted].remove(handler)
    received, counted = seen
    assert (received.variant_id, received.quantity, received.unit_cost, received.reference) == (
        variant.id,
        6,
        Decimal("15.00"),
        "PO9",
    )
    assert (counted.number, counted.variances) == (sheet.number, ((variant.id, -2, Decimal("13.00")),))


def test_inventory_sheet_command_saves_the_xlsx(main, tmp_path):
    from django.core.management import call_command

    make_product(stock=3, skus=["CMD-1"])
    call_command("inventory_sheet", "--output", str(tmp_path), "--date", "2026-11-22")
    book = load_workbook(tmp_path / "inventory-2026-11-22.xlsx")
    assert book.active["A1"].value == "库存日报 2026-11-22"
    assert book.active["A3"].value == "CMD-1"


def test_morning_sheet_is_scheduled_at_seven_shop_time():
    from dianpu.inventory.tasks import _utc_hour

    assert _utc_hour(7) == 23  # Asia/Shanghai is UTC+8


def test_units_found_in_a_warehouse_that_had_none_are_posted(main, east):
    variant = make_product(stock=5, skus=["FOUND-1"]).variants.get()
    sheet = open_stocktake(actor=None, warehouse=east)
    assert sheet.lines.get(variant=variant).expected == 0
    record_count(actor=None, stocktake=sheet, code="FOUND-1", quantity=2)
    assert post_stocktake(actor=None, stocktake=sheet) == 1
    assert (level(variant, east).on_hand, level(variant, main).on_hand) == (2, 5)
    assert_ledger_matches(variant)
