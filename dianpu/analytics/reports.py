"""Operating reports (经营报表): daily, weekly and monthly, as XLSX and PDF, kept in the database
and e-mailed to the roles that want them (settings.ANALYTICS_REPORT_ROLES).

`ensure_reports()` (the worker, hourly) writes every report whose period has ended and that does
not exist yet, so a worker that was down catches up and a second run writes nothing."""

import io
import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dianpu.core import clock
from dianpu.core.tables import Column, Table, to_xlsx

from . import queries
from .models import Report
from .shopdays import local_day

log = logging.getLogger(__name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The report period of kind `kind` that contains `day`."""
    if kind == "daily":
        return day, day
    if kind == "weekly":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def last_complete_period(kind: str, today: date) -> tuple[date, date]:
    """The latest period of this kind that has ended before `today`."""
    return period_of(kind, period_of(kind, today)[0] - timedelta(days=1))


def build_tables(date_from: date, date_to: date) -> list[Table]:
    dashboard = queries.get_dashboard(date_from, date_to)
    current, previous, changes = dashboard["current"], dashboard["previous"], dashboard["changes"]
    labels = [
        ("sales", _("销售额")),
        ("orders", _("订单数")),
        ("average_order_value", _("客单价")),
        ("visitors", _("访客数")),
        ("conversion_rate", _("转化率")),
        ("refunds", _("退款金额")),
        ("refund_rate", _("退款率")),
        ("new_customer_orders", _("新客订单")),
        ("returning_customer_orders", _("老客订单")),
    ]
    summary = Table(
        "summary",
        _("核心指标"),
        [
            Column("label", _("指标")),
            Column("current", _("本期")),
            Column("previous", _("上期")),
            Column("change", _("变化（%）")),
        ],
        [
            {
                "label": label,
                "current": _shown(key, current[key]),
                "previous": _shown(key, previous[key]),
                "change": "—" if changes[key] is None else f"{changes[key]:+.1f}",
            }
            for key, label in labels
        ],
    )
    daily = Table(
        "daily",
        _("每日数据"),
        [
            Column("date", _("日期")),
            Column("orders", _("订单数"), numeric=True),
            Column("sales", _("销售额"), numeric=True),
            Column("refunds", _("退款金额"), numeric=True),
            Column("visitors", _("访客数"), numeric=True),
        ],
        dashboard["series"],
    )
    flag_names = {"declining": _("下滑"), "improve_or_replace": _("需改进或更换")}
    items = queries.list_bestsellers(date_to)
    best = Table(
        "bestsellers",
        _("爆款数据跟踪"),
        [
            Column("name", _("商品")),
            Column("flag", _("预警")),
            Column("visitors", _("访客数"), numeric=True),
            Column("avg_dwell_seconds", _("平均停留（秒）"), numeric=True),
            Column("buyers", _("支付买家数"), numeric=True),
            Column("conversion_rate", _("转化率"), percent=True),
            Column("sales", _("销售额"), numeric=True),
        ],
        [{**i, "flag": flag_names.get(i["flag"], "")} for i in items[:30]],
    )
    flagged = Table("flags", _("预警商品"), best.columns, [r for r in best.rows if r["flag"]])
    channels = Table(
        "channels",
        _("渠道"),
        [
            Column("key", _("渠道")),
            Column("visits", _("访问次数"), numeric=True),
            Column("purchase_visits", pgettext("funnel step", "下单"), numeric=True),
            Column("conversion_rate", _("转化率"), percent=True),
        ],
        queries.list_channels(date_from, date_to),
    )
    categories = Table(
        "categories",
        _("按类目"),
        [
            Column("key", _("类目")),
            Column("orders", _("订单数"), numeric=True),
            Column("units", _("件数"), numeric=True),
            Column("sales", _("销售额"), numeric=True),
        ],
        queries.get_sales_breakdown(date_from, date_to, by="category"),
    )
    return [summary, flagged, daily, best, channels, categories]


def _shown(key: str, value) -> str:
    return f"{float(value) * 100:.1f}%" if key.endswith("_rate") else str(value)


def render_pdf(title: str, tables: list[Table]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    heading = ParagraphStyle("h", fontName="STSong-Light", fontSize=16, leading=22)
    subheading = ParagraphStyle("h2", fontName="STSong-Light", fontSize=12, leading=18, spaceBefore=10)
    cell = ParagraphStyle("c", fontName="STSong-Light", fontSize=8, leading=10)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), title=title, leftMargin=36, rightMargin=36)
    story = [Paragraph(title, heading), Spacer(1, 8)]
    for table in tables:
        story.append(Paragraph(str(table.title), subheading))
        if not table.rows:
            story.append(Paragraph(_("（无数据）"), cell))
            continue
        data = [[Paragraph(str(c.label), cell) for c in table.columns]]
        data += [[Paragraph(str(v), cell) for v in values] for values in table.cells()]
        grid = PdfTable(data, repeatRows=1, hAlign="LEFT")
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(grid)
    doc.build(story)
    return out.getvalue()


def report_title(kind: str, date_from: date, date_to: date) -> str:
    name = {"daily": _("经营日报"), "weekly": _("经营周报"), "monthly": _("经营月报")}[kind]
    span = str(date_from) if date_from == date_to else f"{date_from} ~ {date_to}"
    return f"{settings.SHOP_NAME} {name} {span}"


def recipients(kind: str) -> list[str]:
    roles = settings.ANALYTICS_REPORT_ROLES.get(kind, [])
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name__in=roles).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def generate_report(kind: str, date_from: date, *, send: bool = True, replace: bool = False) -> Report | None:
    """Write the report of this kind whose period starts at `date_from`; None if it exists already
    (unless `replace`: then its figures are made again, e.g. for a period not over yet)."""
    date_from, date_to = period_of(kind, date_from)
    existing = Report.objects.filter(period=kind, date_from=date_from)
    if existing.exists() and not replace:
        return None
    if replace:
        with translation.override(settings.LANGUAGE_CODE):
            tables = build_tables(date_from, date_to)
            xlsx, pdf = to_xlsx(*tables), render_pdf(report_title(kind, date_from, date_to), tables)
        if existing.update(xlsx=xlsx, pdf=pdf, created_at=clock.now()):
            return existing.get()
    with translation.override(settings.LANGUAGE_CODE):
        title = report_title(kind, date_from, date_to)
        tables = build_tables(date_from, date_to)
        xlsx, pdf = to_xlsx(*tables), render_pdf(title, tables)
    to = recipients(kind) if send else []
    try:
        with transaction.atomic():
            report = Report.objects.create(
                period=kind,
                date_from=date_from,
                date_to=date_to,
                xlsx=xlsx,
                pdf=pdf,
                emailed_to=", ".join(to),
                created_at=clock.now(),
            )
    except IntegrityError:
        return None  # another worker wrote it meanwhile
    if to:
        transaction.on_commit(lambda: _send(report.pk))
    return report


def _send(report_id: int) -> None:
    from .tasks import email_report  # tasks import this module; import late

    try:
        email_report(report_id)
    except Exception:  # a mail outage must not lose the report
        log.exception("could not queue the report e-mail", extra={"report_id": report_id})


def email_report(report_id: int) -> None:
    report = Report.objects.get(pk=report_id)
    to = [a.strip() for a in report.emailed_to.split(",") if a.strip()]
    if not to:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = report_title(report.period, report.date_from, report.date_to)
        body = _("附件是%(title)s（XLSX 与 PDF）。报表也保存在运营后台「数据分析 → 经营报表」。") % {"title": title}
    message = EmailMessage(subject=title, body=body, to=to)
    base = f"report-{report.period}-{report.date_from}"
    message.attach(f"{base}.xlsx", bytes(report.xlsx), XLSX_TYPE)
    message.attach(f"{base}.pdf", bytes(report.pdf), "application/pdf")
    message.send()


def ensure_reports(*, send: bool = True) -> list[Report]:
    """Write the latest complete daily, weekly and monthly reports that do not exist yet."""
    today = local_day(clock.now())
    made = []
    for kind in ("daily", "weekly", "monthly"):
        date_from, _date_to = last_complete_period(kind, today)
        report = generate_report(kind, date_from, send=send)
        if report is not None:
            made.append(report)
    return made


def list_reports():
    return Report.objects.defer("xlsx", "pdf").order_by("-date_to", "period")[:200]


def get_report_file(pk: int, fmt: str):
    """(file name, bytes, content type) of a kept report, or None."""
    if fmt not in ("xlsx", "pdf"):
        return None
    report = Report.objects.filter(pk=pk).first()
    if report is None:
        return None
    name = f"report-{report.period}-{report.date_from}.{fmt}"
    return name, bytes(getattr(report, fmt)), XLSX_TYPE if fmt == "xlsx" else "application/pdf"
