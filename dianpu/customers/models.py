from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    """A person who buys. A guest checkout creates one by e-mail; signing up gives it a password
    (an account). Points, tier and segments are kept here for the pricing engine to read."""

    email = models.EmailField(_("邮箱"), unique=True)
    name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    language = models.CharField(_("语言"), max_length=10, default="zh-hans")
    created_at = models.DateTimeField(_("注册时间"), db_index=True)
    # --- the account (empty for a guest) ---
    password = models.CharField(max_length=128, blank=True)
    signed_up_at = models.DateTimeField(_("开通账户时间"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("邮箱验证时间"), null=True, blank=True)
    birthday = models.DateField(_("生日"), null=True, blank=True)
    # A mobile number proved by an SMS code (sign-up or sign-in by mobile); unique among those.
    phone_verified_at = models.DateTimeField(_("手机验证时间"), null=True, blank=True)
    # The buyer's openid under the shop's official account (WeChat's web OAuth, for WeChat Pay JSAPI).
    wechat_openid = models.CharField(_("微信 openid"), max_length=64, blank=True, default="")
    # Daily check-in (每日签到): the last day and how many days in a row.
    last_check_in_on = models.DateField(null=True, blank=True)
    check_in_streak = models.PositiveIntegerField(default=0)
    # --- membership ---
    tier = models.CharField(_("会员等级"), max_length=30, blank=True)
    tier_since = models.DateTimeField(null=True, blank=True)
    points_balance = models.IntegerField(_("积分余额"), default=0)
    segments = models.JSONField(_("客户分群"), default=list, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    note = models.TextField(_("备注"), blank=True)
    # --- consent (PIPL/GDPR): marketing by channel; service messages need none ---
    consent_email = models.BooleanField(_("接收营销邮件"), default=False)
    consent_sms = models.BooleanField(_("接收营销短信"), default=False)
    erased_at = models.DateTimeField(_("删除时间"), null=True, blank=True)
    # Merged into another record of the same person: this one is kept empty, for the audit trail.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("客户")
        constraints = [
            models.CheckConstraint(condition=Q(points_balance__gte=0), name="points_balance_not_negative"),
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(phone_verified_at__isnull=False) & ~Q(phone=""),
                name="one_account_per_verified_phone",
            ),
        ]
        permissions = [
            ("adjust_points", "Can add or remove customers' points"),
            ("manage_privacy", "Can export and erase customers' data"),
            ("view_contact", "Can see customers' phone numbers and addresses"),
        ]

    def __str__(self):
        return self.name or self.email

    @property
    def has_account(self) -> bool:
        return bool(self.password)

    @property
    def has_email(self) -> bool:
        """False for an account opened by mobile number only (its e-mail is a placeholder)."""
        return not self.email.endswith(PHONE_ONLY_DOMAIN)

    @property
    def shown_email(self) -> str:
        return self.email if self.has_email else ""


PHONE_ONLY_DOMAIN = "@phone.invalid"


class PhoneCode(models.Model):
    """A one-time SMS code (短信验证码) proving a mobile number, for sign-up or sign-in. Only its
    hash is kept; it expires, allows a few wrong tries, and works once."""

    phone = models.CharField(max_length=30, db_index=True)
    purpose = models.CharField(max_length=10)  # "sign_up" | "sign_in"
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    sent = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]


