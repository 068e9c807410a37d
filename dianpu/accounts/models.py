from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; it acts as its user, narrowed
    to its scopes (space-separated `<area>:read|write`; empty = all its user may) until it expires
    or is revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(_("权限范围"), max_length=400, blank=True, default="")
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    # The last time a use of this token was written to the audit log (at most one entry an hour).
    use_audited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [("manage_staff", "Can manage staff, roles and API tokens")]
        verbose_name = _("API 令牌")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def scope_list(self) -> tuple[str, ...]:
        return tuple(self.scopes.split())


class TwoFactor(models.Model):
    """A staff member's authenticator (TOTP). `confirmed_at` empty: enrolment started, not yet
    proved with a code. `last_step` is the time step of the last code accepted: a code for that
    step or an earlier one is refused (no replay)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("两步验证")


class RecoveryCode(models.Model):
    """One of ten one-time codes for when the phone is lost; only the SHA-256 of the code is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique_per_user")]


class SignInSession(models.Model):
    """One console sign-in: where and when, so the member can see it and end it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"], name="signin_user_live_idx")]


class SecurityPolicy(models.Model):
    """The shop's staff security rules: one row (pk 1)."""

    require_two_factor = models.BooleanField(_("店主和财务必须启用两步验证"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    @classmethod
    def current(cls) -> "SecurityPolicy":
        return cls.objects.filter(pk=1).first() or cls(pk=1)
