from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Warehouse(models.Model):
    code = models.SlugField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    is_default = models.BooleanField(_("默认仓"), default=False)

    class Meta:
        ordering = ["-is_default", "code"]
        verbose_name = _("仓库")

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The English name on English pages when one exists."""
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name


class StockLevel(models.Model):
    """Units of one SKU in one warehouse. Available = on hand - reserved."""

    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="stock_levels")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock_levels")
    on_hand = models.IntegerField(_("在库"), default=0)
    reserved = models.IntegerField(_("已占用"), default=0)
    safety_stock = models.IntegerField(_("安全库存"), default=0)
    # Set when a low-stock alert went out for this row; cleared when it is back above safety
    # stock, so one crossing sends one alert.
    low_stock_alerted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="one_stock_level_per_sku_and_warehouse"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(on_hand__gte=F("reserved")), name="stock_reserved_within_on_hand"),
        ]
        permissions = [("adjust_stock", "Can adjust stock")]
        verbose_name = _("库存")

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMove(models.Model):
    """The stock ledger: one row per movement; the sums of the deltas equal the level."""

    class Kind(models.TextChoices):
        RESERVE = "reserve", _("下单占用")
        RELEASE = "release", _("取消释放")
        SALE = "sale", _("销售出库")
        ADJUSTMENT = "adjustment", _("调整")
        RECEIPT = "receipt", _("入库")
        RETURN = "return", _("退货入库")
        STOCKTAKE = "stocktake", _("盘点")
        TRANSFER = "transfer", _("调拨")

    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="stock_moves")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    on_hand_delta = models.IntegerField(_("在库变动"), default=0)
    reserved_delta = models.IntegerField(_("占用变动"), default=0)
    reference = models.CharField(_("单号"), max_length=40, blank=True, db_index=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["variant", "-created_at"])]
        verbose_name = _("库存流水")


class Reservation(models.Model):
    """Units held for an order until it ships (consumed) or is cancelled (released)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("占用中")
        CONSUMED = "consumed", _("已出库")
        RELEASED = "released", _("已释放")

    reference = models.CharField(max_length=40, db_index=True)
    stock_level = models.ForeignKey(StockLevel, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "expires_at"])]


class Stocktake(models.Model):
    """A count sheet (盘点单) for one warehouse, optionally one category: the expected units are
    taken when the sheet opens; counted units are entered by SKU or barcode; posting writes one
    `stocktake` move per line that differs, all in one transaction."""

    class Status(models.TextChoices):
        OPEN = "open", _("盘点中")
        POSTED = "posted", _("已过账")
        CANCELLED = "cancelled", _("已取消")

    number = models.CharField(_("盘点单号"), max_length=20, unique=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocktakes")
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    posted_at = models.DateTimeField(_("过账时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("盘点单")


class StocktakeLine(models.Model):
    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    expected = models.IntegerField(_("账面数量"))
    counted = models.IntegerField(_("实盘数量"), null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["variant__sku"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "variant"], name="one_count_line_per_sku"),
            models.CheckConstraint(
                condition=Q(counted__gte=0) | Q(counted__isnull=True), name="stocktake_count_not_negative"
            ),
        ]

    @property
    def variance(self) -> int | None:
        return None if self.counted is None else self.counted - self.expected


class StockSummary(models.Model):
    """The maintained per-SKU figures the catalogue-wide stock pages read (over all warehouses).

    Kept current in the same transaction as every stock move by inventory.services (relative
    UPDATEs: on hand, reserved, available, safety stock, last sale, FIFO age, the verdict) and
    by purchasing.services (on order); the sales windows end at the start of `rolled_on` and are
    rolled each night by the worker from `DailySkuSales`. `dianpu rebuild-stock-summaries`
    recomputes every row from the raw tables. Written only by inventory/summaries.py."""

    variant = models.OneToOneField(
        "catalog.Variant", primary_key=True, on_delete=models.CASCADE, related_name="stock_summary"
    )
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    available = models.IntegerField(default=0, db_index=True)
    safety_stock = models.IntegerField(default=0)
    on_order = models.IntegerField(default=0)
    sold_yesterday = models.IntegerField(default=0)
    sold_7 = models.IntegerField(default=0, db_index=True)
    sold_14 = models.IntegerField(default=0)
    sold_30 = models.IntegerField(default=0, db_index=True)
    returned_7 = models.IntegerField(default=0)
    last_sale_at = models.DateTimeField(null=True, blank=True)
    oldest_unit_on = models.DateField(null=True, blank=True, db_index=True)  # FIFO: the oldest unit on hand came in
    days_of_cover = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True, db_index=True)
    action = models.CharField(max_length=10, default="ok", db_index=True)
    is_slow = models.BooleanField(default=False, db_index=True)
    rolled_on = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("库存汇总")


class DailySkuSales(models.Model):
    """Units sold (sale moves) and returned (return moves) per SKU per shop day: the buckets the
    nightly roll sums into the 7/14/30-day windows of StockSummary. Days older than the longest
    window are deleted by the roll."""

    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)
    sold = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["variant", "day"], name="one_sales_bucket_per_sku_and_day")]
