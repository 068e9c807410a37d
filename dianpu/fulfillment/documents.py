"""Warehouse documents as PDF (reportlab): pick lists, packing slips and shipping labels.

Chinese text uses reportlab's built-in CID font STSong-Light (no font file to ship). The callers
pass plain data (`PickLine`, `ParcelDoc`); this module reads no tables, so any app's query can
feed it. Labels carry a Code128 barcode of the tracking number.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from reportlab.graphics.barcode import code128
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@dataclass(frozen=True)
class PickLine:
    warehouse: str
    sku: str
    name: str
    variant: str
    quantity: int
    orders: tuple[str, ...]


@dataclass(frozen=True)
class DocLine:
    sku: str
    name: str
    variant: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class ParcelDoc:
    number: str
    placed_at: str
    ship_name: str
    ship_phone: str
    address: str
    postcode: str
    shipping_method: str
    carrier: str = ""
    tracking_number: str = ""
    note: str = ""
    lines: tuple[DocLine, ...] = field(default_factory=tuple)
    shop_name: str = ""
    sender: str = ""


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def render_pick_list(lines: list[PickLine], *, title: str, printed_at: str, labels: dict[str, str]) -> bytes:
    """One table per warehouse, SKUs in order: what to take from the shelves for these orders."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    y = height - 20 * mm

    def heading():
        nonlocal y
        c.setFont(FONT, 16)
        c.drawString(15 * mm, y, title)
        c.setFont(FONT, 9)
        c.drawRightString(width - 15 * mm, y, printed_at)
        y -= 10 * mm

    heading()
    current = None
    for line in lines:
        if y < 25 * mm:
            c.showPage()
            y = height - 20 * mm
            heading()
            current = None
        if line.warehouse != current:
            current = line.warehouse
            c.setFont(FONT, 12)
            c.drawString(15 * mm, y, f"{labels['warehouse']}: {line.warehouse}")
            y -= 6 * mm
            c.setFont(FONT, 9)
            for x, key in ((15, "sku"), (55, "product"), (140, "quantity"), (155, "orders")):
                c.drawString(x * mm, y, labels[key])
            y -= 5 * mm
        c.setFont(FONT, 10)
        c.rect(10 * mm, y - 1, 3 * mm, 3 * mm)
        c.drawString(15 * mm, y, _clip(line.sku, 22))
        c.drawString(55 * mm, y, _clip(f"{line.name} {line.variant}".strip(), 40))
        c.drawRightString(148 * mm, y, str(line.quantity))
        c.setFont(FONT, 7)
        c.drawString(155 * mm, y, _clip(", ".join(line.orders), 40))
        y -= 6 * mm
    c.showPage()
    c.save()
    return buf.getvalue()


def render_packing_slips(parcels: list[ParcelDoc], *, labels: dict[str, str]) -> bytes:
    """One A4 page per order: address, lines and quantities, to put in the box."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    for p in parcels:
        y = height - 20 * mm
        c.setFont(FONT, 16)
        c.drawString(15 * mm, y, f"{labels['packing_slip']}  {p.shop_name}".strip())
        c.setFont(FONT, 10)
        c.drawRightString(width - 15 * mm, y, f"{labels['order']}: {p.number}")
        y -= 7 * mm
        c.drawRightString(width - 15 * mm, y, p.placed_at)
        c.drawString(15 * mm, y, f"{labels['ship_to']}: {p.ship_name}  {p.ship_phone}")
        y -= 6 * mm
        c.drawString(15 * mm, y, _clip(f"{p.address} {p.postcode}".strip(), 60))
        y -= 6 * mm
        c.drawString(
            15 * mm,
            y,
            f"{labels['shipping_method']}: {p.shipping_method}"
            + (f"   {p.carrier} {p.tracking_number}" if p.tracking_number else ""),
        )
        y -= 10 * mm
        c.setFont(FONT, 9)
        for x, key in ((15, "sku"), (60, "product"), (165, "quantity")):
            c.drawString(x * mm, y, labels[key])
        y -= 2 * mm
        c.line(15 * mm, y, width - 15 * mm, y)
        y -= 5 * mm
        c.setFont(FONT, 10)
        for ln in p.lines:
            if y < 30 * mm:
                c.showPage()
                y = height - 20 * mm
                c.setFont(FONT, 10)
            c.drawString(15 * mm, y, _clip(ln.sku, 24))
            c.drawString(60 * mm, y, _clip(f"{ln.name} {ln.variant}".strip(), 50))
            c.drawRightString(175 * mm, y, str(ln.quantity))
            y -= 6 * mm
        y -= 4 * mm
        c.drawString(15 * mm, y, f"{labels['total_units']}: {sum(ln.quantity for ln in p.lines)}")
        if p.note:
            y -= 6 * mm
            c.drawString(15 * mm, y, _clip(f"{labels['note']}: {p.note}", 70))
        c.showPage()
    c.save()
    return buf.getvalue()


def render_labels(parcels: list[ParcelDoc], *, labels: dict[str, str]) -> bytes:
    """One A6 label per parcel: carrier, Code128 barcode of the tracking number, recipient, sender."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A6)
    width, height = A6
    for p in parcels:
        y = height - 12 * mm
        c.setFont(FONT, 14)
        c.drawString(8 * mm, y, p.carrier or p.shipping_method)
        c.setFont(FONT, 8)
        c.drawRightString(width - 8 * mm, y, p.number)
        y -= 4 * mm
        if p.tracking_number:
            barcode = code128.Code128(p.tracking_number, barHeight=16 * mm, barWidth=0.33 * mm)
            x = max(4 * mm, (width - barcode.width) / 2)
            barcode.drawOn(c, x, y - 16 * mm)
            y -= 21 * mm
            c.setFont(FONT, 11)
            c.drawCentredString(width / 2, y, p.tracking_number)
        y -= 9 * mm
        c.line(6 * mm, y + 5 * mm, width - 6 * mm, y + 5 * mm)
        c.setFont(FONT, 9)
        c.drawString(8 * mm, y, labels["ship_to"])
        y -= 6 * mm
        c.setFont(FONT, 13)
        c.drawString(8 * mm, y, f"{p.ship_name}  {p.ship_phone}")
        c.setFont(FONT, 10)
        text = f"{p.address} {p.postcode}".strip()
        for i in range(0, min(len(text), 72), 24):
            y -= 6 * mm
            c.drawString(8 * mm, y, text[i : i + 24])
        if p.sender:
            c.setFont(FONT, 8)
            c.drawString(8 * mm, 10 * mm, _clip(f"{labels['sender']}: {p.sender}", 40))
        c.showPage()
    c.save()
    return buf.getvalue()
