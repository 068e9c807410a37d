"""Reads of the books: P&L and trial balance from the daily rollups, the journal, periods,
expenses. Figures are exact Decimal (sums of integer fen)."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum

from dianpu.catalog.models import Category, Product
from dianpu.core.errors import DomainError
from dianpu.marketing.models import Campaign

from .domain import chart, periods
from .domain.chart import Kind, PnlLine
from .domain.ledger import yuan
from .messages import MESSAGES
from .models import Budget, DailyAccountTotal, Expense, JournalEntry, JournalLine, MarginTotal, Period, Settlement
from .sales_channels import channel_names

MAX_RANGE_DAYS = 3660
PNL_KEYS = (
    "net_sales",
    "cost_of_goods",
    "gross_profit",
    "shipping_cost",
    "payment_fees",
    "ad_spend",
    "other_expenses",
    "net_profit",
)


def _error(code: str, **params) -> DomainError:
    text = MESSAGES[code] % params if params else MESSAGES[code]
    return DomainError(text, code=code, status=422)


def parse_range(date_from: str | None, date_to: str | None) -> tuple[date, date]:
    start, end = periods.parse_day(date_from or ""), periods.parse_day(date_to or "")
    if start is None or end is None:
        raise _error("date_invalid")
    if start > end:
        raise _error("date_range_invalid")
    if (end - start).days > MAX_RANGE_DAYS:
        raise _error("date_range_too_long", days=MAX_RANGE_DAYS)
    return start, end


def calculate_pnl(balances_fen: dict[str, int]) -> dict[str, Decimal]:
    """P&L lines from each account's debit − credit over the period (fen)."""
    by_line: dict[PnlLine, int] = defaultdict(int)
    for code, net in balances_fen.items():
        account = chart.account_of(code)
        if account.pnl is not None:
            by_line[account.pnl] += net
    net_sales = -by_line[PnlLine.NET_SALES]  # revenue is a credit balance, discounts and refunds debit
    cogs = by_line[PnlLine.COST_OF_GOODS]
    gross = net_sales - cogs
    costs = {key: by_line[PnlLine(key)] for key in ("shipping_cost", "payment_fees", "ad_spend", "other_expenses")}
    net = gross - sum(costs.values())
    figures = {"net_sales": net_sales, "cost_of_goods": cogs, "gross_profit": gross, **costs, "net_profit": net}
    return {key: yuan(figures[key]) for key in PNL_KEYS}


def _balances(rows) -> dict[str, int]:
    return {r["account"]: (r["dr"] or 0) - (r["cr"] or 0) for r in rows}


def get_pnl(date_from: date, date_to: date) -> dict[str, Decimal]:
    """From the daily rollups: a handful of rows per day, whatever the number of orders."""
    rows = (
        DailyAccountTotal.objects.filter(day__gte=date_from, day__lte=date_to)
        .values("account")
        .annotate(dr=Sum("debit_fen"), cr=Sum("credit_fen"))
    )
    return calculate_pnl(_balances(rows))


def get_pnl_from_journal(date_from: date, date_to: date) -> dict[str, Decimal]:
    """The same figures straight from the journal lines (what the rollups must equal)."""
    rows = (
        JournalLine.objects.filter(date__gte=date_from, date__lte=date_to)
        .values("account")
        .annotate(dr=Sum("debit_fen"), cr=Sum("credit_fen"))
    )
    return calculate_pnl(_balances(rows))


def get_trial_balance(date_to: date, *, english: bool = False) -> dict:
    """Every account's debits, credits and balance up to `date_to`; the totals are equal because
    every entry is."""
    rows = (
        DailyAccountTotal.objects.filter(day__lte=date_to)
        .values("account")
        .annotate(dr=Sum("debit_fen"), cr=Sum("credit_fen"))
        .order_by("account")
    )
    accounts = []
    debit_total = credit_total = 0
    for r in rows:
        dr, cr = r["dr"] or 0, r["cr"] or 0
        account = chart.account_of(r["account"])
        debit_total += dr
        credit_total += cr
        accounts.append(
            {
                "code": account.code,
                "name": account.name_en if english else account.name,
                "kind": account.kind.value,
                "debit": str(yuan(dr)),
                "credit": str(yuan(cr)),
                "balance": str(yuan(dr - cr)),
            }
        )
    order = {k: i for i, k in enumerate(Kind)}
    accounts.sort(key=lambda a: (order[Kind(a["kind"])], a["code"]))
    return {
        "date_to": date_to.isoformat(),
        "debit_total": str(yuan(debit_total)),
        "credit_total": str(yuan(credit_total)),
        "accounts": accounts,
    }


