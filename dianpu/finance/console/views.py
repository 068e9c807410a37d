"""Finance pages of the console: overview (P&L with a monthly chart and the change against the
previous period), ledger, trial balance, periods and the close, expenses, budget, margins,
reconciliation. Owner and finance (finance.view_books; changes need finance.manage_books)."""

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dianpu.accounts.decorators import forbidden, staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.core.exports import export_response
from dianpu.core.http import client_ip
from dianpu.core.uploads import UploadRefused, read_upload

from .. import queries, reconciliation, services, statements, tax
from ..domain import periods
from ..domain.ledger import yuan
from ..models import Expense, SettlementRow
from ..sales_channels import channel_names

VIEW, MANAGE = roles.VIEW_BOOKS, roles.MANAGE_BOOKS


def _today() -> date:
    return services.local_day(clock.now())


def _range(request) -> tuple[date, date]:
    today = _today()
    start = periods.parse_day(request.GET.get("date_from", "")) or today.replace(day=1)
    end = periods.parse_day(request.GET.get("date_to", "")) or today
    if start > end or (end - start).days > queries.MAX_RANGE_DAYS:
        start, end = today.replace(day=1), today
    return start, end


def _export(request, table, subtitle: str):
    if request.GET.get("export") == "pdf":
        response = HttpResponse(statements.table_pdf(table, subtitle), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{table.key}.pdf"'
        return response
    return export_response(request, table)


def _may_manage(request) -> bool:
    return request.user.has_perm(MANAGE)


def _refuse_unless_manager(request):
    return None if _may_manage(request) else forbidden(request, MANAGE)


@staff_permission_required(VIEW)
def overview(request):
    start, end = _range(request)
    figures = queries.get_pnl(start, end)
    compare = queries.compare_pnl(start, end)
    subtitle = f"{start.isoformat()} – {end.isoformat()}"
    table = statements.pnl_table(figures, compare, _("利润表"))
    exported = _export(request, table, subtitle)
    if exported is not None:
        return exported
    year_ago = end.replace(day=1) - timedelta(days=335)
    series = queries.get_pnl_series(year_ago.replace(day=1), end, "month")
    labels = statements.pnl_labels()
    chart = {
        "labels": [label for label, _f in series],
        "names": {k: labels[k] for k in ("net_sales", "gross_profit", "net_profit")},
        "series": {k: [str(f[k]) for _label, f in series] for k in ("net_sales", "gross_profit", "net_profit")},
    }
    lines = [{"key": k, "label": labels[k], **compare[k]} for k in labels]
    return render(
        request,
        "finance/console/overview.html",
        {"date_from": start, "date_to": end, "lines": lines, "chart": chart, "figures": figures},
    )


@staff_permission_required(VIEW)
def ledger(request):
    if request.method == "POST":
        refused = _refuse_unless_manager(request)
        if refused:
            return refused
        try:
            services.reverse_entry(
                entry_id=int(request.POST.get("entry_id") or 0),
                actor=request.user,
                reason=request.POST.get("reason", "")[:300],
                ip_address=client_ip(request),
            )
            messages.success(request, _("凭证已冲销。"))
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "detail", exc)))
        return redirect("console:finance:ledger")
    start, end = _range(request)
    kind = request.GET.get("source_kind", "")[:30]
    entries = queries.list_entries(date_from=start, date_to=end, source_kind=kind, limit=100)
    names = channel_names({ln.channel for e in entries for ln in e.lines.all()})
    rows = [
        {
            "e": e,
            "amount": yuan(e.amount_fen),
            "lines": [
                {
                    "account": ln.account,
                    "debit": yuan(ln.debit_fen),
                    "credit": yuan(ln.credit_fen),
                    "channel": names.get(ln.channel, ln.channel),
                }
                for ln in e.lines.all()
            ],
        }
        for e in entries
    ]
    return render(
        request,
        "finance/console/ledger.html",
        {"rows": rows, "date_from": start, "date_to": end, "source_kind": kind, "may_manage": _may_manage(request)},
    )


