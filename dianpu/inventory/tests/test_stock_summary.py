"""The maintained per-SKU stock summary and the one stock verdict.

The summary (kept by the services in each move's transaction, rolled each night) must equal the
same figures recomputed from the raw tables after every kind of move; the daily sheet, the
days-of-cover page and the XLSX must give every SKU the same verdict."""

import io
import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from dianpu.accounts.tests.builders import make_staff
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.inventory import queries
from dianpu.inventory.models import StockSummary
from dianpu.inventory.services import (
    adjust_stock,
    consume_reservations,
    create_warehouse,
    ensure_stock_summaries_current,
    get_default_warehouse,
    open_stocktake,
    post_stocktake,
    rebuild_stock_summaries,
    record_count,
    release_reservations,
    reserve_stock,
    roll_stock_summaries,
    set_safety_stock,
    transfer_stock,
)
from dianpu.purchasing.queries import get_on_order_by_variant
from dianpu.purchasing.services import (
    LineInput,
    cancel_purchase_order,
    create_purchase_order,
    receive_purchase_order,
    send_purchase_order,
)
from dianpu.purchasing.tests.builders import make_supplier

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=dt_timezone.utc)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)
    with translation.override("zh-hans"):
        yield
    clock.freeze(None)


def at(days_ago: int):
    clock.freeze(NOW - timedelta(days=days_ago))


def sell(variant, units, days_ago, ref):
    at(days_ago)
    reserve_stock(reference=ref, wanted={variant.id: units})
    consume_reservations(reference=ref)
    clock.freeze(NOW)


def summary_fields():
    return {
        s.variant_id: (
            s.on_hand,
            s.reserved,
            s.available,
            s.safety_stock,
            s.on_order,
            s.sold_yesterday,
            s.sold_7,
            s.sold_14,
            s.sold_30,
            s.returned_7,
            s.last_sale_at,
            s.oldest_unit_on,
            s.days_of_cover,
            s.action,
            s.is_slow,
        )
        for s in StockSummary.objects.all()
    }


def assert_summary_equals_raw():
    ensure_stock_summaries_current()
    assert queries.list_summary_drift(on_order=get_on_order_by_variant()) == []


def test_summary_equals_the_raw_tables_after_every_kind_of_move():
    main = get_default_warehouse()
    east = create_warehouse(actor=None, code="east", name="华东仓")
    owner = make_staff("owner")
    at(100)
    tee = make_product(stock=40, skus=["TEE-1"]).variants.get()
    mug = make_product(stock=0, skus=["MUG-1"]).variants.get()
    cap = make_product(stock=5, skus=["CAP-1"]).variants.get()
    clock.freeze(NOW)
    assert_summary_equals_raw()
    # sales over the windows, one today (not in any window yet)
    sell(tee, 3, 1, "A1")
    sell(tee, 4, 6, "A2")
    sell(tee, 5, 12, "A3")
    sell(tee, 6, 25, "A4")
    sell(cap, 5, 20, "C1")  # sold out, sold in the last 30 days
    sell(tee, 2, 0, "A5")
    assert_summary_equals_raw()
    # a cancel: held, then released
    reserve_stock(reference="X1", wanted={tee.id: 2})
    assert_summary_equals_raw()
    release_reservations(reference="X1")
    # an open order still holding units
    reserve_stock(reference="X2", wanted={tee.id: 1})
    # a return back on the shelf, two days ago
    at(2)
    adjust_stock(variant=tee, delta=2, reason="退货入库", kind="return", reference="R1", warehouse=main)
    clock.freeze(NOW)
    # adjustments, a transfer, safety stock
    adjust_stock(variant=mug, delta=12, reason="盘盈", warehouse=main)
    adjust_stock(variant=mug, delta=-2, reason="报损", warehouse=main)
    transfer_stock(actor=owner, variant=tee, from_warehouse=main, to_warehouse=east, quantity=4)
    set_safety_stock(actor=owner, variant=tee, warehouse=main, safety_stock=8)
    set_safety_stock(actor=owner, variant=tee, warehouse=east, safety_stock=2)
    assert_summary_equals_raw()
    # purchasing: sent (on order), partly received, another cancelled
    supplier = make_supplier()
    order = create_purchase_order(
        actor=owner, supplier=supplier, lines=[LineInput("MUG-1", 30, "9.00"), LineInput("TEE-1", 10, "20.00")]
    )
    send_purchase_order(actor=owner, order=order)
    other = create_purchase_order(actor=owner, supplier=supplier, lines=[LineInput("MUG-1", 7, "9.00")])
    send_purchase_order(actor=owner, order=other)
    assert StockSummary.objects.get(variant=mug).on_order == 37
    receive_purchase_order(actor=owner, order=order, received={"MUG-1": 12})
    cancel_purchase_order(actor=owner, order=other)
    assert StockSummary.objects.get(variant=mug).on_order == 18
    assert_summary_equals_raw()
    # a stocktake finds one tee short in the main warehouse
    sheet = open_stocktake(actor=owner, warehouse=main)
    record_count(actor=owner, stocktake=sheet, code="TEE-1", quantity=sheet.lines.get(variant=tee).expected - 1)
    post_stocktake(actor=owner, stocktake=sheet)
    assert_summary_equals_raw()

    s = StockSummary.objects.get(variant=tee)
    # 40 − 3 − 4 − 5 − 6 − 2 sold + 2 returned − 1 counted short = 21 on hand; 1 held
    assert (s.on_hand, s.reserved, s.available, s.safety_stock, s.on_order) == (21, 1, 20, 10, 10)
    assert (s.sold_yesterday, s.sold_7, s.sold_14, s.sold_30, s.returned_7) == (3, 7, 12, 18, 2)
    assert s.last_sale_at == NOW and (s.action, s.days_of_cover) == ("ok", Decimal("33.3"))
    c = StockSummary.objects.get(variant=cap)
    assert (c.available, c.sold_7, c.sold_30, c.action) == (0, 0, 5, "restock")  # sold out but selling

    # the next day: the windows move on (today's 2 units are now yesterday's)
    clock.freeze(NOW + timedelta(days=1))
    assert roll_stock_summaries() == 3
    s = StockSummary.objects.get(variant=tee)
    assert (s.sold_yesterday, s.sold_7, s.sold_30) == (2, 9, 20)
    assert_summary_equals_raw()
    # rebuilt from the raw tables, every row is what the services kept
    kept = summary_fields()
    rebuild_stock_summaries(on_order=get_on_order_by_variant())
    assert summary_fields() == kept


