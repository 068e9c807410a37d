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


def banner_image_path(instance, filename):
    return f"banners/{filename}"


class Banner(models.Model):
    """A home-page banner (店铺装修), shown between its start and end, in position order."""

    title = models.CharField(_("标题"), max_length=100)
    title_en = models.CharField(_("英文标题"), max_length=100, blank=True)
    subtitle = models.CharField(_("副标题"), max_length=200, blank=True)
    subtitle_en = models.CharField(_("英文副标题"), max_length=200, blank=True)
    link_url = models.CharField(_("链接"), max_length=300, blank=True)
    image = models.ImageField(_("图片"), upload_to=banner_image_path, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="banner_ends_after_start")]
        verbose_name = _("横幅")

    def __str__(self):
        return self.title


class FeaturedSlot(models.Model):
    """A featured product slot on the home page, with its own schedule."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="featured_slots")
    position = models.PositiveIntegerField(_("排序"), default=0)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start")]
        verbose_name = _("推荐位")


class AdSpend(models.Model):
    """Ad spend per channel (= utm_source), day and campaign, imported from CSV/XLSX."""

    day = models.DateField(_("日期"))
    channel = models.CharField(_("渠道"), max_length=100)
    campaign = models.CharField(_("UTM 活动名"), max_length=100, blank=True)
    spend = models.DecimalField(_("花费"), max_digits=12, decimal_places=2)
    clicks = models.PositiveIntegerField(_("点击"), default=0)
    impressions = models.PositiveIntegerField(_("展示"), default=0)

    class Meta:
        ordering = ["-day", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["day", "channel", "campaign"], name="one_spend_row_per_day_channel"),
            models.CheckConstraint(condition=Q(spend__gte=0), name="ad_spend_not_negative"),
        ]
        verbose_name = _("广告花费")


class Affiliate(models.Model):
    """An affiliate / KOL (达人) with a code: orders whose utm_source is the code, or that used
    the linked coupon, earn `commission_rate` (0–1) of what the buyer paid for goods."""

    code = models.CharField(_("推广码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    commission_rate = models.DecimalField(_("佣金比例"), max_digits=5, decimal_places=4)
    coupon = models.ForeignKey(
        "promotions.Coupon", null=True, blank=True, on_delete=models.SET_NULL, related_name="affiliates"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_rate__gte=0) & Q(commission_rate__lte=1), name="commission_rate_0_to_1"
            )
        ]
        verbose_name = _("推广达人")

    def __str__(self):
        return self.code


class EmailCampaign(models.Model):
    """A bilingual e-mail to a list or a segment, sent by the worker at `scheduled_at`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SCHEDULED = "scheduled", _("已排期")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")

    name = models.CharField(_("名称"), max_length=100)
    subject = models.CharField(_("主题"), max_length=150)
    subject_en = models.CharField(_("英文主题"), max_length=150, blank=True)
    body = models.TextField(_("正文"))
    body_en = models.TextField(_("英文正文"), blank=True)
    audience = models.CharField(_("收件人"), max_length=20, default="all")  # all | recent_buyers | lapsed | list
    recipients = models.TextField(_("收件人名单"), blank=True)  # for audience "list": one e-mail a line
    scheduled_at = models.DateTimeField(_("发送时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    sent_count = models.PositiveIntegerField(_("已发送"), default=0)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        verbose_name = _("邮件营销")


class EmailDelivery(models.Model):
    """One campaign e-mail to one address: the unique row makes a second run skip it."""

    campaign = models.ForeignKey(EmailCampaign, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "email"], name="one_delivery_per_address")]


class Unsubscribe(models.Model):
    """An address that asked for no more marketing e-mail (order e-mails still go)."""

    email = models.EmailField(unique=True)
    unsubscribed_at = models.DateTimeField()


class CartRecovery(models.Model):
    """Abandoned-cart recovery settings (one row): the delay and an optional coupon to offer."""

    is_active = models.BooleanField(_("启用"), default=True)
    delay_minutes = models.PositiveIntegerField(_("延迟（分钟）"), default=120)
    coupon = models.ForeignKey("promotions.Coupon", null=True, blank=True, on_delete=models.SET_NULL)


class CartReminder(models.Model):
    """A recovery e-mail sent for one cart (at most one per cart)."""

    cart = models.OneToOneField("cart.Cart", on_delete=models.CASCADE, related_name="reminder")
    email = models.EmailField()
    sent_at = models.DateTimeField()
