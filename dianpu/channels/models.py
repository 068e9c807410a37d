from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelImport(models.Model):
    """One accepted import file: which channel, who, how many orders it created."""

    channel = models.CharField(_("渠道"), max_length=20)
    filename = models.CharField(_("文件"), max_length=200)
    orders_created = models.PositiveIntegerField(_("新订单数"))
    rows = models.PositiveIntegerField(_("行数"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("导入时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("import_channel_orders", "Can import orders from other platforms and export tracking")]
        verbose_name = _("平台订单导入")


class ChannelMapping(models.Model):
    """The column mapping last used for a channel's generic CSV/XLSX, reused when none is given."""

    channel = models.CharField(_("渠道"), max_length=20, unique=True)
    mapping = models.JSONField(_("列映射"), default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("列映射")


class Channel(models.Model):
    """A connected sales channel: a Shopify shop through its Admin API, or a Chinese marketplace
    (Taobao/Tmall, JD, Pinduoduo) through its seller centre's files. Orders from it carry
    `channel = str(id)`. The access token and webhook secret are kept, and shown back masked."""

    class Kind(models.TextChoices):
        SHOPIFY = "shopify", "Shopify"
        TAOBAO = "taobao", _("淘宝/天猫")
        JD = "jd", _("京东")
        PDD = "pdd", _("拼多多")

    kind = models.CharField(_("平台"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    shop_domain = models.CharField(_("店铺域名"), max_length=200, blank=True)
    access_token = models.CharField(max_length=300, blank=True)
    webhook_secret = models.CharField(max_length=300, blank=True)
    location_id = models.CharField(_("库存地点 ID"), max_length=40, blank=True)
    api_base = models.CharField(_("API 地址"), max_length=300, blank=True)
    stock_buffer = models.PositiveIntegerField(_("库存缓冲"), default=0)
    stock_share_percent = models.PositiveSmallIntegerField(_("库存分配比例（%）"), default=100)
    enabled = models.BooleanField(_("启用"), default=True)
    last_synced_at = models.DateTimeField(_("上次同步"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    last_error_code = models.CharField(max_length=40, blank=True)
    last_error_at = models.DateTimeField(_("错误时间"), null=True, blank=True)
    last_order_id = models.CharField(max_length=40, blank=True)  # polling: orders.json?since_id=
    # The warehouses whose stock this channel may sell; none chosen = every warehouse.
    warehouses = models.ManyToManyField("inventory.Warehouse", blank=True, related_name="+", verbose_name=_("供货仓库"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        permissions = [("manage_channels", "Can connect sales channels, sync listings and push stock")]
        verbose_name = _("销售渠道")

    def __str__(self):
        return self.name

    @property
    def order_channel(self) -> str:
        """The value of Order.channel for this channel's orders."""
        return str(self.pk)


class ChannelListing(models.Model):
    """One of the channel's SKUs (a Shopify variant) and our variant it maps to, by SKU."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="listings")
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, on_delete=models.SET_NULL, related_name="channel_listings"
    )
    external_sku = models.CharField(_("平台 SKU"), max_length=100, blank=True)
    external_product_id = models.CharField(max_length=40, blank=True)
    external_variant_id = models.CharField(max_length=40)
    inventory_item_id = models.CharField(max_length=40, blank=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    push_pending = models.BooleanField(default=False)
    pushed_quantity = models.IntegerField(_("已推送库存"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("推送时间"), null=True, blank=True)
    push_error = models.CharField(_("推送错误"), max_length=300, blank=True)

    class Meta:
        ordering = ["external_sku", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_variant_id"], name="one_listing_per_channel_variant")
        ]
        indexes = [
            models.Index(fields=["push_pending"], condition=models.Q(push_pending=True), name="channel_listing_pending")
        ]
        verbose_name = _("渠道商品")


class ChannelOrderIntake(models.Model):
    """Every order a channel sent or we pulled, once per platform order id: created (our order
    number), or held with a problem (unknown SKU, out of stock) and the payload kept for a retry."""

    class State(models.TextChoices):
        PENDING = "pending", _("处理中")
        CREATED = "created", _("已建单")
        PROBLEM = "problem", _("有问题")
        CANCELLED = "cancelled", _("平台已取消")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="intakes")
    external_id = models.CharField(max_length=40)
    external_number = models.CharField(_("平台订单号"), max_length=64, blank=True)
    source = models.CharField(max_length=20)  # webhook | poll | file
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PENDING)
    order_number = models.CharField(_("订单号"), max_length=20, blank=True)
    problem_code = models.CharField(max_length=40, blank=True)
    problem = models.CharField(_("问题"), max_length=500, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(_("接收时间"))
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["channel", "external_id"], name="one_intake_per_channel_order")]
        verbose_name = _("渠道订单接收")


class ChannelWebhook(models.Model):
    """A webhook delivery taken, once per platform webhook id (X-Shopify-Webhook-Id): a delivery
    sent again is acknowledged and changes nothing."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="webhooks")
    webhook_id = models.CharField(max_length=100)
    topic = models.CharField(max_length=60)
    outcome = models.CharField(max_length=20)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["channel", "webhook_id"], name="one_webhook_per_channel_id")]
        verbose_name = _("渠道 Webhook")


class ChannelSyncJob(models.Model):
    """A "sync now" asked for on the console and run by the worker, with its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("同步中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="sync_jobs")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(max_length=10, blank=True)  # read | push
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    mapped = models.PositiveIntegerField(default=0)
    pushed = models.PositiveIntegerField(default=0)
    unmapped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("渠道同步任务")

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