def pnl_as_strings(figures: dict[str, Decimal]) -> dict[str, str]:
    return {key: str(figures[key]) for key in PNL_KEYS}


def list_entries(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    source_kind: str = "",
    limit: int = 50,
    offset: int = 0,
):
    qs = JournalEntry.objects.all()
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    if source_kind:
        qs = qs.filter(source_kind=source_kind)
    limit = max(1, min(limit, 200))
    return list(qs.prefetch_related("lines").order_by("-date", "-id")[max(offset, 0) : max(offset, 0) + limit])


def get_entry(entry_id: int) -> JournalEntry | None:
    return JournalEntry.objects.prefetch_related("lines").filter(pk=entry_id).first()


def list_periods(limit: int = 36):
    return list(Period.objects.order_by("-month")[: max(1, min(limit, 240))])


def is_month_closed(month: str) -> bool:
    return Period.objects.filter(month=month, closed_at__isnull=False).exists()


def list_expenses(*, limit: int = 50, offset: int = 0):
    limit = max(1, min(limit, 200))
    return list(Expense.objects.order_by("-date", "-id")[max(offset, 0) : max(offset, 0) + limit])


GRAINS = ("day", "month", "quarter", "year")


def _bucket(day: date, grain: str) -> str:
    if grain == "day":
        return day.isoformat()
    if grain == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if grain == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


def get_pnl_series(date_from: date, date_to: date, grain: str = "month") -> list[tuple[str, dict[str, Decimal]]]:
    """P&L per day, month, quarter or year over the range, from the rollups (periods in order)."""
    grain = grain if grain in GRAINS else "month"
    buckets: dict[str, dict[str, int]] = {}
    rows = (
        DailyAccountTotal.objects.filter(day__gte=date_from, day__lte=date_to)
        .values_list("day", "account", "debit_fen", "credit_fen")
        .order_by("day")
    )
    for day, account, dr, cr in rows:
        balances = buckets.setdefault(_bucket(day, grain), defaultdict(int))
        balances[account] += dr - cr
    return [(label, calculate_pnl(balances)) for label, balances in sorted(buckets.items())]


def previous_range(date_from: date, date_to: date) -> tuple[date, date]:
    """The range of the same length just before (for 'what changed against the previous period')."""
    length = date_to - date_from
    end = date_from - timedelta(days=1)
    return end - length, end


def compare_pnl(date_from: date, date_to: date) -> dict[str, dict[str, Decimal | None]]:
    now, before = get_pnl(date_from, date_to), get_pnl(*previous_range(date_from, date_to))
    out = {}
    for key in PNL_KEYS:
        change = now[key] - before[key]
        percent = (change * 100 / abs(before[key])).quantize(Decimal("0.1")) if before[key] else None
        out[key] = {"current": now[key], "previous": before[key], "change": change, "change_percent": percent}
    return out


def get_rollup_vs_journal(date_from: date, date_to: date) -> tuple[dict, dict]:
    """Each (day, account) total from the rollups and from the journal lines: equal when healthy."""
    rolled = {
        (r["day"], r["account"]): (r["debit_fen"], r["credit_fen"])
        for r in DailyAccountTotal.objects.filter(day__gte=date_from, day__lte=date_to).values(
            "day", "account", "debit_fen", "credit_fen"
        )
    }
    raw = {
        (r["date"], r["account"]): (r["dr"], r["cr"])
        for r in JournalLine.objects.filter(date__gte=date_from, date__lte=date_to)
        .values("date", "account")
        .annotate(dr=Sum("debit_fen"), cr=Sum("credit_fen"))
    }
    return rolled, raw


def list_settlements(limit: int = 50):
    return list(Settlement.objects.order_by("-created_at", "-id")[: max(1, min(limit, 200))])


def get_settlement(settlement_id: int):
    return Settlement.objects.filter(pk=settlement_id).first()


def list_settlement_rows(settlement, *, outcome: str = "", limit: int = 500, offset: int = 0):
    rows = settlement.rows.all()
    if outcome:
        rows = rows.filter(outcome=outcome)
    limit = max(1, min(limit, 1000))
    return list(rows.order_by("id")[max(offset, 0) : max(offset, 0) + limit])


def count_settlement_outcomes(settlement) -> dict[str, int]:
    counts = dict(settlement.rows.values_list("outcome").annotate(n=Count("id")))
    return {key: counts.get(key, 0) for key in ("matched", "missing_ours", "missing_theirs", "mismatched")}


