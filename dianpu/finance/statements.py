"""Statements (P&L, trial balance, budget, margins) as export tables — XLSX/CSV through
core.exports (cells neutralised there) — and as a PDF (reportlab, Chinese in the CID font
STSong-Light)."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from dianpu.core.tables import Column, Table, format_cell, neutralise_cell

FONT = "STSong-Light"


def pnl_labels() -> dict[str, str]:
    return {
        "net_sales": _("净销售额"),
        "cost_of_goods": _("销售成本"),
        "gross_profit": _("毛利"),
        "shipping_cost": _("物流费用"),
        "payment_fees": _("支付手续费"),
        "ad_spend": _("广告费用"),
        "other_expenses": _("其他费用"),
        "net_profit": _("净利润"),
    }


def pnl_table(figures: dict, compare: dict | None, title: str) -> Table:
    labels = pnl_labels()
    rows = []
    for key, label in labels.items():
        row = {"line": label, "amount": figures[key]}
        if compare:
            row.update(previous=compare[key]["previous"], change=compare[key]["change"])
        rows.append(row)
    columns = [Column("line", _("项目")), Column("amount", _("金额"), numeric=True)]
    if compare:
        columns += [Column("previous", _("上期"), numeric=True), Column("change", _("变化"), numeric=True)]
    return Table("pnl", title, columns, rows)


def trial_balance_table(tb: dict, title: str) -> Table:
    rows = [
        {"code": a["code"], "name": a["name"], "debit": a["debit"], "credit": a["credit"], "balance": a["balance"]}
        for a in tb["accounts"]
    ]
    rows.append(
        {"code": "", "name": _("合计"), "debit": tb["debit_total"], "credit": tb["credit_total"], "balance": ""}
    )
    return Table(
        "trial-balance",
        title,
        [
            Column("code", _("科目代码")),
            Column("name", _("科目")),
            Column("debit", _("借方"), numeric=True),
            Column("credit", _("贷方"), numeric=True),
            Column("balance", _("余额"), numeric=True),
        ],
        rows,
    )


def budget_table(budget: dict, labels: dict, title: str) -> Table:
    rows = [
        {
            "category": str(labels.get(r["category"], r["category"])),
            "budget": r["budget"],
            "campaign_budget": r["campaign_budget"],
            "actual": r["actual"],
            "variance": r["variance"],
        }
        for r in budget["rows"]
    ]
    rows.append({"category": _("合计"), **budget["totals"]})
    return Table(
        "budget",
        title,
        [
            Column("category", _("类别")),
            Column("budget", _("预算"), numeric=True),
            Column("campaign_budget", _("活动预算"), numeric=True),
            Column("actual", _("实际"), numeric=True),
            Column("variance", _("差异"), numeric=True),
        ],
        rows,
    )


def tax_table(summary: dict, title: str) -> Table:
    rows = [
        {"rate": f"{r['rate_percent']}%", "charged": r["charged"], "base": r["base"], "tax": r["tax"]}
        for r in summary["rows"]
    ]
    rows.append({"rate": _("合计"), "tax": summary["tax_total"]})
    return Table(
        "tax",
        title,
        [
            Column("rate", _("税率")),
            Column("charged", _("含税销售额") if summary["prices_include_tax"] else _("销售额"), numeric=True),
            Column("base", _("不含税金额"), numeric=True),
            Column("tax", _("税额"), numeric=True),
        ],
        rows,
    )


def margins_table(rows: list[dict], title: str) -> Table:
    return Table(
        "margins",
        title,
        [
            Column("name", _("名称")),
            Column("net_sales", _("净销售额"), numeric=True),
            Column("cost_of_goods", _("销售成本"), numeric=True),
            Column("gross_profit", _("毛利"), numeric=True),
            Column("gross_margin_percent", _("毛利率 %"), numeric=True),
            Column("ad_spend", _("广告费用"), numeric=True),
            Column("shipping_cost", _("物流费用"), numeric=True),
            Column("payment_fees", _("支付手续费"), numeric=True),
            Column("contribution", _("贡献利润"), numeric=True),
            Column("contribution_margin_percent", _("贡献利润率 %"), numeric=True),
        ],
        rows,
    )


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def table_pdf(table: Table, subtitle: str = "") -> bytes:
    """The statement as an A4 PDF: shop name and title, the subtitle (range), the table."""
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20)
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=table.title,
        author=settings.SHOP_NAME,
    )
    data = [[c.label for c in table.columns]]
    data += [
        [escape(str(neutralise_cell(format_cell(row.get(c.key), c)) or "")) for c in table.columns]
        for row in table.rows
    ]
    grid = PdfTable(data, repeatRows=1)
    numeric = [i for i, c in enumerate(table.columns) if c.numeric]
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaeef2")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#d0d7de")),
    ]
    style += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in numeric]
    grid.setStyle(TableStyle(style))
    story = [Paragraph(escape(f"{settings.SHOP_NAME} · {table.title}"), title)]
    if subtitle:
        story.append(Paragraph(escape(subtitle), body))
    story += [Spacer(1, 4 * mm), grid]
    doc.build(story)
    return out.getvalue()
