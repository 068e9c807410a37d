"""The daily inventory sheet as an XLSX workbook (openpyxl), in the current language."""

import io
import tempfile
from collections.abc import Iterable
from datetime import date
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from dianpu.core.tables import xlsx_value

from .messages import ACTION_LABELS
from .queries import CoverRow

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ALERT_FILL = PatternFill("solid", fgColor="FCE4D6")
BOLD = Font(bold=True)


def sheet_headers() -> list[str]:
    return [
        _("SKU"),
        _("商品"),
        _("规格"),
        _("在库"),
        _("已占用"),
        _("可用"),
        _("安全库存"),
        _("昨日销量"),
        _("7日日均销量"),
        _("可售天数"),
        _("库龄（天）"),
        _("近7日退货"),
        _("库存金额"),
        _("建议"),
    ]


def sheet_values(row: CoverRow, labels: dict | None = None) -> list:
    label = (labels or {}).get(row.action) or str(ACTION_LABELS.get(row.action, row.action))
    return [
        row.sku,
        row.name,
        row.option_label,
        row.on_hand,
        row.reserved,
        row.available,
        row.safety_stock,
        row.sold_yesterday,
        float(row.velocity),
        float(row.days_of_cover) if row.days_of_cover is not None else None,
        row.age_days,
        row.returns,
        float(row.stock_value),
        label,
    ]


def build_daily_sheet_xlsx(rows: Iterable[CoverRow], day: date, out: BinaryIO | None = None) -> bytes | None:
    """A write-only workbook: rows are streamed from `rows` (an iterator) to `out` (a file) in
    constant memory, whatever the SKU count; without `out` the bytes are returned."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("库存日报")[:31])
    for index, width in enumerate([18, 28, 12, 8, 8, 8, 10, 10, 12, 10, 10, 10, 12, 14], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B3"
    title = WriteOnlyCell(sheet, value=_("库存日报 %(day)s") % {"day": day.isoformat()})
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    header = []
    for text in sheet_headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = BOLD, HEADER_FILL
        header.append(cell)
    sheet.append(header)
    labels = {code: str(label) for code, label in ACTION_LABELS.items()}
    flagged_cells = {code: WriteOnlyCell(sheet, value=label) for code, label in labels.items() if code != "ok"}
    for cell in flagged_cells.values():
        cell.fill = ALERT_FILL
    for row in rows:
        values = [xlsx_value(v) for v in sheet_values(row, labels)]
        if row.action in flagged_cells:
            values[-1] = flagged_cells[row.action]
        sheet.append(values)
    if out is not None:
        book.save(out)
        return None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def daily_sheet_filename(day: date) -> str:
    return f"inventory-{day.isoformat()}.xlsx"


def build_daily_sheet_file(day: date):
    """The whole sheet (every SKU, from the maintained summary) in an open temporary file,
    rewound, streamed row by row in constant memory; the file vanishes when closed."""
    from .queries import iter_daily_sheet

    handle = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 (returned open)
    build_daily_sheet_xlsx(iter_daily_sheet(), day, out=handle)
    handle.seek(0)
    return handle
