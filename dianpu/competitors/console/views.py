"""Competitor pages of the console: shops and products, a product's history (ECharts, our price
beside theirs, what changed highlighted), alerts with "apply suggested price", the daily check."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dianpu.accounts.auth import require_perm
from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.competitors import queries, services
from dianpu.competitors.domain.alerts import trend
from dianpu.competitors.messages import MESSAGES
from dianpu.core.errors import DomainError
from dianpu.core.exports import Column, Table, export_response, local_time, wants_export
from dianpu.core.http import client_ip

NEEDS = roles.MONITOR_COMPETITORS
MAX_UPLOAD = 5 * 1024 * 1024
CHANGE_LABELS = {
    "price": gettext_lazy("价格变化"),
    "promotion": gettext_lazy("新促销"),
    "main_image": gettext_lazy("新主图"),
    "detail": gettext_lazy("详情页更新"),
    "sales": gettext_lazy("销量变化"),
    "rating": gettext_lazy("评分变化"),
    "undercut": gettext_lazy("低于我方售价"),
}
# Trend windows the history page offers (days): rising or falling over that many days.
WINDOWS = ("7", "14", "30", "90")
TREND_LABELS = {"rising": gettext_lazy("上升"), "falling": gettext_lazy("下降"), "flat": gettext_lazy("持平")}


def _labels(changes) -> list[str]:
    return [str(CHANGE_LABELS.get(c, c)) for c in changes or []]


def _words(value: str) -> list[str]:
    return [w.strip() for w in (value or "").replace("，", ",").split(",") if w.strip()]


@staff_permission_required(NEEDS)
def competitor_list(request):
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("action") == "import":
                upload = request.FILES.get("file")
                if upload is None or upload.size > MAX_UPLOAD:
                    raise DomainError(MESSAGES["import_too_large"], code="import_too_large")
                count = services.import_snapshots(data=upload.read(), filename=upload.name, actor=request.user)
                messages.success(request, _("已导入 %(count)s 条记录。") % {"count": count})
            elif post.get("action") == "product":
                product = services.create_competitor_product(
                    competitor_id=int(post.get("competitor_id") or 0),
                    name=post.get("name", ""),
                    url=post.get("url", ""),
                    our_products=_words(post.get("our_products", "")),
                    price_selector=post.get("price_selector", ""),
                    promotion_selector=post.get("promotion_selector", ""),
                    actor=request.user,
                )
                messages.success(request, _("竞品商品「%(name)s」已添加。") % {"name": product.name})
            else:
                competitor = services.create_competitor(
                    name=post.get("name", ""),
                    platform=post.get("platform", ""),
                    url=post.get("url", ""),
                    notes=post.get("notes", ""),
                    actor=request.user,
                )
                messages.success(request, _("竞品店铺「%(name)s」已添加。") % {"name": competitor.name})
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "detail", exc)))
        return redirect("console:competitors:competitor-list")
    products = queries.list_competitor_products(limit=200)
    return render(
        request,
        "competitors/console/competitor_list.html",
        {
            "competitors": queries.list_competitors(limit=200),
            "products": products,
            "open_alerts": len(queries.list_alerts(limit=200)),
        },
    )


def _product(pk):
    try:
        return queries.get_competitor_product(pk)
    except DomainError as exc:
        raise Http404(str(exc.detail)) from exc


@staff_permission_required(NEEDS)
def product_detail(request, pk):
    product = _product(pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "fetch":
                snapshot = services.fetch_product(product, wait=False)
            else:
                snapshot = services.record_snapshot(
                    product=product,
                    price=request.POST.get("price", ""),
                    promotion_text=request.POST.get("promotion_text", ""),
                    sales_count=request.POST.get("sales_count") or None,
                    rating=request.POST.get("rating") or None,
                )
            messages.success(request, _("已记录价格 %(price)s。") % {"price": snapshot.price})
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:competitors:product-detail", pk=pk)
    days = int(request.GET.get("days") or 30) if (request.GET.get("days") or "30") in WINDOWS else 30
    snapshots = queries.list_snapshots(product, days=days)
    if wants_export(request):
        return export_response(request, _snapshot_table(product, snapshots))
    history = queries.history_with_our_prices(product, snapshots)
    our_units = queries.our_units_by_day(product, timezone.now() - timedelta(days=days))
    latest = snapshots[-1] if snapshots else None
    chart = {
        "labels": [s.taken_at.strftime("%m-%d %H:%M") for s in snapshots],
        "their_price": [str(s.price) for s in snapshots],
        "our_price": [str(p) if p is not None else None for p in history["our_prices"]],
        "sales": [s.sales_count for s in snapshots],
        "rating": [str(s.rating) if s.rating is not None else None for s in snapshots],
        "our_sales": [our_units.get(timezone.localtime(s.taken_at).date(), 0) for s in snapshots],
        "names": {
            "their": _("竞品价格"),
            "ours": _("我方售价"),
            "sales": _("竞品销量"),
            "rating": _("竞品评分"),
            "our_sales": _("我方当日销量"),
        },
    }
    rows = [
        {"s": s, "changes": _labels(s.changes), "our_price": p}
        for s, p in zip(reversed(snapshots), reversed(history["our_prices"]), strict=False)
    ]
    return render(
        request,
        "competitors/console/product_detail.html",
        {
            "product": product,
            "rows": rows[:60],
            "chart": chart,
            "latest": latest,
            "days": days,
            "windows": WINDOWS,
            "since_yesterday": _labels(history["since_yesterday"]),
            "price_trend": TREND_LABELS[trend([s.price for s in snapshots])],
            "sales_trend": TREND_LABELS[trend([s.sales_count for s in snapshots])],
            "ours": list(product.our_products.all()),
        },
    )


def _snapshot_table(product, snapshots) -> Table:
    columns = [
        Column("taken_at", _("时间")),
        Column("price", _("竞品价格"), numeric=True),
        Column("promotion_text", _("促销")),
        Column("sales_count", _("销量"), numeric=True),
        Column("rating", _("评分"), numeric=True),
        Column("changes", _("变化")),
    ]
    rows = [
        {
            "taken_at": local_time(s.taken_at),
            "price": s.price,
            "promotion_text": s.promotion_text,
            "sales_count": s.sales_count,
            "rating": s.rating,
            "changes": "、".join(_labels(s.changes)),
        }
        for s in snapshots
    ]
    return Table(key=f"competitor-{product.pk}", title=product.name, columns=columns, rows=rows)


@staff_permission_required(NEEDS)
def alert_list(request):
    if request.method == "POST":
        try:
            alert = queries.get_alert(int(request.POST.get("alert_id") or 0))
            if request.POST.get("action") == "apply":
                require_perm(request.user, roles.CHANGE_PRICE)
                price = services.apply_suggested_price(alert=alert, actor=request.user, ip_address=client_ip(request))
                messages.success(
                    request,
                    _("已将「%(name)s」的售价调整为 %(price)s。") % {"name": alert.our_product.name, "price": price},
                )
            else:
                services.resolve_alert(alert=alert, actor=request.user)
                messages.success(request, _("提醒已忽略。"))
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "detail", exc)))
        return redirect("console:competitors:alert-list")
    rows = []
    for alert in queries.list_alerts(limit=100):
        try:
            suggestion = services.suggested_price(alert.product, alert.our_product.slug)
        except DomainError:
            suggestion = None
        rows.append({"a": alert, "suggestion": suggestion})
    return render(
        request,
        "competitors/console/alert_list.html",
        {"rows": rows, "can_apply": request.user.has_perm(roles.CHANGE_PRICE)},
    )


@staff_permission_required(NEEDS)
def daily_check(request):
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                services.start_check(actor=request.user)
            else:
                check = queries.get_check(int(request.POST.get("check_id") or 0))
                if action == "tick":
                    services.tick_check_item(
                        check=check,
                        item_id=int(request.POST.get("item_id") or 0),
                        note=request.POST.get("note", ""),
                        actor=request.user,
                    )
                elif action == "finish":
                    check = services.finish_check(check=check, actor=request.user)
                    messages.success(
                        request, _("今日检查完成，用时 %(minutes)s 分钟。") % {"minutes": check.minutes_taken}
                    )
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "detail", exc)))
        return redirect("console:competitors:daily-check")
    current = queries.open_check()
    items = []
    if current is not None:
        items = [{"i": i, "changes": _labels(i.changes)} for i in queries.list_check_items(current)]
    return render(
        request,
        "competitors/console/daily_check.html",
        {
            "current": current,
            "items": items,
            "ticked": sum(1 for row in items if row["i"].ticked_at),
            "checks": [c for c in queries.list_checks() if c.finished_at is not None],
        },
    )
