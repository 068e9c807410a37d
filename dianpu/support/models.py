"""Tables of the service desk: conversations, their messages and attachments, agents' duty, SLA
targets per priority, canned replies."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """A ticket: one customer's question through chat, e-mail or the bot, until it is closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        PENDING = "pending", _("等待客户")
        RESOLVED = "resolved", _("已解决")
        CLOSED = "closed", _("已关闭")

    class Channel(models.TextChoices):
        CHAT = "chat", _("在线咨询")
        EMAIL = "email", _("邮件")
        BOT = "bot", _("机器人转人工")

    class Priority(models.TextChoices):
        LOW = "low", _("低")
        NORMAL = "normal", _("普通")
        HIGH = "high", _("高")
        URGENT = "urgent", _("紧急")

    class ComplaintCause(models.TextChoices):
        PRODUCT = "product", _("商品问题")
        LOGISTICS = "logistics", _("物流问题")
        SERVICE = "service", _("服务问题")
        PRICE = "price", _("价格问题")

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default="chat")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="open", db_index=True)
    priority = models.CharField(_("优先级"), max_length=10, choices=Priority.choices, default="normal")
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    name = models.CharField(_("姓名"), max_length=100, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    order_number = models.CharField(_("订单号"), max_length=40, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="support_conversations"
    )
    tags = models.JSONField(_("标签"), default=list, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    language = models.CharField(max_length=10, default="zh-hans")
    created_at = models.DateTimeField(_("创建时间"), db_index=True)
    last_message_at = models.DateTimeField(_("最后消息时间"), db_index=True)
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    escalated = models.BooleanField(_("已升级"), default=False)
    # Complaints (投诉): the cause and what it is about.
    complaint_cause = models.CharField(_("投诉原因"), max_length=10, choices=ComplaintCause.choices, blank=True)
    complaint_product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    complaint_carrier = models.CharField(_("承运商"), max_length=40, blank=True)
    # Satisfaction (CSAT) asked when the conversation is resolved, answered once by the visitor,
    # and credited to the agent who had the conversation then.
    satisfaction_score = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)  # 1–5
    satisfaction_comment = models.CharField(_("满意度意见"), max_length=1000, blank=True)
    satisfaction_at = models.DateTimeField(null=True, blank=True)
    satisfaction_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("客服会话")
        permissions = [
            ("answer_conversations", "Answer customer conversations"),
            ("review_support", "Review agents' conversations and logs"),
        ]
        indexes = [models.Index(fields=["status", "assignee"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction_score__isnull=True)
                | models.Q(satisfaction_score__gte=1, satisfaction_score__lte=5),
                name="support_satisfaction_1_to_5",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.name or self.email}"

    @property
    def reference(self) -> str:
        """What an e-mail subject carries so that answers thread back here."""
        return f"[DP-S{self.pk}]"


class Message(models.Model):
    class Sender(models.TextChoices):
        VISITOR = "visitor", _("客户")
        AGENT = "agent", _("客服")
        SYSTEM = "system", _("系统")
        BOT = "bot", _("机器人")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()  # raw as written; always shown escaped
    internal = models.BooleanField(_("内部备注"), default=False)
    email_message_id = models.CharField(max_length=250, blank=True, db_index=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "id"])]


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    # Under MEDIA_ROOT/private/: served only by the support attachment view (token, signed link or
    # staff), never by /media/.
    file = models.FileField(upload_to="private/support/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()


class AgentDuty(models.Model):
    """An agent's "on duty" toggle and the last time round-robin gave them a conversation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_duty")
    on_duty = models.BooleanField(_("值班中"), default=False)
    last_assigned_at = models.DateTimeField(null=True, blank=True)


class SlaPolicy(models.Model):
    priority = models.CharField(max_length=10, unique=True, choices=Conversation.Priority.choices)
    first_response_minutes = models.PositiveIntegerField(_("首次响应时限（分钟）"))
    resolution_minutes = models.PositiveIntegerField(_("解决时限（分钟）"))
    warning_minutes = models.PositiveIntegerField(_("提前预警（分钟）"))


class CannedReply(models.Model):
    """话术: a reply kept for reuse, in both languages, with variables."""

    title = models.CharField(_("标题"), max_length=100)
    category = models.CharField(_("分类"), max_length=50, blank=True)
    body_zh = models.TextField(_("中文内容"))
    body_en = models.TextField(_("英文内容"), blank=True)
    usage_count = models.PositiveIntegerField(_("使用次数"), default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["category", "title", "id"]


class AgentLog(models.Model):
    """客服日志: one agent's day — figures drafted from the day's conversations, the agent's own
    notes, submitted, then reviewed by a lead."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        REVIEWED = "reviewed", _("已审阅")

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_logs")
    day = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="draft")
    handled = models.PositiveIntegerField(_("处理会话"), default=0)
    still_open = models.PositiveIntegerField(_("未结会话"), default=0)
    escalated = models.PositiveIntegerField(_("转人工/升级"), default=0)
    complaints = models.PositiveIntegerField(_("投诉"), default=0)
    top_tags = models.JSONField(default=list, blank=True)  # [[tag, count], ...]
    common_questions = models.JSONField(default=list, blank=True)  # subjects of the day's conversations
    notes = models.TextField(_("客服备注"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("主管意见"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "agent_id"]
        constraints = [models.UniqueConstraint(fields=["agent", "day"], name="one_support_log_per_agent_day")]


class ChatReview(models.Model):
    """质检: one sampled conversation of one agent's week, scored against the checklist."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reviews")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_reviews")
    week = models.DateField(_("周"))  # the Monday
    greeting = models.PositiveSmallIntegerField(_("问候"), null=True, blank=True)  # 1–5 each
    accuracy = models.PositiveSmallIntegerField(_("准确"), null=True, blank=True)
    tone = models.PositiveSmallIntegerField(_("语气"), null=True, blank=True)
    resolution = models.PositiveSmallIntegerField(_("解决"), null=True, blank=True)
    banned_words = models.JSONField(default=list, blank=True)  # found automatically in the agent's replies
    comment = models.TextField(_("评语"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-week", "agent_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "week"], name="one_review_per_conversation_week")
        ]

    @property
    def score(self) -> int | None:
        from .domain.review import CHECKLIST, calculate_score

        scores = {k: getattr(self, k) for k in CHECKLIST}
        if any(v is None for v in scores.values()):
            return None
        return calculate_score(scores, len(self.banned_words or []))  # out of 100
