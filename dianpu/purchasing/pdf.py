"""A purchase order as a PDF (reportlab), Chinese set in the built-in CID font STSong-Light."""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import PurchaseOrder
from .queries import order_total

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def build_purchase_order_pdf(order: PurchaseOrder) -> bytes:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{_('采购单')} {order.number}",
        author=settings.SHOP_NAME,
    )
    supplier = order.supplier
    sent = timezone.localtime(order.sent_at or order.created_at)
    story = [
        Paragraph(f"{settings.SHOP_NAME} · {_('采购单')} {order.number}", title),
        Spacer(1, 4 * mm),
        Paragraph(
            f"{_('供应商')}: {supplier.name} ({supplier.code})"
            f"{' · ' + supplier.contact_name if supplier.contact_name else ''}"
            f"{' · ' + supplier.phone if supplier.phone else ''}"
            f"{' · ' + supplier.email if supplier.email else ''}",
            body,
        ),
        Paragraph(
            f"{_('收货仓库')}: {order.warehouse.name} · {_('日期')}: {sent:%Y-%m-%d} · "
            f"{_('交货周期（天）')}: {supplier.lead_time_days}",
            body,
        ),
    ]
    if order.note:
        story.append(Paragraph(f"{_('备注')}: {order.note}", body))
    story.append(Spacer(1, 5 * mm))
    rows = [[_("SKU"), _("商品"), _("条码"), _("数量"), _("进价"), _("金额")]]
    for ln in order.lines.all():
        name = f"{ln.variant.product.name} {ln.variant.option_label}".strip()
        rows.append(
            [
                ln.variant.sku,
                Paragraph(name, body),
                ln.variant.barcode,
                str(ln.quantity_ordered),
                f"{ln.unit_cost:.2f}",
                f"{ln.unit_cost * ln.quantity_ordered:.2f}",
            ]
        )
    rows.append(
        ["", _("合计"), "", str(sum(ln.quantity_ordered for ln in order.lines.all())), "", f"{order_total(order):.2f}"]
    )
    table = Table(rows, colWidths=[32 * mm, 62 * mm, 28 * mm, 16 * mm, 20 * mm, 22 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
                ("GRID", (0, 0), (-1, -2), 0.4, colors.HexColor("#999999")),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return out.getvalue()


def purchase_order_filename(order: PurchaseOrder) -> str:
    return f"{order.number}.pdf"
