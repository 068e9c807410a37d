"""Finance use cases: the one writer of journal entries (`post_entry`), reversals, expenses,
the monthly close, and the automatic postings that follow orders, refunds and shipments."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.actors import Actor, person_of
from dianpu.core.errors import DomainError

from .domain import chart, ledger, periods
from .domain.ledger import EntryPlan, LedgerRefused, Line
from .messages import MESSAGES
from .models import (
    Budget,
    DailyAccountTotal,
    Expense,
    FinanceSettings,
    JournalEntry,
    JournalLine,
    MarginTotal,
    Period,
)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")

# Margin rollups being gathered: (grain, dimension, starts_on, dimension key, account) -> [debit, credit] fen.
MarginTotals = dict[tuple[str, str, date, str, str], list[int]]


def finance_error(code: str, status: int = 422, **params: object) -> DomainError:
    text = MESSAGES.get(code, code)
    if params:
        text = text % params
    return DomainError(text, code=code, status=status, **{k: str(v) for k, v in params.items()})


def local_day(moment: datetime) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


# ---- the ledger --------------------------------------------------------------------------


def _open_day(plan: EntryPlan) -> date:
    """The day the entry is dated: its own, or — for an automatic posting whose month is closed —
    the first day of the next open month. Touching the period row (a conditional UPDATE on
    `closed_at IS NULL`) holds it until our transaction ends, so a close waits for us, and a
    posting that comes after a close sees it closed."""
    month, day = periods.month_of(plan.date), plan.date
    for _attempt in range(240):
        Period.objects.bulk_create([Period(month=month)], ignore_conflicts=True)
        if Period.objects.filter(month=month, closed_at__isnull=True).update(closed_at=None) == 1:
            return day
        if not plan.automatic:
            raise finance_error("period_closed", month=month)
        month = periods.next_month(month)
        day = periods.first_day(month)
    raise finance_error("period_closed", month=month)


def _roll_up(day: date, lines: Iterable[Line]) -> None:
    totals: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0])
    margins: MarginTotals = defaultdict(lambda: [0, 0])
    for ln in lines:
        totals[(day, ln.account)][0] += ln.debit_fen
        totals[(day, ln.account)][1] += ln.credit_fen
        add_margin_line(margins, day, ln.account, ln.debit_fen, ln.credit_fen, ln.product_id, ln.channel, ln.campaign)
    _add_to_rollups(totals)
    _add_to_margin_rollups(margins)


PNL_ACCOUNTS = frozenset(a.code for a in chart.ACCOUNTS if a.pnl is not None)


def add_margin_line(
    margins: MarginTotals,
    day: date,
    account: str,
    debit_fen: int,
    credit_fen: int,
    product_id: int | None,
    channel: str,
    campaign: str,
) -> None:
    """Count one journal line into the margin rollups being gathered: P&L accounts only, per
    product, channel and campaign, by the day and by the month."""
    if account not in PNL_ACCOUNTS:
        return
    month = day.replace(day=1)
    for dimension, key in (
        ("product", "" if product_id is None else str(product_id)),
        ("channel", (channel or "")[:100]),
        ("campaign", (campaign or "")[:100]),
    ):
        for grain, starts_on in (("day", day), ("month", month)):
            row = margins[(grain, dimension, starts_on, key, account)]
            row[0] += debit_fen
            row[1] += credit_fen


def _add_to_margin_rollups(margins: MarginTotals) -> None:
    if not margins:
        return
    table = MarginTotal._meta.db_table
    sql = (
        f"INSERT INTO {table} (grain, dimension, starts_on, dimension_key, account, debit_fen, credit_fen) "
        f"VALUES (%s, %s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT (grain, dimension, starts_on, dimension_key, account) DO UPDATE SET "
        f"debit_fen = {table}.debit_fen + excluded.debit_fen, credit_fen = {table}.credit_fen + excluded.credit_fen"
    )
    with connection.cursor() as cursor:  # in key order: concurrent postings lock rows in the same order
        cursor.executemany(sql, [(*k, dr, cr) for k, (dr, cr) in sorted(margins.items())])


def _add_to_rollups(totals: dict[tuple[date, str], list[int]]) -> None:
    """Add to each (day, account) row in one statement per row — an upsert that adds, on SQLite
    and PostgreSQL alike — so concurrent postings never lose each other's amounts."""
    if not totals:
        return
    table = DailyAccountTotal._meta.db_table
    sql = (
        f"INSERT INTO {table} (day, account, debit_fen, credit_fen) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (day, account) DO UPDATE SET debit_fen = {table}.debit_fen + excluded.debit_fen, "
        f"credit_fen = {table}.credit_fen + excluded.credit_fen"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(day, account, dr, cr) for (day, account), (dr, cr) in sorted(totals.items())])


