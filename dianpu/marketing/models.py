from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    """A campaign on the calendar: dates, budget, sales goal, its products and promotions."""

    name = models.CharField(_("名称"), max_length=100)
    template = models.CharField(_("模板"), max_length=20, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    budget = models.DecimalField(_("预算"), max_digits=12, decimal_places=2, default=0)
    sales_goal = models.DecimalField(_("销售目标"), max_digits=14, decimal_places=2, default=0)
    utm_campaign = models.CharField(_("UTM 活动名"), max_length=100, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="campaigns")
    promotions = models.ManyToManyField("promotions.Promotion", blank=True, related_name="campaigns")
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["-starts_at", "-id"]
        permissions = [("manage_marketing", "Can manage campaigns and marketing")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="campaign_ends_after_start"),
            models.CheckConstraint(condition=Q(budget__gte=0) & Q(sales_goal__gte=0), name="campaign_money_sane"),
        ]
        verbose_name = _("营销活动")

    def __str__(self):
        return self.name