# ---- budget and margins ----------------------------------------------------------------------

BUDGET_ACCOUNTS = {
    "ads": (chart.AD_SPEND,),
    "staff": (chart.STAFF,),
    "logistics": (chart.SHIPPING_COST,),
    "tools": (chart.TOOLS,),
    "other": (chart.OTHER_EXPENSES, chart.COMMISSIONS),
}


def get_budget(month: str) -> dict:
    """Per category: the budget, the campaign budgets rolled in (ads), the actual from the ledger
    and the variance (budget − actual; negative = over budget)."""
    start = periods.first_day(month)
    end = periods.first_day(periods.next_month(month))
    planned = dict(Budget.objects.filter(month=month).values_list("category", "amount"))
    rows = (
        DailyAccountTotal.objects.filter(day__gte=start, day__lt=end)
        .values("account")
        .annotate(dr=Sum("debit_fen"), cr=Sum("credit_fen"))
    )
    spent = {r["account"]: (r["dr"] or 0) - (r["cr"] or 0) for r in rows}
    campaigns = Campaign.objects.filter(starts_at__date__gte=start, starts_at__date__lt=end)
    campaign_budget = sum((c.budget for c in campaigns), Decimal("0.00"))
    out = []
    for category, accounts in BUDGET_ACCOUNTS.items():
        budget = Decimal(planned.get(category, Decimal("0.00"))).quantize(Decimal("0.01"))
        rolled = campaign_budget if category == "ads" else Decimal("0.00")
        actual = yuan(sum(spent.get(a, 0) for a in accounts))
        total = budget + rolled
        out.append(
            {
                "category": category,
                "budget": budget,
                "campaign_budget": rolled,
                "actual": actual,
                "variance": total - actual,
                "used_percent": (actual * 100 / total).quantize(Decimal("0.1")) if total else None,
            }
        )
    totals = {
        key: sum((r[key] for r in out), Decimal("0.00")) for key in ("budget", "campaign_budget", "actual", "variance")
    }
    return {
        "month": month,
        "rows": out,
        "totals": totals,
        "campaigns": [{"name": c.name, "budget": c.budget} for c in campaigns[:50]],
    }


DIMENSIONS = ("product", "category", "channel", "campaign")


def _margin_rollup_filter(date_from: date, date_to: date) -> Q:
    """The MarginTotal rows that cover [date_from, date_to] once: whole months from the month rows,
    the days before the first whole month and after the last from the day rows."""
    first_full = date_from if date_from.day == 1 else periods.first_day(periods.next_month(periods.month_of(date_from)))
    after_end = date_to + timedelta(days=1)
    last_full_end = date_to if after_end.day == 1 else periods.first_day(periods.month_of(date_to)) - timedelta(days=1)
    if first_full > last_full_end:
        return Q(grain="day", starts_on__gte=date_from, starts_on__lte=date_to)
    return (
        Q(grain="month", starts_on__gte=first_full, starts_on__lte=last_full_end)
        | Q(grain="day", starts_on__gte=date_from, starts_on__lt=first_full)
        | Q(grain="day", starts_on__gt=last_full_end, starts_on__lte=date_to)
    )


def get_margin_balances(dimension: str, date_from: date, date_to: date) -> dict[str, dict[str, int]]:
    """Per product id, channel or campaign ("" = none): each P&L account's debit − credit (fen),
    from the margin rollups: a few rows per key and month, whatever the number of orders."""
    keyed: dict = defaultdict(lambda: defaultdict(int))
    rows = (
        MarginTotal.objects.filter(_margin_rollup_filter(date_from, date_to), dimension=dimension)
        .values_list("dimension_key", "account")
        .annotate(dr=Sum("debit_fen"), cr=Sum("credit_fen"))
    )
    for key, account, dr, cr in rows:
        keyed[key][account] += (dr or 0) - (cr or 0)
    return keyed


def get_margin_balances_from_journal(dimension: str, date_from: date, date_to: date) -> dict[str, dict[str, int]]:
    """The same balances straight from the journal lines (what the rollups must equal)."""
    field = {"product": "product_id", "channel": "channel", "campaign": "campaign"}[dimension]
    keyed: dict = defaultdict(lambda: defaultdict(int))
    rows = (
        JournalLine.objects.filter(date__gte=date_from, date__lte=date_to, account__in=_pnl_accounts())
        .values_list(field, "account")
        .annotate(dr=Sum("debit_fen"), cr=Sum("credit_fen"))
    )
    for key, account, dr, cr in rows:
        keyed["" if key is None else str(key)][account] += (dr or 0) - (cr or 0)
    return keyed