def test_rebuild_command_checks_and_rebuilds(capsys):
    make_product(stock=6, skus=["PEN-1"])
    StockSummary.objects.filter(variant__sku="PEN-1").update(on_hand=99)  # drift, as a bypassing load would leave
    with pytest.raises(Exception, match="difference"):
        call_command("rebuild_stock_summaries", "--check")
    call_command("rebuild_stock_summaries")
    call_command("rebuild_stock_summaries", "--check")
    assert "the summary equals the raw tables" in capsys.readouterr().out
    assert StockSummary.objects.get(variant__sku="PEN-1").on_hand == 6


def verdicts_on_page(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-sku="([^"]+)" data-action="([^"]+)"', html))


@pytest.fixture
def shelf():
    """SKUs whose 7-day and 30-day pictures differ, and one that sold out while selling."""
    at(90)
    soldout = make_product(stock=5, skus=["SOLDOUT"]).variants.get()  # 5 sold 20 days ago, none since
    burst = make_product(stock=60, skus=["BURST"]).variants.get()  # a burst this week, nothing before
    make_product(stock=30, skus=["STILL"])  # never sold, old stock
    make_product(stock=0, skus=["EMPTY"])  # nothing, never sold
    at(40)
    lull = make_product(stock=60, skus=["LULL"]).variants.get()  # sold every week, none in the last 7 days
    make_product(stock=30, skus=["FRESH"])  # never sold, newer stock
    clock.freeze(NOW)
    sell(soldout, 5, 20, "S1")
    for n, days in enumerate((9, 16, 23, 28)):
        sell(lull, 6, days, f"T{n}")
    sell(burst, 20, 3, "B1")


VERDICTS = {"BURST": "ok", "EMPTY": "watch", "FRESH": "promote", "LULL": "ok", "SOLDOUT": "restock", "STILL": "clear"}


def test_daily_sheet_cover_page_and_xlsx_give_every_sku_the_same_verdict(client, shelf):
    client.force_login(make_staff("owner"))
    sheet = verdicts_on_page(client.get("/console/inventory/daily/").text)
    for window in (7, 14, 30):
        assert verdicts_on_page(client.get("/console/inventory/cover/", {"window": window}).text) == sheet
    # SOLDOUT sold 5 in 30 days and is sold out: restock, not "no stock, no sales" (its 7-day
    # window is empty); LULL is "ok" on every page, not "promote" on the 7-day sheet
    assert sheet == VERDICTS
    # the raw recomputation judges the same, whatever window it shows
    for window in (7, 14, 30):
        assert {r.sku: r.action for r in queries.list_cover(window=window)} == sheet
    response = client.get("/console/inventory/daily.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    labels = {str(v): k for k, v in __import__("dianpu.inventory.messages", fromlist=["x"]).ACTION_LABELS.items()}
    xlsx = {row[0]: labels[row[-1]] for row in book.iter_rows(min_row=3, values_only=True)}
    assert xlsx == sheet


def test_cover_window_drop_down_shows_the_window_the_figures_use(client, shelf):
    client.force_login(make_staff("owner"))
    for params in ({}, {"page": "1"}, {"q": "LULL"}):
        page = client.get("/console/inventory/cover/", params)
        assert page.context["window"] == 30
        assert re.search(r'<option value="30" selected>', page.text)
        assert not re.search(r'<option value="7" selected>', page.text)
    [row] = client.get("/console/inventory/cover/", {"q": "LULL"}).context["rows"]
    assert (row.sold_in_window, row.velocity, row.days_of_cover) == (24, Decimal("0.80"), Decimal("45.0"))


def test_summary_cards_link_to_their_rows_and_the_sheet_filters_and_sorts(client, shelf):
    client.force_login(make_staff("owner"))
    page = client.get("/console/inventory/daily/")
    cards = {c["code"]: c for c in page.context["cards"]}
    assert {code: c["count"] for code, c in cards.items()} == {
        "restock": 1,
        "clear": 1,
        "promote": 1,
        "watch": 1,
        "ok": 2,
    }
    assert f'href="{cards["restock"]["url"]}"' in page.text
    assert verdicts_on_page(client.get(cards["restock"]["url"]).text) == {"SOLDOUT": "restock"}
    assert verdicts_on_page(client.get(cards["ok"]["url"]).text) == {"BURST": "ok", "LULL": "ok"}
    # the sheet sorts by the figures it shows (7-day cover: ∞ last), then SKU
    by_cover = client.get("/console/inventory/daily/", {"sort": "cover"}).context["rows"]
    assert [(r.sku, r.days_of_cover) for r in by_cover][:2] == [("BURST", Decimal("14.0")), ("EMPTY", None)]
    assert [r.sku for r in by_cover] == ["BURST", "EMPTY", "FRESH", "LULL", "SOLDOUT", "STILL"]
    by_available = client.get("/console/inventory/daily/", {"sort": "-available"}).context["rows"]
    assert [r.sku for r in by_available] == ["BURST", "LULL", "FRESH", "STILL", "EMPTY", "SOLDOUT"]
    assert [r.sku for r in client.get("/console/inventory/daily/", {"q": "SOLD"}).context["rows"]] == ["SOLDOUT"]
    # the cover page over 30 days: SOLDOUT lasts 0 days, LULL 45, BURST 60
    by_cover = client.get("/console/inventory/cover/", {"sort": "cover"}).context["rows"]
    assert [r.sku for r in by_cover][:3] == ["SOLDOUT", "LULL", "BURST"]
    slow = client.get("/console/inventory/cover/", {"slow": "on"}).context["rows"]
    assert [(r.sku, r.age_days, r.clearance_percent) for r in slow] == [("STILL", 90, 30), ("FRESH", 40, 20)]


def test_an_import_keeps_the_summary_equal_to_a_full_rebuild():
    """The import writes the summary rows of its new SKUs whole (their first moves) and moves
    the existing ones: both equal the raw tables and a rebuild, field for field."""
    from dianpu.catalog.imports import import_products
    from dianpu.catalog.spreadsheets import write_csv
    from dianpu.catalog.tasks import stock_setter

    east = create_warehouse(actor=None, code="east", name="华东仓")
    at(60)
    old = make_product(stock=20, skus=["OLD-1"]).variants.get()
    elsewhere = make_product(stock=0, skus=["EAST-1"]).variants.get()
    adjust_stock(variant=elsewhere, delta=7, reason="调入", warehouse=east)  # stock only in the east
    clock.freeze(NOW)
    sell(old, 6, 5, "S1")
    header = ["handle", "name", "sku", "price", "stock"]
    rows = [
        ["new-tee", "新款T恤", "NEW-A", "59.00", "12"],
        ["new-tee", "", "NEW-B", "59.00", "0"],
        ["new-mug", "马克杯", "NEW-C", "29.00", ""],
        [old.product.slug, old.product.name, "OLD-1", "59.00", "3"],
        [elsewhere.product.slug, elsewhere.product.name, "EAST-1", "59.00", "4"],
    ]
    report = import_products(data=write_csv(header, rows, bom=False), filename="new.csv", set_stock=stock_setter(None))
    assert (report.variants_created, report.stock_rows) == (3, 3)
    assert_summary_equals_raw()
    new = StockSummary.objects.get(variant__sku="NEW-A")
    assert (new.on_hand, new.available, new.oldest_unit_on, new.sold_30) == (12, 12, NOW.date(), 0)
    assert StockSummary.objects.get(variant__sku="EAST-1").on_hand == 11  # 7 in the east + 4 here
    assert StockSummary.objects.get(variant__sku="OLD-1").on_hand == 3
    kept = summary_fields()
    assert len(kept) == 5  # NEW-B has a row (from the roll) though nothing moved
    rebuild_stock_summaries(on_order=get_on_order_by_variant())
    assert summary_fields() == kept