@staff_permission_required(VIEW)
def trial_balance(request):
    end = periods.parse_day(request.GET.get("date_to", "")) or _today()
    english = (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en")
    tb = queries.get_trial_balance(end, english=english)
    exported = _export(request, statements.trial_balance_table(tb, _("科目余额表")), end.isoformat())
    if exported is not None:
        return exported
    return render(request, "finance/console/trial_balance.html", {"tb": tb, "date_to": end})


@staff_permission_required(VIEW)
def period_list(request):
    if request.method == "POST":
        refused = _refuse_unless_manager(request)
        if refused:
            return refused
        try:
            period = services.close_period(
                month=request.POST.get("month", ""), actor=request.user, ip_address=client_ip(request)
            )
            messages.success(request, _("%(month)s 已结账。") % {"month": period.month})
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:finance:period-list")
    last_month = _today().replace(day=1) - timedelta(days=1)
    return render(
        request,
        "finance/console/periods.html",
        {
            "periods": queries.list_periods(),
            "suggested": periods.month_of(last_month),
            "may_manage": _may_manage(request),
        },
    )


@staff_permission_required(VIEW)
def expense_list(request):
    if request.method == "POST":
        refused = _refuse_unless_manager(request)
        if refused:
            return refused
        post = request.POST
        try:
            expense = services.record_expense(
                day=post.get("date", ""),
                category=post.get("category", ""),
                amount=post.get("amount", ""),
                note=post.get("note", ""),
                actor=request.user,
                ip_address=client_ip(request),
            )
            messages.success(request, _("费用已记账：¥%(amount)s") % {"amount": expense.amount})
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:finance:expense-list")
    return render(
        request,
        "finance/console/expenses.html",
        {
            "expenses": queries.list_expenses(limit=100),
            "categories": Expense.Category.choices,
            "today": _today(),
            "may_manage": _may_manage(request),
        },
    )


@staff_permission_required(VIEW)
def budget(request):
    month = periods.parse_month(request.GET.get("month", "") or request.POST.get("month", "")) or periods.month_of(
        _today()
    )
    labels = dict(Expense.Category.choices)
    if request.method == "POST":
        refused = _refuse_unless_manager(request)
        if refused:
            return refused
        amounts = {c: request.POST.get(c, "").strip() for c in labels if request.POST.get(c, "").strip()}
        try:
            services.set_budget(month=month, amounts=amounts, actor=request.user, ip_address=client_ip(request))
            messages.success(request, _("预算已保存。"))
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect(f"{request.path}?month={month}")
    data = queries.get_budget(month)
    exported = _export(request, statements.budget_table(data, labels, _("运营预算")), month)
    if exported is not None:
        return exported
    rows = [{**r, "label": labels.get(r["category"], r["category"])} for r in data["rows"]]
    return render(
        request,
        "finance/console/budget.html",
        {
            "month": month,
            "rows": rows,
            "totals": data["totals"],
            "campaigns": data["campaigns"],
            "may_manage": _may_manage(request),
        },
    )


@staff_permission_required(VIEW)
def margins(request):
    start, end = _range(request)
    by = request.GET.get("by", "product")
    by = by if by in queries.DIMENSIONS else "product"
    rows = queries.get_margins(by, start, end, limit=200)
    exported = _export(request, statements.margins_table(rows, _("毛利与贡献")), f"{start} – {end}")
    if exported is not None:
        return exported
    return render(
        request,
        "finance/console/margins.html",
        {
            "rows": rows,
            "by": by,
            "date_from": start,
            "date_to": end,
            "dimensions": [
                ("product", _("商品")),
                ("category", _("分类")),
                ("channel", _("渠道")),
                ("campaign", _("活动")),
            ],
        },
    )


@staff_permission_required(VIEW)
def settlement_list(request):
    if request.method == "POST":
        refused = _refuse_unless_manager(request)
        if refused:
            return refused
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise services.finance_error("settlement_format_unknown")
            data = read_upload(upload, reconciliation.LIMITS)
            settlement = reconciliation.import_settlement(
                data=data, filename=upload.name or "", actor=request.user, ip_address=client_ip(request)
            )
            return redirect("console:finance:settlement-detail", pk=settlement.pk)
        except (DomainError, UploadRefused) as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:finance:settlement-list")
    rows = [
        {"s": s, "outcomes": queries.count_settlement_outcomes(s), "fees": yuan(s.fee_fen)}
        for s in queries.list_settlements(100)
    ]
    return render(request, "finance/console/settlements.html", {"rows": rows, "may_manage": _may_manage(request)})


@staff_permission_required(VIEW)
def settlement_detail(request, pk: int):
    settlement = queries.get_settlement(pk)
    if settlement is None:
        raise Http404
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in SettlementRow.Outcome.values else ""
    return render(
        request,
        "finance/console/settlement_detail.html",
        {
            "settlement": settlement,
            "fees": yuan(settlement.fee_fen),
            "outcome": outcome,
            "counts": queries.count_settlement_outcomes(settlement),
            "outcomes": SettlementRow.Outcome.choices,
            "rows": queries.list_settlement_rows(settlement, outcome=outcome, limit=1000),
        },
    )


@staff_permission_required(VIEW)
def tax_page(request):
    if request.method == "POST":
        refused = _refuse_unless_manager(request)
        if refused:
            return refused
        try:
            tax.decide_invoice(
                request_id=int(request.POST.get("request_id") or 0),
                issue=request.POST.get("action") == "issue",
                invoice_number=request.POST.get("invoice_number", ""),
                note=request.POST.get("note", ""),
                actor=request.user,
                ip_address=client_ip(request),
            )
            messages.success(request, _("发票申请已处理。"))
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "detail", exc)))
        return redirect("console:finance:tax")
    start, end = _range(request)
    summary = tax.get_tax_summary(start, end)
    table = statements.tax_table(summary, _("税费汇总"))
    exported = _export(request, table, f"{start} – {end}")
    if exported is not None:
        return exported
    return render(
        request,
        "finance/console/tax.html",
        {
            "summary": summary,
            "date_from": start,
            "date_to": end,
            "requests": tax.list_invoice_requests(limit=100),
            "may_manage": _may_manage(request),
        },
    )
