"""A table as the console shows it and as it is exported (CSV, XLSX) or put in a report.

Generic (no app imports): analytics, reports and every console list export through it. `rows`
may be any iterable of dicts (a generator over a queryset's .iterator()); csv_lines and
xlsx_file go through it once, holding one row at a time."""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

# --- formula injection (OWASP "CSV Injection") --------------------------------------------------
# A spreadsheet runs a cell that begins with one of these as a formula (=HYPERLINK(...), +cmd|...,
# -2+3, @SUM(...)); a tab or carriage return in front hides the same. Every export in the shop
# passes its cells through `neutralise_cell`: such a text gets a leading single quote, so Excel,
# LibreOffice and WPS show it as text. Genuine numbers (int, Decimal, float, or a text that is
# just a signed number such as "-12.50") are left alone, so they stay numbers.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """True for a text a spreadsheet would evaluate (also after quotes we added before it)."""
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(bare)


def neutralise_cell(value):
    """The value to write to a CSV/XLSX cell: a formula-like text with a leading single quote.
    A text that already starts with quotes before a trigger gets one more, so `restore_cell`
    gives back exactly what was exported."""
    if isinstance(value, str) and value and is_formula_like(value):
        return "'" + value
    return value


def neutralise_row(values) -> list:
    return [neutralise_cell(v) for v in values]


def restore_cell(text: str) -> str:
    """What `neutralise_cell` wrote, read back from one of our own files (imports round-trip)."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


# Control characters XML 1.0 cannot hold (openpyxl refuses them): dropped from XLSX cells.
ILLEGAL_XLSX_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_value(value):
    """A value for an XLSX cell: numbers stay numbers (Decimal as float), texts are neutralised
    strings (openpyxl makes a formula only of a text beginning with "=", which a neutralised
    text never does), None stays empty, anything else is written as its text."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return neutralise_cell(ILLEGAL_XLSX_CHARS.sub("", str(value)))


def csv_value(value):
    """A value for a CSV cell: neutralised text, numbers as written, None as empty."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    return neutralise_cell(str(value))


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False
    percent: bool = False  # a 0–1 rate shown as a percentage


@dataclass
class Table:
    key: str  # ?export=csv&table=<key>
    title: str
    columns: list[Column]
    rows: list[dict]
    links: dict[str, str] = field(default_factory=dict)  # column key -> row key holding the URL

    def cells(self):
        """Rows as lists of display values (rates as percentages)."""
        for row in self.rows:
            yield [format_cell(row.get(c.key), c) for c in self.columns]


def format_cell(value, column: Column):
    if value is None:
        return "—"
    if column.percent:
        return f"{float(value) * 100:.1f}%"
    return value


class _Line:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text = text


def csv_lines(table: Table):
    """The CSV file line by line (UTF-8 with a BOM, so Excel opens Chinese text), for streaming."""
    line = _Line()
    writer = csv.writer(line)
    writer.writerow([csv_value(str(c.label)) for c in table.columns])
    yield ("\ufeff" + line.text).encode("utf-8")
    for row in table.rows:
        writer.writerow([csv_value(row.get(c.key)) for c in table.columns])
        yield line.text.encode("utf-8")


def xlsx_file(table: Table) -> bytes:
    """One sheet, written row by row (openpyxl's write-only mode keeps memory flat)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(table.title)[:31] or table.key)
    header = []
    for c in table.columns:
        cell = WriteOnlyCell(sheet, value=xlsx_value(str(c.label)))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([xlsx_value(row.get(c.key)) for c in table.columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_value(str(c.label)) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(row.get(c.key)) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly


def add_sheet(workbook, table: Table) -> None:
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title=str(table.title)[:31] or table.key)
    sheet.append([xlsx_value(str(c.label)) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([xlsx_value(row.get(c.key)) for c in table.columns])
    for index, c in enumerate(table.columns, 1):
        if c.percent:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0%"
        elif c.numeric:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(10, len(str(c.label)) * 2)


def to_xlsx(*tables: Table) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        add_sheet(workbook, table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
