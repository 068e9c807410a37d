from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Period(models.Model):
    """A calendar month of the books. Closed = locked: nothing more is dated in it.

    Every posting touches its period's row with a conditional UPDATE (`closed_at IS NULL`): on
    PostgreSQL that row lock orders a posting and a close of the same month, so a closed month
    never changes afterwards."""

    month = models.CharField(_("月份"), max_length=7, unique=True)
    closed_at = models.DateTimeField(_("结账时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("会计期间")
        permissions = [
            ("view_books", "Can see the books (ledger, P&L, trial balance)"),
            ("manage_books", "Can enter expenses, close periods and reconcile"),
            ("view_ad_results", "Can see ad spend and campaign results"),
        ]

    def __str__(self):
        return self.month


class JournalEntry(models.Model):
    """One balanced posting. Never edited: a wrong entry is undone by its reversal.

    (source_kind, source_id) names the row that caused it and is unique: the same event replayed
    posts nothing twice."""

    date = models.DateField(_("记账日期"), db_index=True)
    source_kind = models.CharField(_("来源类型"), max_length=30)
    source_id = models.CharField(_("来源编号"), max_length=100)
    memo = models.CharField(_("摘要"), max_length=300)
    reversal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    amount_fen = models.BigIntegerField(_("金额（分）"))  # the debits (= the credits)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source_kind", "source_id"], name="journal_entry_source_once"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="journal_entry_amount_positive"),
        ]
        verbose_name = _("记账凭证")


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    date = models.DateField(db_index=True)  # the entry's, repeated for reads by day
    account = models.CharField(_("科目"), max_length=40, db_index=True)
    debit_fen = models.BigIntegerField(_("借方（分）"), default=0)
    credit_fen = models.BigIntegerField(_("贷方（分）"), default=0)
    channel = models.CharField(_("渠道"), max_length=100, blank=True)
    product_id = models.BigIntegerField(_("商品"), null=True, blank=True)
    campaign = models.CharField(_("活动"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit_fen__gt=0, credit_fen=0) | Q(debit_fen=0, credit_fen__gt=0)),
                name="journal_line_one_side_positive",
            ),
        ]


class DailyAccountTotal(models.Model):
    """Rollup: the debits and credits of one account on one day, kept in step by every posting
    (a conditional UPDATE ... + n, or the first row of the day). P&L and trial balance read this."""

    day = models.DateField()
    account = models.CharField(max_length=40)
    debit_fen = models.BigIntegerField(default=0)
    credit_fen = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["day", "account"]
        constraints = [models.UniqueConstraint(fields=["day", "account"], name="one_total_per_day_account")]


class MarginTotal(models.Model):
    """Rollup for margins: the debits and credits of one P&L account for one product, channel or
    campaign (`dimension`, `dimension_key`; "" = none) over one day and, again, over its month
    (`grain`).
    Kept in step by every posting like DailyAccountTotal; margins over a range read whole months
    from the month rows and the days at either end from the day rows."""

    class Grain(models.TextChoices):
        DAY = "day", "day"
        MONTH = "month", "month"

    grain = models.CharField(max_length=5, choices=Grain.choices)
    starts_on = models.DateField()  # the day, or the first day of the month
    dimension = models.CharField(max_length=10)  # product / channel / campaign
    dimension_key = models.CharField(max_length=100, blank=True)
    account = models.CharField(max_length=40)
    debit_fen = models.BigIntegerField(default=0)
    credit_fen = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["grain", "starts_on", "dimension", "dimension_key", "account"]
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "dimension", "starts_on", "dimension_key", "account"],
                name="one_margin_total_per_period_key_account",
            )
        ]


class Expense(models.Model):
    """An expense entered or imported by staff (rent, salaries, tools ...), posted to the ledger."""

    class Category(models.TextChoices):
        ADS = "ads", _("广告")
        STAFF = "staff", _("人工")
        LOGISTICS = "logistics", _("物流")
        TOOLS = "tools", _("工具")
        OTHER = "other", _("其他")

    date = models.DateField(_("日期"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")]
        verbose_name = _("费用")


class FinanceSettings(models.Model):
    """The books' settings (one row): the fee each gateway takes (percent of the amount paid) and
    tax: whether prices include it, the default rate and the rate per product class (category)."""

    fee_percents = models.JSONField(_("支付手续费率"), default=dict, blank=True)  # gateway -> "0.60"
    prices_include_tax = models.BooleanField(_("价格含税"), default=True)
    default_tax_percent = models.DecimalField(_("默认税率 %"), max_digits=5, decimal_places=2, default=13)
    category_tax_percents = models.JSONField(_("分类税率"), default=dict, blank=True)  # category id -> "9"
    updated_at = models.DateTimeField(null=True, blank=True)


class Settlement(models.Model):
    """A gateway's settlement file, uploaded and matched against our payments and refunds."""

    gateway = models.CharField(_("支付渠道"), max_length=30)
    file_format = models.CharField(_("文件格式"), max_length=40)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    digest = models.CharField(max_length=64, unique=True)  # the same file uploaded twice is one settlement
    currency = models.CharField(max_length=3)
    row_count = models.PositiveIntegerField(default=0)
    fee_fen = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("对账单")


class SettlementRow(models.Model):
    """One line of the comparison: theirs, ours, or both, and how they compare."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("已匹配")
        MISSING_OURS = "missing_ours", _("我方缺失")
        MISSING_THEIRS = "missing_theirs", _("对方缺失")
        MISMATCHED = "mismatched", _("金额不符")

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="rows")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    kind = models.CharField(max_length=20)  # payment / refund / fee / other
    reference = models.CharField(max_length=100, blank=True)
    their_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    our_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    fee = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    order_number = models.CharField(max_length=20, blank=True, db_index=True)  # a paid order: its real fee known?
    occurred_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


class Budget(models.Model):
    """Operating budget (运营预算): what may be spent in a month on one category."""

    month = models.CharField(_("月份"), max_length=7)
    category = models.CharField(_("类别"), max_length=20, choices=Expense.Category.choices)
    amount = models.DecimalField(_("预算金额"), max_digits=12, decimal_places=2)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["month", "category"]
        constraints = [
            models.UniqueConstraint(fields=["month", "category"], name="one_budget_per_month_category"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_not_negative"),
        ]
        verbose_name = _("运营预算")


class InvoiceRequest(models.Model):
    """A customer's request for an invoice (发票) for a paid order, and what became of it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("已申请")
        ISSUED = "issued", _("已开具")
        REJECTED = "rejected", _("已拒绝")

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="invoice_requests")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(_("发票抬头"), max_length=100)
    tax_number = models.CharField(_("税号"), max_length=20, blank=True)
    email = models.EmailField(_("接收邮箱"))
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    invoice_number = models.CharField(_("发票号码"), max_length=40, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("申请时间"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=~Q(status="rejected"), name="one_open_invoice_request_per_order"
            )
        ]
        verbose_name = _("发票申请")
