"""Raw tracking events (an append-only buffer) and the rollup tables the pages read.

Days are the shop's calendar days (settings.TIME_ZONE), computed when a row is written.
Rollups are written only by analytics.services: tracking columns by the fold task, order
columns by the event handlers (in the transaction of the order change).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackingEvent(models.Model):
    """One thing a visitor did. Inserted without reads by the collect endpoint; folded later."""

    day = models.DateField()
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=20)
    visitor_id = models.CharField(max_length=64)
    session_id = models.CharField(max_length=64)
    path = models.CharField(max_length=300, blank=True)
    product_id = models.BigIntegerField(null=True, blank=True)
    order_id = models.BigIntegerField(null=True, blank=True)
    dwell_ms = models.PositiveIntegerField(default=0)
    # First touch of the session (carried by every event, so no read is needed to attribute it).
    channel = models.CharField(max_length=20, default="direct")
    source = models.CharField(max_length=100, default="(direct)")
    utm_campaign = models.CharField(max_length=100, blank=True)
    device = models.CharField(max_length=10, default="desktop")

    class Meta:
        indexes = [
            models.Index(fields=["day", "kind"]),
            models.Index(fields=["session_id"]),
            # the purchase event of an order (to mark its visit paid); only events with an order
            models.Index(fields=["order_id"], name="tracking_event_order", condition=models.Q(order_id__isnull=False)),
        ]
        permissions = [
            ("view_analytics", "Can see analytics and reports"),
            ("view_margins", "Can see margins and costs"),
        ]


class FoldCursor(models.Model):
    """How far the fold task has read the tracking events (the last folded id)."""

    name = models.CharField(max_length=30, primary_key=True)
    last_id = models.BigIntegerField(default=0)


class DailyStat(models.Model):
    """Per day: orders placed (not cancelled), their sales, refunds paid out, visitors."""

    day = models.DateField(primary_key=True)
    orders = models.IntegerField(default=0)
    sales = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    new_customer_orders = models.IntegerField(default=0)
    returning_customer_orders = models.IntegerField(default=0)
    refunds = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    refund_count = models.IntegerField(default=0)
    visitors = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)
    page_views = models.IntegerField(default=0)


class DailyProductStat(models.Model):
    """Per day × product: the bestseller tracking sheet's figures."""

    day = models.DateField()
    product_id = models.BigIntegerField()
    views = models.IntegerField(default=0)
    visitors = models.IntegerField(default=0)
    dwell_ms = models.BigIntegerField(default=0)
    dwell_samples = models.IntegerField(default=0)
    add_to_carts = models.IntegerField(default=0)
    cart_visitors = models.IntegerField(default=0)
    list_impressions = models.IntegerField(default=0)
    list_clicks = models.IntegerField(default=0)
    buyers = models.IntegerField(default=0)  # distinct buyers whose paid, not cancelled order was placed that day
    units = models.IntegerField(default=0)
    sales = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # money refunded that day for the product's lines (analytics.domain.refunds.split_refund)
    refunds = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "product_id"], name="daily_product_stat_unique")]
        indexes = [
            models.Index(fields=["product_id", "day"]),
            # the flag window's read (day range → product, the default flag metrics) from the index alone
            models.Index(fields=["day", "product_id", "visitors", "sales"], name="product_stat_flag_window"),
        ]


class DailySourceStat(models.Model):
    """Per day × channel × source × device: visits and how far they went (the funnel)."""

    day = models.DateField()
    channel = models.CharField(max_length=20)
    source = models.CharField(max_length=100)
    device = models.CharField(max_length=10)
    visits = models.IntegerField(default=0)
    product_view_visits = models.IntegerField(default=0)
    cart_visits = models.IntegerField(default=0)
    checkout_visits = models.IntegerField(default=0)
    purchase_visits = models.IntegerField(default=0)  # an order was placed in the visit
    paid_visits = models.IntegerField(default=0)  # an order placed in the visit was paid

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "channel", "source", "device"], name="daily_source_stat_unique")
        ]


class VisitorDay(models.Model):
    """Membership: this visitor was seen on this day (for exact distinct counts).

    `prev_day` is the visitor's previous day seen (null for the first): the distinct visitors of
    days a..b are then the rows of a..b whose prev_day is null or before a — one count over the
    (day, prev_day) index instead of a DISTINCT over the visitor ids."""

    day = models.DateField()
    visitor_id = models.CharField(max_length=64)
    prev_day = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "visitor_id"], name="visitor_day_unique")]
        indexes = [
            models.Index(fields=["day", "prev_day"], name="visitor_day_prev"),
            models.Index(fields=["visitor_id", "day"], name="visitor_day_by_visitor"),
        ]


class VisitorReturnDay(models.Model):
    """How many visitors seen on `day` were last seen before on `prev_day` (date.min: never before).

    Kept with VisitorDay.prev_day; the distinct visitors of days a..b are the sum over a..b of the
    rows whose prev_day is before a — a few thousand small rows, whatever the traffic."""

    day = models.DateField()
    prev_day = models.DateField()
    visitors = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "prev_day"], name="visitor_return_day_unique")]