def _moved_memo(memo: str, wanted: date, day: date) -> str:
    if day == wanted:
        return memo
    return f"{memo}（{periods.month_of(wanted)} 已结账，记入 {periods.month_of(day)}）"


def post_entry(
    plan: EntryPlan, *, actor: Actor = None, reversal_of: JournalEntry | None = None
) -> tuple[JournalEntry, bool]:
    """Write one balanced entry (and its rollups) unless its source was posted already.
    Returns (entry, created). Refuses (422) an unbalanced or malformed entry, and a person's
    entry dated in a closed period; nothing is written then."""
    try:
        plan = ledger.check_entry(plan)
    except LedgerRefused as exc:
        raise finance_error(exc.code, **exc.params) from None
    with transaction.atomic():
        existing = JournalEntry.objects.filter(source_kind=plan.source_kind, source_id=plan.source_id).first()
        if existing is not None:
            return existing, False
        day = _open_day(plan)
        memo = _moved_memo(plan.memo, plan.date, day)
        try:
            with transaction.atomic():
                entry = JournalEntry.objects.create(
                    date=day,
                    source_kind=plan.source_kind,
                    source_id=plan.source_id[:100],
                    memo=memo[:300],
                    reversal_of=reversal_of,
                    amount_fen=plan.debit_fen,
                    created_by=person_of(actor),
                    created_at=clock.now(),
                )
        except IntegrityError:  # the same source posted concurrently: theirs stands
            return JournalEntry.objects.get(source_kind=plan.source_kind, source_id=plan.source_id), False
        JournalLine.objects.bulk_create(
            [
                JournalLine(
                    entry=entry,
                    date=day,
                    account=ln.account,
                    debit_fen=ln.debit_fen,
                    credit_fen=ln.credit_fen,
                    channel=ln.channel[:100],
                    product_id=ln.product_id,
                    campaign=ln.campaign[:100],
                )
                for ln in plan.lines
            ]
        )
        _roll_up(day, plan.lines)
    return entry, True


def reverse_entry(
    *, entry_id: int, actor: Actor = None, reason: str = "", ip_address: str | None = None
) -> JournalEntry:
    """Undo an entry with its mirror image, dated today (in the open period). Once per entry."""
    with transaction.atomic():
        entry = JournalEntry.objects.filter(pk=entry_id).first()
        if entry is None:
            raise finance_error("entry_not_found", 404)
        if entry.reversal_of_id is not None:
            raise finance_error("entry_is_reversal", 409)
        if JournalEntry.objects.filter(reversal_of=entry).exists():
            raise finance_error("entry_already_reversed", 409)
        lines = [
            ledger.Line(ln.account, ln.debit_fen, ln.credit_fen, ln.channel, ln.product_id, ln.campaign)
            for ln in entry.lines.all()
        ]
        plan = EntryPlan(
            local_day(clock.now()),
            "reversal",
            str(entry.pk),
            f"冲销凭证 #{entry.pk}：{entry.memo}"[:300],
            ledger.reversal_lines(lines),
        )
        reversal, created = post_entry(plan, actor=actor, reversal_of=entry)
        if not created:
            raise finance_error("entry_already_reversed", 409)
        record_audit(
            actor=actor,
            action="finance.entry_reversed",
            obj=reversal,
            object_repr=f"#{entry.pk}",
            changes={"reversal_of": ("", str(entry.pk))},
            reason=reason,
            ip_address=ip_address,
        )
    return reversal


# ---- periods ------------------------------------------------------------------------------


