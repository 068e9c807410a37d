"""Help articles, bot sessions and the bot's answers (the log operators read to write what is missing)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Article(models.Model):
    class Category(models.TextChoices):
        SHIPPING = "shipping", _("配送与物流")
        RETURNS = "returns", _("退换货")
        PAYMENT = "payment", _("支付")
        SIZES = "sizes", _("尺码与商品")
        ACCOUNT = "account", _("账户与会员")
        OTHER = "other", _("其他")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("公开（帮助中心）")
        INTERNAL = "internal", _("内部（仅员工）")

    class Language(models.TextChoices):
        ZH = "zh-hans", _("中文")
        EN = "en", _("英文")
        BOTH = "both", _("中英文")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    slug = models.SlugField(_("网址标识"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    # Markdown as written; HTML typed in it is shown as text. `body_html` is its rendering, passed
    # through core.sanitize.sanitize_html (safe tags only, no script, no on* handlers).
    body = models.TextField(_("正文"), blank=True)
    body_html = models.TextField(blank=True, default="")
    category = models.CharField(_("分类"), max_length=20, choices=Category.choices, default=Category.OTHER)
    audience = models.CharField(_("可见范围"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    language = models.CharField(_("语言"), max_length=10, choices=Language.choices, default=Language.ZH)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Search tokens (catalog.domain.search.build_search_document) of the title and of the body text.
    search_title = models.TextField(blank=True, default="")
    search_document = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["category", "title", "id"]
        permissions = [("manage_articles", "Can write and publish knowledge-base articles")]
        indexes = [models.Index(fields=["status", "audience"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.audience == self.Audience.PUBLIC


class BotSession(models.Model):
    """What one visitor told the bot so far, keyed by a random id the client keeps: only its hash
    is stored (core.visitor_tokens), like a support conversation's token."""

    key_hash = models.CharField(max_length=64, unique=True)
    order_number = models.CharField(max_length=20, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True)  # E.164
    conversation_id = models.BigIntegerField(null=True, blank=True)
    conversation_token = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key_hash[:8]


class BotAnswer(models.Model):
    """One question and the bot's answer. For an order question only whether the order was looked
    up and proved is kept: never the order's details when the proof failed."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("知识库回答")
        ORDER = "order", _("订单查询")
        ASK_PROOF = "ask_proof", _("请访客提供信息")
        HANDED_OVER = "handed_over", _("转人工")
        UNANSWERED = "unanswered", _("未能回答")
        THROTTLED = "throttled", _("尝试过多")
        GREETING = "greeting", _("问候")

    session = models.ForeignKey(BotSession, on_delete=models.CASCADE, related_name="answers")
    question = models.TextField(_("提问"))
    answer = models.TextField(_("回答"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    sources = models.JSONField(_("来源"), default=list, blank=True)
    confidence = models.FloatField(_("把握"), default=0)
    handed_over = models.BooleanField(_("已转人工"), default=False)
    order_looked_up = models.BooleanField(_("查询了订单"), default=False)
    order_proved = models.BooleanField(_("订单身份已核实"), default=False)
    language = models.CharField(max_length=10, default="zh-hans")
    # +1 helpful, -1 not helpful, None not rated.
    rating = models.SmallIntegerField(_("评价"), null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "created_at"]), models.Index(fields=["handed_over", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__in=[-1, 1]) | models.Q(rating__isnull=True),
                name="bot_answer_rating_up_or_down",
            )
        ]

    def __str__(self) -> str:
        return self.question[:50]