class ProductVisitorDay(models.Model):
    """Membership: this visitor viewed (kind "view") or carted (kind "cart") this product this day."""

    day = models.DateField()
    product_id = models.BigIntegerField()
    visitor_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "product_id", "kind", "visitor_id"], name="product_visitor_day_unique"
            )
        ]


class VisitStage(models.Model):
    """One visit (session): where it came from and the furthest funnel stage it reached."""

    session_id = models.CharField(max_length=64, primary_key=True)
    day = models.DateField()  # the day the visit began
    visitor_id = models.CharField(max_length=64)
    channel = models.CharField(max_length=20)
    source = models.CharField(max_length=100)
    device = models.CharField(max_length=10)
    stage = models.PositiveSmallIntegerField(default=1)


class OrderFact(models.Model):
    """What the rollups counted for an order, so a cancellation takes back exactly that."""

    order_id = models.BigIntegerField(primary_key=True)
    day = models.DateField()
    email = models.CharField(max_length=254)
    grand_total = models.DecimalField(max_digits=12, decimal_places=2)
    is_new_customer = models.BooleanField()
    paid = models.BooleanField(default=False)
    cancelled = models.BooleanField(default=False)


class CountedRefund(models.Model):
    """A refund already counted in the rollups (so a repeated event counts it once)."""

    refund_id = models.BigIntegerField(primary_key=True)


class ProductBuyerDay(models.Model):
    """Membership: how many paid, not cancelled orders of this buyer held this product this day."""

    day = models.DateField()
    product_id = models.BigIntegerField()
    email = models.CharField(max_length=254)
    orders = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "product_id", "email"], name="product_buyer_day_unique")]


class Report(models.Model):
    """A generated operating report (daily, weekly, monthly), kept as XLSX and PDF."""

    class Period(models.TextChoices):
        DAILY = "daily", _("日报")
        WEEKLY = "weekly", _("周报")
        MONTHLY = "monthly", _("月报")

    period = models.CharField(_("周期"), max_length=10, choices=Period.choices)
    date_from = models.DateField(_("开始日期"))
    date_to = models.DateField(_("结束日期"))
    xlsx = models.BinaryField()
    pdf = models.BinaryField()
    emailed_to = models.TextField(blank=True)
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        ordering = ["-date_to", "period"]
        constraints = [models.UniqueConstraint(fields=["period", "date_from"], name="report_period_unique")]
        verbose_name = _("经营报表")


class BuyerSummary(models.Model):
    """Per buyer (e-mail, as the RFM segments and the cohorts count them): the orders not cancelled,
    the money they came to in fen, the shop days of the first and last of them, the month of the first
    and in how many months the buyer ordered. Kept by services.refresh_buyer on every order placed,
    cancelled or refunded; equal to raw_buyer_figures (a test proves it)."""

    email = models.CharField(max_length=254, unique=True)
    orders = models.IntegerField(default=0)
    spent_fen = models.BigIntegerField(default=0)
    first_day = models.DateField(null=True)
    last_day = models.DateField(null=True)
    first_month = models.DateField(null=True)
    active_months = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["last_day", "orders", "spent_fen"], name="buyer_rfm")]


class BuyerMonth(models.Model):
    """Membership: the buyer ordered (not cancelled) in this month (its first day)."""

    email = models.CharField(max_length=254)
    month = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["email", "month"], name="one_buyer_month")]


class CohortMonth(models.Model):
    """The cohort table's cells: buyers whose first order fell in `cohort`; offset 0 counts them all
    (and `repeaters`, those who ordered in any later month), offset n those who ordered n months later."""

    cohort = models.DateField()
    offset = models.IntegerField()
    customers = models.IntegerField(default=0)
    repeaters = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "offset"], name="one_cohort_cell")]


class RfmCell(models.Model):
    """The RFM segments' cells: the buyers (with orders not cancelled) whose last order fell on
    `last_day`, split by frequency and money band (domain.rfm.rfm_band under the rule RfmCellRule
    names), and the money they spent in fen. Today's segments are a sum over a few thousand cells
    instead of a pass over every buyer summary. Kept by services._store_buyer with the summary it
    mirrors (one upsert per order change); equal to the cells recomputed from the orders (a test)."""

    last_day = models.DateField()
    frequent = models.BooleanField()
    high_value = models.BooleanField()
    customers = models.IntegerField(default=0)
    spent_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["last_day", "frequent", "high_value"], name="one_rfm_cell")]


class RfmCellRule(models.Model):
    """The bands the RFM cells were cut by (one row, written with the cells by the rebuild). When
    the shop's rule (settings.ANALYTICS_RFM_RULE) cuts elsewhere, the cells are not read (the
    segments come from the buyer summaries) until `dianpu rebuild_analytics` cuts them again."""

    loyal_orders = models.IntegerField()
    high_value_fen = models.BigIntegerField()
