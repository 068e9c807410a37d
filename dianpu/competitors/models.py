"""Competitor shops, their products (mapped to ours), snapshots, alerts, and the daily check."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Competitor(models.Model):
    name = models.CharField(_("店铺名称"), max_length=120)
    platform = models.CharField(_("平台"), max_length=40, blank=True)
    url = models.URLField(_("店铺网址"), max_length=500, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        permissions = [("monitor_competitors", "Can watch competitors and their prices")]

    def __str__(self):
        return self.name


class CompetitorProduct(models.Model):
    competitor = models.ForeignKey(Competitor, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("商品名称"), max_length=200)
    url = models.URLField(_("商品网址"), max_length=500, blank=True)
    our_products = models.ManyToManyField("catalog.Product", related_name="competitor_products", blank=True)
    # CSS selector (HTML pages) or dotted key path such as data.price / $.items[0].price (JSON pages)
    price_selector = models.CharField(_("价格选择器"), max_length=200, blank=True)
    promotion_selector = models.CharField(_("促销选择器"), max_length=200, blank=True)
    sales_selector = models.CharField(_("销量选择器"), max_length=200, blank=True)
    image_selector = models.CharField(_("主图选择器"), max_length=200, blank=True)
    undercut_margin_percent = models.DecimalField(
        _("低价提醒幅度（%）"), max_digits=5, decimal_places=2, default=Decimal("5")
    )
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_error_code = models.CharField(max_length=40, blank=True)
    last_error_detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["competitor__name", "name", "id"]

    def __str__(self):
        return self.name


class Snapshot(models.Model):
    new_alerts: list["Alert"]  # set by services.record_snapshot on the one it returns, not stored

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工录入")
        IMPORT = "import", _("导入")
        FETCH = "fetch", _("自动抓取")

    product = models.ForeignKey(CompetitorProduct, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(db_index=True)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    promotion_text = models.CharField(max_length=300, blank=True)
    sales_count = models.PositiveIntegerField(null=True, blank=True)
    rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    review_count = models.PositiveIntegerField(null=True, blank=True)
    main_image_url = models.CharField(max_length=500, blank=True)
    detail_hash = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        ordering = ["-taken_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(price__gte=0), name="snapshot_price_not_negative")]


class Alert(models.Model):
    class Kind(models.TextChoices):
        UNDERCUT = "undercut", _("低于我方售价")
        PROMOTION = "promotion", _("新促销")

    product = models.ForeignKey(CompetitorProduct, on_delete=models.CASCADE, related_name="alerts")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="alerts")
    our_product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    their_price = models.DecimalField(max_digits=12, decimal_places=2)
    our_price = models.DecimalField(max_digits=12, decimal_places=2)
    promotion_text = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    applied_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class DailyCheck(models.Model):
    """One sitting of the daily competitor check (每天花 30 分钟看同行)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    @property
    def minutes_taken(self):
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds() / 60, 1)


class CheckItem(models.Model):
    check_run = models.ForeignKey(DailyCheck, on_delete=models.CASCADE, related_name="items")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")
    changes = models.JSONField(default=list)
    ticked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["check_run", "snapshot"], name="one_item_per_snapshot")]
