"""Finance endpoints (owner and finance: finance.view_books to read, finance.manage_books to
enter expenses, close periods, reverse entries and reconcile)."""

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.http import client_ip
from dianpu.core.uploads import read_upload
from dianpu.customers.auth import CustomerToken

from . import queries, reconciliation, services, tax
from .domain import periods
from .domain.ledger import yuan
from .sales_channels import channel_names

router = Router(tags=["finance"], auth=StaffToken())


class Problem(Schema):
    code: str
    detail: str


class Pnl(Schema):
    net_sales: str
    cost_of_goods: str
    gross_profit: str
    shipping_cost: str
    payment_fees: str
    ad_spend: str
    other_expenses: str
    net_profit: str


class TrialBalanceAccount(Schema):
    code: str
    name: str
    kind: str
    debit: str
    credit: str
    balance: str


class TrialBalance(Schema):
    date_to: str
    debit_total: str
    credit_total: str
    accounts: list[TrialBalanceAccount]


class ExpenseIn(Schema):
    date: str = ""
    category: str = ""
    amount: str | int = ""
    note: str = ""


class ExpenseOut(Schema):
    id: int
    date: str
    category: str
    amount: str
    note: str


class PeriodOut(Schema):
    month: str
    closed: bool
    closed_at: str | None


class EntryLineOut(Schema):
    account: str
    debit: str
    credit: str
    channel: str
    channel_name: str
    product_id: int | None
    campaign: str


class EntryOut(Schema):
    id: int
    date: str
    source_kind: str
    source_id: str
    memo: str
    amount: str
    reversal_of: int | None
    lines: list[EntryLineOut]


