"""Analytics pages of the console: dashboard, funnel, sources, bestsellers, sales analysis, the
rows behind a figure, reports. Every table exports to CSV and XLSX (?export=csv|xlsx&table=key)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core import clock
from dianpu.core.tables import Table, to_csv, to_xlsx

from .. import queries, reports
from ..domain.tracking import Channel, Device
from ..models import Report
from ..shopdays import local_day
from ..tasks import make_report_now
from .forms import DayForm, PeriodForm
from .tables import (
    bestseller_table,
    breakdown_table,
    channel_table,
    cohort_table,
    funnel_table,
    path_table,
    product_track_table,
    rfm_table,
    row_table,
    source_table,
)

BREAKDOWNS = {
    "category": gettext_lazy("按类目"),
    "price_band": gettext_lazy("按价格带"),
    "product": gettext_lazy("按商品"),
    "region": gettext_lazy("按地区"),
    "channel": gettext_lazy("按渠道"),
    "hour": gettext_lazy("按小时"),
    "weekday": gettext_lazy("按星期"),
}
CHANNEL_LABELS = {
    Channel.DIRECT: gettext_lazy("直接访问"),
    Channel.SEARCH: gettext_lazy("搜索引擎"),
    Channel.SOCIAL: gettext_lazy("社交媒体"),
    Channel.PAID: gettext_lazy("付费推广"),
    Channel.EMAIL: gettext_lazy("邮件"),
    Channel.REFERRAL: gettext_lazy("外部链接"),
    Channel.CAMPAIGN: gettext_lazy("活动推广"),
}
DEVICE_LABELS = {
    Device.DESKTOP: gettext_lazy("电脑"),
    Device.MOBILE: gettext_lazy("手机"),
    Device.TABLET: gettext_lazy("平板"),
}


def _export(request, tables: list[Table]):
    """The export response when asked for (?export=csv|xlsx&table=key), else None."""
    fmt = request.GET.get("export")
    if fmt not in ("csv", "xlsx"):
        return None
    wanted = [t for t in tables if t.key == request.GET.get("table")] or tables
    if fmt == "csv":
        response = HttpResponse(to_csv(wanted[0]), content_type="text/csv; charset=utf-8")
        name = f"{wanted[0].key}.csv"
    else:
        response = HttpResponse(
            to_xlsx(*wanted), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = f"{wanted[0].key if len(wanted) == 1 else 'analytics'}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _period(request):
    form = PeriodForm(request.GET or None)
    date_from, date_to = form.period()
    return form, date_from, date_to


def _orders_url(date_from, date_to) -> str:
    return f"{reverse('console:orders:order-list')}?date_from={date_from}&date_to={date_to}"


def _rows_url(kind, date_from, date_to) -> str:
    return f"{reverse('console:analytics:rows')}?kind={kind}&date_from={date_from}&date_to={date_to}"


@staff_permission_required(roles.VIEW_ANALYTICS)
def dashboard(request):
    form, date_from, date_to = _period(request)
    data = queries.get_dashboard(date_from, date_to)
    orders_url = _orders_url(date_from, date_to)
    cards = [
        ("sales", _("销售额"), True, orders_url),
        ("orders", _("订单数"), False, orders_url),
        ("average_order_value", _("客单价"), True, orders_url),
        ("visitors", _("访客数"), False, _rows_url("visits", date_from, date_to)),
        ("conversion_rate", _("转化率"), False, _rows_url("visits", date_from, date_to)),
        ("refunds", _("退款金额"), True, _rows_url("refunds", date_from, date_to)),
        ("refund_rate", _("退款率"), False, _rows_url("refunds", date_from, date_to)),
        ("new_customer_orders", _("新客订单"), False, _rows_url("new", date_from, date_to)),
        ("returning_customer_orders", _("老客订单"), False, _rows_url("returning", date_from, date_to)),
    ]
    card_rows = [
        {
            "key": key,
            "label": label,
            "money": money,
            "url": url,
            "percent": key.endswith("_rate"),
            "value": data["current"][key],
            "previous": data["previous"][key],
            "change": data["changes"][key],
        }
        for key, label, money, url in cards
    ]
    chart = {
        "dates": [r["date"] for r in data["series"]],
        "sales": [str(r["sales"]) for r in data["series"]],
        "previous_sales": [str(r["sales"]) for r in data["previous_series"]],
        "orders": [r["orders"] for r in data["series"]],
        "visitors": [r["visitors"] for r in data["series"]],
        "new": data["current"]["new_customer_orders"],
        "returning": data["current"]["returning_customer_orders"],
        "labels": {
            "sales": _("销售额（元）"),
            "previous_sales": _("上一周期销售额"),
            "orders": _("订单数"),
            "visitors": _("访客数"),
            "new": _("新客订单"),
            "returning": _("老客订单"),
        },
    }
    daily = Table("daily", _("每日数据"), *_daily_columns(), rows=data["series"])
    return _export(request, [daily]) or render(
        request,
        "analytics/console/dashboard.html",
        {
            "form": form,
            "data": data,
            "cards": card_rows,
            "chart": chart,
            "tables": [daily],
            "flagged": queries.list_bestsellers(date_to, flagged_only=True, limit=BESTSELLER_ROWS)[:10],
        },
    )


def _daily_columns():
    from dianpu.core.tables import Column

    return (
        [
            Column("date", _("日期")),
            Column("orders", _("订单数"), numeric=True),
            Column("sales", _("销售额"), numeric=True),
            Column("refunds", _("退款金额"), numeric=True),
            Column("visitors", _("访客数"), numeric=True),
            Column("visits", _("访问次数"), numeric=True),
            Column("new_customer_orders", _("新客订单"), numeric=True),
            Column("returning_customer_orders", _("老客订单"), numeric=True),
        ],
    )


@staff_permission_required(roles.VIEW_ANALYTICS)
def funnel(request):
    form, date_from, date_to = _period(request)
    overall = queries.get_funnel(date_from, date_to)
    by_channel = queries.get_funnel(date_from, date_to, by="channel")
    by_device = queries.get_funnel(date_from, date_to, by="device")
    tables = [
        funnel_table("funnel", _("转化漏斗"), overall["steps"]),
        channel_table("funnel_channel", _("按渠道"), by_channel["groups"], CHANNEL_LABELS),
        channel_table("funnel_device", _("按设备"), by_device["groups"], DEVICE_LABELS),
    ]
    paths = queries.list_user_paths(date_from, date_to)
    tables += [
        path_table("paths_purchase", _("下单前的路径"), paths["before_purchase"]),
        path_table("paths_leaving", _("离开前的路径"), paths["before_leaving"]),
    ]
    chart = {"steps": [{"name": str(row["label"]), "value": row["visits"]} for row in tables[0].rows]}
    return _export(request, tables) or render(
        request,
        "analytics/console/funnel.html",
        {"form": form, "tables": tables, "chart": chart, "date_from": date_from, "date_to": date_to},
    )


@staff_permission_required(roles.VIEW_ANALYTICS)
def sources(request):
    form, date_from, date_to = _period(request)
    tables = [
        channel_table(
            "channels",
            _("渠道"),
            [{"key": r["key"], "steps": queries._funnel_steps(r)} for r in queries.list_channels(date_from, date_to)],
            CHANNEL_LABELS,
        ),
        source_table("sources", _("来源"), queries.list_sources(date_from, date_to), CHANNEL_LABELS),
    ]
    chart = {"channels": [{"name": str(r["label"]), "value": r["visits"]} for r in tables[0].rows]}
    return _export(request, tables) or render(
        request, "analytics/console/sources.html", {"form": form, "tables": tables, "chart": chart}
    )


BESTSELLER_ROWS = 200  # the page shows the best sellers of the period and their flags; the export holds all


@staff_permission_required(roles.VIEW_ANALYTICS)
def bestsellers(request):
    form = DayForm(request.GET or None)
    date_from, day = form.period()
    flagged_only = form.is_valid() and form.cleaned_data.get("flagged")
    exporting = request.GET.get("export") in ("csv", "xlsx")  # the export holds every product
    items = queries.list_bestsellers(
        day, flagged_only=bool(flagged_only), date_from=date_from, limit=None if exporting else BESTSELLER_ROWS
    )
    table = bestseller_table(items, date_from, day)
    quick = [
        (key, label, request.GET.get("range") == key)
        for key, label in (("yesterday", _("昨天")), ("7d", _("近 7 天")), ("30d", _("近 30 天")))
    ]
    return _export(request, [table]) or render(
        request,
        "analytics/console/bestsellers.html",
        {
            "form": form,
            "day": day,
            "date_from": date_from,
            "tables": [table],
            "rule": queries.flag_rule(),
            "quick": quick,
            "limit": BESTSELLER_ROWS,
        },
    )


PRODUCT_TRACK_DAYS = 30


@staff_permission_required(roles.VIEW_ANALYTICS)
def bestseller_product(request, slug):
    """One product day by day (the last 30 days, or ?date_from&date_to): visitors, dwell, buyers,
    conversion and sales against its flag."""
    from dianpu.catalog.models import Product

    product = Product.objects.filter(slug=slug).values("id", "slug", "name").first()
    if product is None:
        raise Http404
    form = PeriodForm(request.GET or None)
    if form.is_valid() and (request.GET.get("date_from") or request.GET.get("date_to")):
        date_from, date_to = form.period()
    else:
        date_to = local_day(clock.now()) - timedelta(days=1)
        date_from = date_to - timedelta(days=PRODUCT_TRACK_DAYS - 1)
    days = queries.get_product_track(product["id"], date_from, date_to)
    table = product_track_table(days)
    chart = {
        "dates": [d["date"] for d in days],
        "visitors": [d["visitors"] for d in days],
        "buyers": [d["buyers"] for d in days],
        "sales": [str(d["sales"]) for d in days],
        "conversion": [round(d["conversion_rate"] * 100, 1) for d in days],
        "flags": [d["flag"] or "" for d in days],
        "labels": {
            "visitors": _("访客数"),
            "buyers": _("支付买家数"),
            "sales": _("销售额（元）"),
            "conversion": _("转化率（%）"),
            "declining": _("下滑"),
            "improve_or_replace": _("需改进或更换"),
        },
    }
    return _export(request, [table]) or render(
        request,
        "analytics/console/bestseller_product.html",
        {
            "form": form,
            "product": product,
            "tables": [table],
            "chart": chart,
            "rule": queries.flag_rule(),
            "date_from": date_from,
            "date_to": date_to,
        },
    )


@staff_permission_required(roles.VIEW_ANALYTICS)
def sales(request):
    form, date_from, date_to = _period(request)
    by = request.GET.get("by") if request.GET.get("by") in BREAKDOWNS else "category"
    with_margin = request.user.has_perm(roles.VIEW_MARGINS)
    rows = queries.get_sales_breakdown(date_from, date_to, by=by, with_margin=with_margin)
    table = breakdown_table(
        "sales_" + by,
        BREAKDOWNS[by],
        rows,
        with_margin=with_margin and by in ("category", "price_band", "product"),
        by=by,
        channel_labels=CHANNEL_LABELS,
    )
    chart = {
        "names": [str(r["key"]) for r in table.rows],
        "sales": [str(r["sales"]) for r in table.rows],
        "label": _("销售额（元）"),
    }
    return _export(request, [table]) or render(
        request,
        "analytics/console/sales.html",
        {"form": form, "tables": [table], "by": by, "breakdowns": BREAKDOWNS.items(), "chart": chart},
    )


@staff_permission_required(roles.VIEW_ANALYTICS)
def customers(request):
    form, date_from, date_to = _period(request)
    rfm = queries.get_rfm_segments(date_to)
    tables = [rfm_table(rfm["segments"]), cohort_table(queries.get_cohorts(date_from, date_to))]
    return _export(request, tables) or render(
        request, "analytics/console/customers.html", {"form": form, "tables": tables, "rule": queries.rfm_rule()}
    )


ROW_KINDS = {"visits", "refunds", "new", "returning"}


@staff_permission_required(roles.VIEW_ANALYTICS)
def rows(request):
    """The rows behind a dashboard figure: visits, refunds, new or returning customers' orders."""
    form, date_from, date_to = _period(request)
    kind = request.GET.get("kind")
    if kind not in ROW_KINDS:
        raise Http404
    table = row_table(kind, queries.list_rows(kind, date_from, date_to), CHANNEL_LABELS, DEVICE_LABELS)
    if request.GET.get("export"):
        return _export(request, [table])
    page = Paginator(table.rows, 50).get_page(request.GET.get("page"))
    table.rows = list(page.object_list)
    return render(
        request, "analytics/console/rows.html", {"form": form, "tables": [table], "page_obj": page, "kind": kind}
    )


@staff_permission_required(roles.VIEW_ANALYTICS)
def report_list(request):
    form = ReportMakeForm(initial={"kind": "daily", "day": local_day(clock.now()) - timedelta(days=1)})
    return render(request, "analytics/console/reports.html", {"reports": reports.list_reports(), "make_form": form})


class ReportMakeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("周期"), choices=Report.Period.choices)
    day = forms.DateField(
        label=gettext_lazy("包含日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > local_day(clock.now()):
            raise forms.ValidationError(_("不能为未来的日期生成报表。"))
        return day


@require_POST
@staff_permission_required(roles.VIEW_ANALYTICS)
def report_make(request):
    """Make a report now (in the worker), not only on schedule; a period not over yet has its figures so far."""
    form = ReportMakeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("console:analytics:report-list")
    make_report_now(form.cleaned_data["kind"], form.cleaned_data["day"].isoformat())
    messages.success(request, _("报表正在后台生成，完成后出现在下表中（刷新本页查看）。"))
    return redirect("console:analytics:report-list")


@staff_permission_required(roles.VIEW_ANALYTICS)
def report_file(request, pk: int, fmt: str):
    found = reports.get_report_file(pk, fmt)
    if found is None:
        raise Http404
    name, content, content_type = found
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
