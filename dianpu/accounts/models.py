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
