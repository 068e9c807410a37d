"""A table as the console shows it and as it is exported (CSV, XLSX) or put in a report."""

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