def _pnl_accounts() -> list[str]:
    return [a.code for a in chart.ACCOUNTS if a.pnl is not None]


def _product_id(key: str) -> int | None:
    return int(key) if key.isdigit() else None


def get_margins(
    dimension: str, date_from: date, date_to: date, limit: int = 50, *, from_journal: bool = False
) -> list[dict]:
    """Per product, category, channel or campaign: net sales, cost of goods, gross profit and
    margin, then the ad spend, shipping and fees booked to it, and the contribution after them.
    Read from the margin rollups (`from_journal`: the journal lines, to check them)."""
    source = "product" if dimension == "category" else dimension
    read = get_margin_balances_from_journal if from_journal else get_margin_balances
    keyed = read(source, date_from, date_to)
    names: dict = {}
    if dimension in ("product", "category"):
        ids = [pid for pid in (_product_id(k) for k in keyed) if pid]
        if dimension == "category":
            categories = dict(Product.objects.filter(pk__in=ids).values_list("pk", "category_id"))
            merged: dict = defaultdict(lambda: defaultdict(int))
            for key, balances in keyed.items():
                category = categories.get(_product_id(key))
                for account, value in balances.items():
                    merged["" if category is None else str(category)][account] += value
            keyed = merged
            names = {
                str(pk): name
                for pk, name in Category.objects.filter(pk__in=[int(k) for k in keyed if k]).values_list("pk", "name")
            }
        else:
            names = {str(pk): name for pk, name in Product.objects.filter(pk__in=ids).values_list("pk", "name")}
    elif dimension == "channel":
        names = channel_names(keyed)
    out = []
    for key, balances in keyed.items():
        figures = calculate_pnl(balances)
        contribution = (
            figures["gross_profit"] - figures["ad_spend"] - figures["shipping_cost"] - figures["payment_fees"]
        )
        sales = figures["net_sales"]
        out.append(
            {
                "key": key,
                "name": names.get(key, key),
                **{
                    k: figures[k]
                    for k in ("net_sales", "cost_of_goods", "gross_profit", "ad_spend", "shipping_cost", "payment_fees")
                },
                "contribution": contribution,
                "gross_margin_percent": (figures["gross_profit"] * 100 / sales).quantize(Decimal("0.1"))
                if sales
                else None,
                "contribution_margin_percent": (contribution * 100 / sales).quantize(Decimal("0.1")) if sales else None,
            }
        )
    out.sort(key=lambda r: (-r["net_sales"], r["key"]))
    return out[: max(1, min(limit, 500))]


def get_margin_rollup_vs_journal(date_from: date, date_to: date) -> tuple[dict, dict]:
    """Every margin rollup row over the range (per grain, dimension, key, account) against the same
    totals summed from the journal lines: equal when healthy."""
    rolled = {
        (r["grain"], r["dimension"], r["starts_on"], r["dimension_key"], r["account"]): (
            r["debit_fen"],
            r["credit_fen"],
        )
        for r in MarginTotal.objects.filter(starts_on__gte=date_from.replace(day=1), starts_on__lte=date_to).values(
            "grain", "dimension", "starts_on", "dimension_key", "account", "debit_fen", "credit_fen"
        )
    }
    raw: dict = defaultdict(lambda: [0, 0])
    first = date_from.replace(day=1)
    last = periods.first_day(periods.next_month(periods.month_of(date_to))) - timedelta(days=1)
    for day, account, product_id, channel, campaign, dr, cr in (
        JournalLine.objects.filter(date__gte=first, date__lte=last, account__in=_pnl_accounts())
        .values_list("date", "account", "product_id", "channel", "campaign")
        .annotate(dr=Sum("debit_fen"), cr=Sum("credit_fen"))
    ):
        for dimension, key in (
            ("product", "" if product_id is None else str(product_id)),
            ("channel", channel),
            ("campaign", campaign),
        ):
            for grain, starts_on in (("day", day), ("month", day.replace(day=1))):
                if grain == "day" and not date_from <= day <= date_to:
                    continue
                raw[(grain, dimension, starts_on, key, account)][0] += dr or 0
                raw[(grain, dimension, starts_on, key, account)][1] += cr or 0
    rolled = {k: v for k, v in rolled.items() if k[0] == "month" or date_from <= k[2] <= date_to}
    return rolled, {k: tuple(v) for k, v in raw.items()}