def _english(request) -> bool:
    return (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en")


def _expense_out(e) -> dict:
    return {"id": e.pk, "date": e.date.isoformat(), "category": e.category, "amount": str(e.amount), "note": e.note}


def _period_out(p) -> dict:
    return {
        "month": p.month,
        "closed": p.closed_at is not None,
        "closed_at": p.closed_at.isoformat() if p.closed_at else None,
    }


def _entry_out(e, names: dict[str, str] | None = None) -> dict:
    names = names if names is not None else channel_names(ln.channel for ln in e.lines.all())
    return {
        "id": e.pk,
        "date": e.date.isoformat(),
        "source_kind": e.source_kind,
        "source_id": e.source_id,
        "memo": e.memo,
        "amount": str(yuan(e.amount_fen)),
        "reversal_of": e.reversal_of_id,
        "lines": [
            {
                "account": ln.account,
                "debit": str(yuan(ln.debit_fen)),
                "credit": str(yuan(ln.credit_fen)),
                "channel": ln.channel,
                "channel_name": names.get(ln.channel, ln.channel),
                "product_id": ln.product_id,
                "campaign": ln.campaign,
            }
            for ln in e.lines.all()
        ],
    }


@router.get(
    "/finance/pnl",
    response={200: Pnl, 403: Problem, 422: Problem},
    summary="Profit and loss over a date range (decimal strings)",
)
def get_pnl(request, date_from: str = "", date_to: str = ""):
    require_perm(request.user, roles.VIEW_BOOKS)
    start, end = queries.parse_range(date_from, date_to)
    return queries.pnl_as_strings(queries.get_pnl(start, end))


@router.get(
    "/finance/trial-balance",
    response={200: TrialBalance, 403: Problem, 422: Problem},
    summary="Debits, credits and balance of every account up to a day",
)
def get_trial_balance(request, date_to: str = ""):
    require_perm(request.user, roles.VIEW_BOOKS)
    end = periods.parse_day(date_to)
    if end is None:
        raise services.finance_error("date_invalid")
    return queries.get_trial_balance(end, english=_english(request))


@router.post(
    "/finance/expenses",
    response={201: ExpenseOut, 403: Problem, 422: Problem},
    summary="Enter an expense (posted to the ledger)",
)
def create_expense(request, payload: ExpenseIn):
    require_perm(request.user, roles.MANAGE_BOOKS)
    expense = services.record_expense(
        day=payload.date,
        category=payload.category,
        amount=payload.amount,
        note=payload.note,
        actor=request.user,
        ip_address=client_ip(request),
    )
    return Status(201, _expense_out(expense))


@router.get(
    "/finance/expenses",
    response={200: list[ExpenseOut], 403: Problem},
    summary="Expenses entered, newest first (max 200)",
)
def list_expenses(request, limit: int = 50, offset: int = 0):
    require_perm(request.user, roles.VIEW_BOOKS)
    return [_expense_out(e) for e in queries.list_expenses(limit=limit, offset=offset)]


@router.get("/finance/periods", response={200: list[PeriodOut], 403: Problem}, summary="Periods, newest first")
def list_periods(request):
    require_perm(request.user, roles.VIEW_BOOKS)
    return [_period_out(p) for p in queries.list_periods()]


@router.post(
    "/finance/periods/{month}/close",
    response={200: PeriodOut, 403: Problem, 422: Problem},
    summary="Close (lock) a month",
)
def close_period(request, month: str):
    require_perm(request.user, roles.MANAGE_BOOKS)
    return _period_out(services.close_period(month=month, actor=request.user, ip_address=client_ip(request)))


@router.get(
    "/finance/entries",
    response={200: list[EntryOut], 403: Problem, 422: Problem},
    summary="Journal entries, newest first (max 200)",
)
def list_entries(
    request, date_from: str = "", date_to: str = "", source_kind: str = "", limit: int = 50, offset: int = 0
):
    require_perm(request.user, roles.VIEW_BOOKS)
    start = periods.parse_day(date_from) if date_from else None
    end = periods.parse_day(date_to) if date_to else None
    if (date_from and start is None) or (date_to and end is None):
        raise services.finance_error("date_invalid")
    entries = queries.list_entries(
        date_from=start, date_to=end, source_kind=source_kind[:30], limit=limit, offset=offset
    )
    names = channel_names({ln.channel for e in entries for ln in e.lines.all()})  # one query for the page
    return [_entry_out(e, names) for e in entries]


@router.post(
    "/finance/entries/{entry_id}/reverse",
    response={201: EntryOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Reverse an entry (its mirror image, dated today)",
)
def reverse_entry(request, entry_id: int):
    require_perm(request.user, roles.MANAGE_BOOKS)
    if not 0 < entry_id < 2**62:
        raise services.finance_error("entry_not_found", 404)
    reversal = services.reverse_entry(entry_id=entry_id, actor=request.user, ip_address=client_ip(request))
    return Status(201, _entry_out(queries.get_entry(reversal.pk)))


class SettlementRowOut(Schema):
    outcome: str
    kind: str
    reference: str
    their_amount: str | None
    our_amount: str | None
    fee: str
    order_number: str
    occurred_on: str | None


class SettlementOut(Schema):
    id: int
    gateway: str
    file_format: str
    file_name: str
    currency: str
    row_count: int
    fees: str
    created_at: str
    outcomes: dict[str, int]


class SettlementDetail(SettlementOut):
    rows: list[SettlementRowOut]


def _settlement_out(s) -> dict:
    return {
        "id": s.pk,
        "gateway": s.gateway,
        "file_format": s.file_format,
        "file_name": s.file_name,
        "currency": s.currency,
        "row_count": s.row_count,
        "fees": str(yuan(s.fee_fen)),
        "created_at": s.created_at.isoformat(),
        "outcomes": queries.count_settlement_outcomes(s),
    }


def _row_out(r) -> dict:
    return {
        "outcome": r.outcome,
        "kind": r.kind,
        "reference": r.reference,
        "their_amount": None if r.their_amount is None else str(r.their_amount),
        "our_amount": None if r.our_amount is None else str(r.our_amount),
        "fee": str(r.fee),
        "order_number": r.order_number,
        "occurred_on": r.occurred_on.isoformat() if r.occurred_on else None,
    }


@router.post(
    "/finance/settlements",
    response={201: SettlementOut, 403: Problem, 413: Problem, 422: Problem},
    summary="Upload a gateway settlement file (Stripe balance reports, Alipay 账务明细) to reconcile",
)
def upload_settlement(request, file: File[UploadedFile]):
    require_perm(request.user, roles.MANAGE_BOOKS)
    data = read_upload(file, reconciliation.LIMITS)
    settlement = reconciliation.import_settlement(
        data=data, filename=file.name or "", actor=request.user, ip_address=client_ip(request)
    )
    return Status(201, _settlement_out(settlement))


@router.get(
    "/finance/settlements",
    response={200: list[SettlementOut], 403: Problem},
    summary="Settlement files reconciled, newest first (max 200)",
)
def list_settlements(request, limit: int = 50):
    require_perm(request.user, roles.VIEW_BOOKS)
    return [_settlement_out(s) for s in queries.list_settlements(limit)]


@router.get(
    "/finance/settlements/{settlement_id}",
    response={200: SettlementDetail, 403: Problem, 404: Problem},
    summary="A reconciliation: matched, missing on either side, mismatched (max 1000 rows)",
)
def get_settlement(request, settlement_id: int, outcome: str = "", limit: int = 500, offset: int = 0):
    require_perm(request.user, roles.VIEW_BOOKS)
    settlement = queries.get_settlement(settlement_id) if 0 < settlement_id < 2**62 else None
    if settlement is None:
        raise services.finance_error("settlement_not_found", 404)
    return {
        **_settlement_out(settlement),
        "rows": [
            _row_out(r)
            for r in queries.list_settlement_rows(settlement, outcome=outcome[:20], limit=limit, offset=offset)
        ],
    }


class BudgetIn(Schema):
    amounts: dict[str, str | int] = {}


class BudgetRowOut(Schema):
    category: str
    budget: str
    campaign_budget: str
    actual: str
    variance: str
    used_percent: str | None


class BudgetOut(Schema):
    month: str
    rows: list[BudgetRowOut]
    totals: dict[str, str]


class MarginRow(Schema):
    key: str
    name: str
    net_sales: str
    cost_of_goods: str
    gross_profit: str
    ad_spend: str
    shipping_cost: str
    payment_fees: str
    contribution: str
    gross_margin_percent: str | None
    contribution_margin_percent: str | None


class PnlPeriod(Schema):
    period: str
    figures: Pnl


def _strings(row: dict) -> dict:
    return {k: (None if v is None else str(v)) if not isinstance(v, (list, dict)) else v for k, v in row.items()}


def _budget_out(month: str) -> dict:
    budget = queries.get_budget(month)
    return {
        "month": month,
        "rows": [_strings(r) for r in budget["rows"]],
        "totals": {k: str(v) for k, v in budget["totals"].items()},
    }


@router.get(
    "/finance/budgets/{month}",
    response={200: BudgetOut, 403: Problem, 422: Problem},
    summary="A month's operating budget per category with actuals and variance",
)
def get_budget(request, month: str):
    require_perm(request.user, roles.VIEW_BOOKS)
    parsed = periods.parse_month(month)
    if parsed is None:
        raise services.finance_error("period_invalid")
    return _budget_out(parsed)


@router.put(
    "/finance/budgets/{month}",
    response={200: BudgetOut, 403: Problem, 422: Problem},
    summary="Set a month's operating budget per category (ads, staff, logistics, tools, other)",
)
def set_budget(request, month: str, payload: BudgetIn):
    require_perm(request.user, roles.MANAGE_BOOKS)
    services.set_budget(month=month, amounts=payload.amounts, actor=request.user, ip_address=client_ip(request))
    return _budget_out(periods.parse_month(month))


@router.get(
    "/finance/margins",
    response={200: list[MarginRow], 403: Problem, 422: Problem},
    summary="Gross margin and contribution per product, category, channel or campaign",
)
def get_margins(request, by: str = "product", date_from: str = "", date_to: str = "", limit: int = 50):
    require_perm(request.user, roles.VIEW_BOOKS)
    if by not in queries.DIMENSIONS:
        raise services.finance_error("dimension_invalid")
    start, end = queries.parse_range(date_from, date_to)
    return [_strings(r) for r in queries.get_margins(by, start, end, limit)]


@router.get(
    "/finance/pnl/series",
    response={200: list[PnlPeriod], 403: Problem, 422: Problem},
    summary="P&L per day, month, quarter or year",
)
def get_pnl_series(request, date_from: str = "", date_to: str = "", grain: str = "month"):
    require_perm(request.user, roles.VIEW_BOOKS)
    start, end = queries.parse_range(date_from, date_to)
    if grain not in queries.GRAINS:
        raise services.finance_error("grain_invalid")
    return [
        {"period": label, "figures": queries.pnl_as_strings(f)}
        for label, f in queries.get_pnl_series(start, end, grain)
    ]


class TaxSettingsIn(Schema):
    prices_include_tax: bool = True
    default_percent: str | int = "13"
    category_percents: dict[str, str | int] = {}


class TaxSettingsOut(Schema):
    prices_include_tax: bool
    default_percent: str
    category_percents: dict[str, str]


class TaxRow(Schema):
    rate_percent: str
    charged: str
    base: str
    tax: str


class TaxSummary(Schema):
    prices_include_tax: bool
    rows: list[TaxRow]
    tax_total: str


class InvoiceRequestIn(Schema):
    order_number: str = ""
    title: str = ""
    tax_number: str = ""
    email: str = ""


class InvoiceRequestOut(Schema):
    id: int
    order_number: str
    title: str
    tax_number: str
    email: str
    amount: str
    status: str
    invoice_number: str
    created_at: str


class InvoiceDecisionIn(Schema):
    invoice_number: str = ""
    note: str = ""


def _tax_settings_out(row) -> dict:
    return {
        "prices_include_tax": row.prices_include_tax,
        "default_percent": str(row.default_tax_percent),
        "category_percents": {k: str(v) for k, v in (row.category_tax_percents or {}).items()},
    }


def _invoice_out(r) -> dict:
    return {
        "id": r.pk,
        "order_number": r.order.number,
        "title": r.title,
        "tax_number": r.tax_number,
        "email": r.email,
        "amount": str(r.amount),
        "status": r.status,
        "invoice_number": r.invoice_number,
        "created_at": r.created_at.isoformat(),
    }


@router.get("/finance/tax-settings", response={200: TaxSettingsOut, 403: Problem}, summary="Tax settings")
def get_tax_settings(request):
    require_perm(request.user, roles.VIEW_BOOKS)
    return _tax_settings_out(tax.get_tax_settings())


@router.put(
    "/finance/tax-settings",
    response={200: TaxSettingsOut, 403: Problem, 422: Problem},
    summary="Prices with tax included or not, default rate, rate per category (product class)",
)
def set_tax_settings(request, payload: TaxSettingsIn):
    require_perm(request.user, roles.MANAGE_BOOKS)
    return _tax_settings_out(
        tax.set_tax_settings(
            prices_include_tax=payload.prices_include_tax,
            default_percent=payload.default_percent,
            category_percents=payload.category_percents,
            actor=request.user,
            ip_address=client_ip(request),
        )
    )


@router.get(
    "/finance/tax-summary",
    response={200: TaxSummary, 403: Problem, 422: Problem},
    summary="Sales per tax rate over a range: charged, base and tax",
)
def get_tax_summary(request, date_from: str = "", date_to: str = ""):
    require_perm(request.user, roles.VIEW_BOOKS)
    start, end = queries.parse_range(date_from, date_to)
    summary = tax.get_tax_summary(start, end)
    return {
        "prices_include_tax": summary["prices_include_tax"],
        "tax_total": str(summary["tax_total"]),
        "rows": [{k: str(v) for k, v in r.items()} for r in summary["rows"]],
    }


@router.get(
    "/finance/invoice-requests",
    response={200: list[InvoiceRequestOut], 403: Problem},
    summary="Invoice (发票) requests, newest first (max 200)",
)
def list_invoice_requests(request, status: str = "", limit: int = 100):
    require_perm(request.user, roles.VIEW_BOOKS)
    return [_invoice_out(r) for r in tax.list_invoice_requests(status=status[:12], limit=limit)]


@router.post(
    "/finance/invoice-requests/{request_id}/issue",
    response={200: InvoiceRequestOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Record an invoice as issued (its number)",
)
def issue_invoice(request, request_id: int, payload: InvoiceDecisionIn):
    require_perm(request.user, roles.MANAGE_BOOKS)
    return _invoice_out(
        tax.decide_invoice(
            request_id=request_id if 0 < request_id < 2**62 else 0,
            issue=True,
            invoice_number=payload.invoice_number,
            note=payload.note,
            actor=request.user,
            ip_address=client_ip(request),
        )
    )


@router.post(
    "/finance/invoice-requests/{request_id}/reject",
    response={200: InvoiceRequestOut, 403: Problem, 404: Problem, 409: Problem},
    summary="Refuse an invoice request (with a note)",
)
def reject_invoice(request, request_id: int, payload: InvoiceDecisionIn):
    require_perm(request.user, roles.MANAGE_BOOKS)
    return _invoice_out(
        tax.decide_invoice(
            request_id=request_id if 0 < request_id < 2**62 else 0,
            issue=False,
            note=payload.note,
            actor=request.user,
            ip_address=client_ip(request),
        )
    )


customer_router = Router(tags=["finance"], auth=CustomerToken())


@customer_router.post(
    "/me/invoice-requests",
    response={201: InvoiceRequestOut, 401: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Ask for an invoice (发票) for one of my paid orders (customer token)",
)
def request_invoice(request, payload: InvoiceRequestIn):
    return Status(
        201,
        _invoice_out(
            tax.request_invoice(
                customer=request.auth,
                order_number=payload.order_number,
                title=payload.title,
                tax_number=payload.tax_number,
                email=payload.email,
            )
        ),
    )


class CampaignResult(Schema):
    campaign: str
    net_sales: str
    gross_profit: str
    ad_spend: str
    contribution: str
    roas: str | None


@router.get(
    "/finance/campaign-results",
    response={200: list[CampaignResult], 403: Problem, 422: Problem},
    summary="Ad spend and what each campaign earned after it (owner, finance, marketing)",
)
def get_campaign_results(request, date_from: str = "", date_to: str = "", limit: int = 50):
    require_perm(request.user, roles.VIEW_AD_RESULTS)
    start, end = queries.parse_range(date_from, date_to)
    return [
        {
            "campaign": r["key"],
            "net_sales": str(r["net_sales"]),
            "gross_profit": str(r["gross_profit"]),
            "ad_spend": str(r["ad_spend"]),
            "contribution": str(r["contribution"]),
            "roas": str((r["net_sales"] / r["ad_spend"]).quantize(yuan(1))) if r["ad_spend"] else None,
        }
        for r in queries.get_margins("campaign", start, end, limit)
    ]