class CustomerToken(models.Model):
    """A customer's bearer token for the API (`cu_…`); distinct from staff tokens, which live in
    accounts.ApiToken and start `dp_`. Only its SHA-256 is stored."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)


class PointsEntry(models.Model):
    """The points ledger (积分流水): every change of a customer's balance with its reason. The sum
    of `delta` per customer equals `Customer.points_balance`."""

    class Kind(models.TextChoices):
        EARN = "earn", _("消费获得")
        REDEEM = "redeem", _("下单抵扣")
        RESTORE = "restore", _("取消退回")
        TAKE_BACK = "take_back", _("退款扣回")
        EXPIRE = "expire", _("过期")
        ADJUST = "adjust", _("人工调整")
        ACTION = "action", _("活动奖励")
        EXCHANGE = "exchange", _("兑换优惠券")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="points_entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delta = models.IntegerField()
    balance_after = models.IntegerField()
    # The order number, refund, or other thing the entry is for; with kind, it makes the entry once-only.
    reference = models.CharField(max_length=64, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # earned points only
    created_at = models.DateTimeField(db_index=True)
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "reference"],
                condition=~Q(reference=""),
                name="one_points_entry_per_kind_and_reference",
            )
        ]


class SavedAddress(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(_("收货人"), max_length=100)
    phone = models.CharField(_("电话"), max_length=30)
    country = models.CharField(_("国家/地区"), max_length=2, default="CN")
    province = models.CharField(_("省份"), max_length=50)
    city = models.CharField(_("城市"), max_length=50)
    district = models.CharField(_("区县"), max_length=50, blank=True)
    line1 = models.CharField(_("详细地址"), max_length=200)
    line2 = models.CharField(_("地址补充"), max_length=200, blank=True)
    postcode = models.CharField(_("邮编"), max_length=12, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-is_default", "-id"]


class MembershipTier(models.Model):
    """A tier (会员等级) earned by spend over a window, with its perks for the pricing engine."""

    code = models.SlugField(unique=True, max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(max_length=50)
    rank = models.PositiveSmallIntegerField(default=0)
    min_spend = models.DecimalField(_("门槛消费"), max_digits=12, decimal_places=2, default=0)
    discount_percent = models.DecimalField(_("会员折扣 %"), max_digits=5, decimal_places=2, default=0)
    member_price = models.BooleanField(_("享会员价"), default=False)
    free_shipping = models.BooleanField(_("包邮"), default=False)
    # The birthday coupon (生日券): a fixed-amount coupon issued once a year on the birthday; 0 = none.
    birthday_coupon_amount = models.DecimalField(_("生日券金额"), max_digits=12, decimal_places=2, default=0)
    birthday_coupon_min_spend = models.DecimalField(_("生日券使用门槛"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("会员等级")


class PointsOffer(models.Model):
    """A coupon in the points exchange (积分兑换): the customer picks it in their account and pays
    `points` for a fixed-amount coupon valid `valid_days`."""

    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(max_length=100, blank=True)
    points = models.PositiveIntegerField(_("所需积分"))
    coupon_amount = models.DecimalField(_("券面金额"), max_digits=12, decimal_places=2)
    coupon_min_spend = models.DecimalField(_("使用门槛"), max_digits=12, decimal_places=2, default=0)
    valid_days = models.PositiveSmallIntegerField(_("有效天数"), default=30)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["points", "id"]
        verbose_name = _("积分兑换")
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0) & Q(coupon_amount__gt=0), name="points_offer_positive")
        ]


class MemberCoupon(models.Model):
    """A coupon issued to one customer (a points exchange, the birthday coupon, a win-back offer).
    The coupon itself lives in promotions (created by its handler of MemberCouponIssued, in the
    same transaction); this row says whose it is and makes each issue once-only."""

    class Source(models.TextChoices):
        EXCHANGE = "exchange", _("积分兑换")
        BIRTHDAY = "birthday", _("生日券")
        WIN_BACK = "win_back", _("召回券")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="member_coupons")
    source = models.CharField(max_length=10, choices=Source.choices)
    reference = models.CharField(max_length=64)  # the exchange entry, "2026" (birthday year), the day (win-back)
    code = models.CharField(_("券码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    min_spend = models.DecimalField(_("最低消费"), max_digits=12, decimal_places=2, default=0)
    ends_at = models.DateTimeField(_("有效期至"))
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "source", "reference"], name="one_member_coupon_per_source_and_reference"
            )
        ]


class PrivacyRequest(models.Model):
    """The log of data requests (PIPL/GDPR): who asked for an export or an erasure, and when."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("导出个人数据")
        ERASE = "erase", _("删除个人数据")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="privacy_requests")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor_label = models.CharField(_("操作人"), max_length=150)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Segment(models.Model):
    """A segment defined by rules (spend, recency, frequency, tags, region, products or categories
    bought, tier, consent). Members are stored on `Customer.segments`, kept current by the worker
    and after every paid order; RFM segments need no row."""

    code = models.SlugField(unique=True, max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    conditions = models.JSONField(_("规则"), default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]
        verbose_name = _("客户分群")


class Outreach(models.Model):
    """A message to a segment (or everyone who agreed), by e-mail or SMS, sent by the worker at
    `scheduled_at` outside quiet hours: campaigns, win-back offers, holiday greetings."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("邮件")
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已排期")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")

    name = models.CharField(_("名称"), max_length=100)
    occasion = models.CharField(_("场合"), max_length=30, blank=True)  # spring_festival, mid_autumn, 618, ...
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    segment = models.CharField(_("客户分群"), max_length=40, blank=True)  # "" = everyone who agreed
    subject = models.CharField(_("主题"), max_length=150, blank=True)
    subject_en = models.CharField(max_length=150, blank=True)
    body = models.TextField(_("正文"), blank=True)
    body_en = models.TextField(blank=True)
    sms_template = models.CharField(_("短信模板编号"), max_length=40, blank=True)
    coupon_code = models.CharField(_("附带券码"), max_length=40, blank=True)
    scheduled_at = models.DateTimeField(_("发送时间"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occasion", "scheduled_at"],
                condition=~Q(occasion=""),
                name="one_greeting_per_occasion_and_time",
            )
        ]


class OutreachMessage(models.Model):
    """One outreach message to one customer: the unique row makes a second run skip them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("失败")

    outreach = models.ForeignKey(Outreach, on_delete=models.CASCADE, related_name="messages")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="outreach_messages")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_id = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)  # the e-mail's pixel first loaded
    clicked_at = models.DateTimeField(null=True, blank=True)  # a tracked link first followed

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outreach", "customer"], name="one_message_per_customer")]


class SurveyResponse(models.Model):
    """An answer to a satisfaction survey: CSAT (1–5) about a delivered order, or NPS (0–10) for a
    period. The SKUs of the order are kept so results can be read per product."""

    class Kind(models.TextChoices):
        CSAT = "csat", _("满意度")
        NPS = "nps", _("净推荐值")

    customer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL, related_name="survey_responses")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    subject = models.CharField(max_length=40)  # the order number (CSAT) or the period "2026-12" (NPS)
    skus = models.JSONField(default=list, blank=True)
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("意见"), max_length=1000, blank=True)
    segments = models.JSONField(default=list, blank=True)  # the customer's segments when answering
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["customer", "kind", "subject"], name="one_answer_per_survey")]


class SurveyInvite(models.Model):
    """A survey question sent (once per customer and subject)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="survey_invites")
    kind = models.CharField(max_length=4)
    subject = models.CharField(max_length=40)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "kind", "subject"], name="one_invite_per_survey")]
