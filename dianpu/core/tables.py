"""A table as the console shows it and as it is exported (CSV, XLSX) or put in a report.

Generic (no app imports): analytics, reports and every console list export through it. `rows`
may be any iterable of dicts (a generator over a queryset's .iterator()); csv_lines and
xlsx_file go through it once, holding one row at a time."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal


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


def _plain(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


class _Line:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text = text


def csv_lines(table: Table):
    """The CSV file line by line (UTF-8 with a BOM, so Excel opens Chinese text), for streaming."""
    line = _Line()
    writer = csv.writer(line)
    writer.writerow([str(c.label) for c in table.columns])
    yield ("\ufeff" + line.text).encode("utf-8")
    for row in table.rows:
        writer.writerow([_plain(row.get(c.key)) if row.get(c.key) is not None else "" for c in table.columns])
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
        cell = WriteOnlyCell(sheet, value=str(c.label))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        values = []
        for c in table.columns:
            value = row.get(c.key)
            values.append(float(value) if isinstance(value, Decimal) else _plain(value) if value is not None else None)
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([_plain(row.get(c.key)) if row.get(c.key) is not None else "" for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly


def add_sheet(workbook, table: Table) -> None:
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title=str(table.title)[:31] or table.key)
    sheet.append([str(c.label) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        values = []
        for c in table.columns:
            value = row.get(c.key)
            values.append(float(value) if isinstance(value, Decimal) else _plain(value) if value is not None else None)
        sheet.append(values)
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