def close_period(*, month: str, actor: Actor = None, ip_address: str | None = None) -> Period:
    """Lock a month: from now on nothing is dated in it (automatic postings move on to the next
    open month, a person's entries are refused). Closing a closed month changes nothing."""
    parsed = periods.parse_month(month)
    if parsed is None:
        raise finance_error("period_invalid")
    if periods.first_day(parsed) > local_day(clock.now()):
        raise finance_error("period_in_future")
    with transaction.atomic():
        Period.objects.bulk_create([Period(month=parsed)], ignore_conflicts=True)
        now = clock.now()
        # One statement decides: it waits for postings holding the row, then locks the month.
        if (
            Period.objects.filter(month=parsed, closed_at__isnull=True).update(
                closed_at=now, closed_by=person_of(actor)
            )
            == 1
        ):
            record_audit(
                actor=actor,
                action="finance.period_closed",
                object_type="finance.period",
                object_id=parsed,
                object_repr=parsed,
                changes={"closed_at": ("", now.isoformat())},
                ip_address=ip_address,
            )
    return Period.objects.get(month=parsed)


# ---- expenses -----------------------------------------------------------------------------


def clean_amount(value: object) -> Decimal:
    if isinstance(value, float | bool):
        value = str(value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise finance_error("amount_invalid") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT) or amount > MAX_AMOUNT:
        raise finance_error("amount_invalid")
    return amount.quantize(CENT)


def record_expense(
    *,
    day: date | str | None,
    category: str,
    amount: object,
    note: str = "",
    actor: Actor = None,
    ip_address: str | None = None,
) -> Expense:
    """An expense paid from the bank: Dr the category's account / Cr cash. Refused (422, nothing
    written) when dated in a closed period or when the amount or category is not valid."""
    if isinstance(day, str):
        day = periods.parse_day(day)
    if not isinstance(day, date):
        raise finance_error("date_invalid")
    if category not in chart.EXPENSE_CATEGORIES:
        raise finance_error("category_invalid", choices=", ".join(chart.EXPENSE_CATEGORIES))
    amount = clean_amount(amount)
    note = (note or "").strip()
    if len(note) > 300:
        raise finance_error("note_too_long")
    with transaction.atomic():
        expense = Expense.objects.create(
            date=day, category=category, amount=amount, note=note, created_by=person_of(actor), created_at=clock.now()
        )
        account = chart.EXPENSE_CATEGORIES[category]
        memo = f"费用：{Expense.Category(category).label}" + (f" · {note}" if note else "")
        post_entry(
            EntryPlan(
                day,
                "expense",
                str(expense.pk),
                memo[:300],
                (ledger.debit(account, ledger.fen(amount)), ledger.credit(chart.CASH, ledger.fen(amount))),
                automatic=False,
            ),
            actor=actor,
        )
        record_audit(
            actor=actor,
            action="finance.expense_recorded",
            obj=expense,
            object_repr=f"{category} ¥{amount}",
            changes={"date": ("", day.isoformat()), "category": ("", category), "amount": ("", str(amount))},
            ip_address=ip_address,
        )
    return expense


# ---- settings -----------------------------------------------------------------------------


def get_fee_percent(gateway: str) -> Decimal:
    row = FinanceSettings.objects.order_by("id").first()
    value = (row.fee_percents if row else {}).get(gateway)
    try:
        return Decimal(str(value)) if value is not None else Decimal("0")
    except InvalidOperation:
        return Decimal("0")


def set_fee_percent(*, gateway: str, percent: object, actor: Actor = None) -> None:
    try:
        value = Decimal(str(percent).strip())
    except (InvalidOperation, ValueError):
        raise finance_error("amount_invalid") from None
    if not value.is_finite() or not Decimal("0") <= value <= Decimal("100"):
        raise finance_error("amount_invalid")
    with transaction.atomic():
        row = FinanceSettings.objects.select_for_update().order_by("id").first() or FinanceSettings.objects.create()
        before = row.fee_percents.get(gateway)
        row.fee_percents = {**row.fee_percents, gateway: str(value)}
        row.updated_at = clock.now()
        row.save()
        record_audit(
            actor=actor,
            action="finance.fee_set",
            obj=row,
            object_repr=gateway,
            changes={gateway: (before or "", str(value))},
        )


# ---- bulk (demo data, benchmark, catching up) ------------------------------------------------


def _open_day_for_bulk(day: date, cache: dict[str, date]) -> date:
    month = periods.month_of(day)
    if month not in cache:
        cache[month] = _open_day(EntryPlan(periods.first_day(month), "bulk", "bulk", "", ()))
    moved_to = cache[month]
    return day if periods.month_of(moved_to) == month else moved_to


def post_entries_in_bulk(
    plans: Iterable[EntryPlan], *, chunk_size: int = 5000, progress: Callable[[int], object] | None = None
) -> int:
    """Post many automatic entries in a few statements per chunk: each checked like `post_entry`,
    sources already posted skipped, rollups added once per chunk. Returns how many were posted."""
    posted = 0
    chunk: list[EntryPlan] = []

    def flush() -> None:
        nonlocal posted
        checked = []
        for plan in chunk:
            try:
                checked.append(ledger.check_entry(plan))
            except LedgerRefused as exc:
                raise finance_error(exc.code, **exc.params) from None
        with transaction.atomic():
            kinds = {p.source_kind for p in checked}
            ids = {p.source_id for p in checked}
            seen = set(
                JournalEntry.objects.filter(source_kind__in=kinds, source_id__in=ids).values_list(
                    "source_kind", "source_id"
                )
            )
            fresh: list[tuple[Any, date]] = []
            months: dict[Any, Any] = {}
            for plan in checked:
                if (plan.source_kind, plan.source_id) in seen:
                    continue
                seen.add((plan.source_kind, plan.source_id))
                fresh.append((plan, _open_day_for_bulk(plan.date, months)))
            now = clock.now()
            entries = JournalEntry.objects.bulk_create(
                [
                    JournalEntry(
                        date=day,
                        source_kind=p.source_kind,
                        source_id=p.source_id[:100],
                        memo=_moved_memo(p.memo, p.date, day)[:300],
                        amount_fen=p.debit_fen,
                        created_at=now,
                    )
                    for p, day in fresh
                ]
            )
            lines = []
            totals: defaultdict[Any, list[int]] = defaultdict(lambda: [0, 0])
            margins: defaultdict[Any, list[int]] = defaultdict(lambda: [0, 0])
            for entry, (plan, day) in zip(entries, fresh, strict=True):
                for ln in plan.lines:
                    lines.append(
                        (
                            entry.pk,
                            day,
                            ln.account,
                            ln.debit_fen,
                            ln.credit_fen,
                            ln.channel[:100],
                            ln.product_id,
                            ln.campaign[:100],
                        )
                    )
                    totals[(day, ln.account)][0] += ln.debit_fen
                    totals[(day, ln.account)][1] += ln.credit_fen
                    add_margin_line(
                        margins, day, ln.account, ln.debit_fen, ln.credit_fen, ln.product_id, ln.channel, ln.campaign
                    )
            with connection.cursor() as cursor:  # plain rows: the ORM's per-object work dominates here
                cursor.executemany(
                    f"INSERT INTO {JournalLine._meta.db_table} (entry_id, date, account, debit_fen, credit_fen, "
                    "channel, product_id, campaign) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    lines,
                )
            _add_to_rollups(totals)
            _add_to_margin_rollups(margins)
        posted += len(fresh)
        if progress is not None:
            progress(len(chunk))
        chunk.clear()

    for plan in plans:
        chunk.append(plan)
        if len(chunk) >= chunk_size:
            flush()
    if chunk:
        flush()
    return posted


# ---- operating budget ------------------------------------------------------------------------


def set_budget(
    *, month: str, amounts: dict[str, object] | None, actor: Actor = None, ip_address: str | None = None
) -> list[Budget]:
    """Set a month's budget per category (ads, staff, logistics, tools, other); 0 clears one."""
    parsed = periods.parse_month(month)
    if parsed is None:
        raise finance_error("period_invalid")
    cleaned: dict[str, Decimal] = {}
    for category, value in (amounts or {}).items():
        if category not in chart.EXPENSE_CATEGORIES:
            raise finance_error("category_invalid", choices=", ".join(chart.EXPENSE_CATEGORIES))
        amount = Decimal("0") if str(value).strip() in ("0", "0.00", "0.0") else clean_amount(value)
        cleaned[category] = amount
    with transaction.atomic():
        for category, amount in sorted(cleaned.items()):
            before = Budget.objects.filter(month=parsed, category=category).values_list("amount", flat=True).first()
            Budget.objects.update_or_create(
                month=parsed, category=category, defaults={"amount": amount, "updated_at": clock.now()}
            )
            if before != amount:
                record_audit(
                    actor=actor,
                    action="finance.budget_set",
                    object_type="finance.budget",
                    object_id=f"{parsed}:{category}",
                    object_repr=f"{parsed} {category}",
                    changes={"amount": (str(before) if before is not None else "", str(amount))},
                    ip_address=ip_address,
                )
    return list(Budget.objects.filter(month=parsed))
