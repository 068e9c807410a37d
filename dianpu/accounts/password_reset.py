"""Staff password reset by e-mail: a signed link (Django's token generator, bound to the current
password hash and last sign-in, so it works once) that expires after an hour, sent after commit by
the worker; the same answer whether the account exists or not; throttled per account and address.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from dianpu.audit.services import record_audit
from dianpu.core import clock, ratelimit

from . import signin
from .throttling import _audit_spent

RESET_SECONDS = 3600
RESET_REQUESTS = ratelimit.Limit("staff-password-reset", 5, 60 * 60)  # requests per account / address an hour


class StaffResetTokens(PasswordResetTokenGenerator):
    """Django's generator on the app's clock (tests move it), with its own salt and an hour's life."""

    key_salt = "dianpu.accounts.password_reset.StaffResetTokens"

    def _now(self):
        return clock.now().replace(tzinfo=None)

    def check_token(self, user, token):
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= RESET_SECONDS


tokens = StaffResetTokens()


def _staff_matching(identifier: str):
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    field = "email__iexact" if "@" in identifier else "username__iexact"
    matches = list(users.filter(**{field: identifier})[:2])
    return matches[0] if len(matches) == 1 else None  # two accounts on one e-mail: neither


def request_reset(*, identifier: str, ip_address: str | None, language: str) -> None:
    """Send a reset link if one active staff account has this username or e-mail and it has an
    e-mail; say nothing either way. Spent budgets send nothing (and are audited)."""
    keys = [ratelimit.account_key(identifier), ratelimit.client_key(ip_address)]
    if ratelimit.refused(RESET_REQUESTS, keys):
        return
    with transaction.atomic():
        spent = ratelimit.count(RESET_REQUESTS, keys)
        _audit_spent("security.password_reset_throttled", spent, ip_address, RESET_REQUESTS)
        user = _staff_matching(identifier)
        if user is None:
            return
        record_audit(actor=None, action="security.password_reset_requested", obj=user, ip_address=ip_address)
        from .tasks import send_reset_email

        transaction.on_commit(lambda: send_reset_email(user.pk, language))


def reset_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse("console:accounts:password-reset-confirm", args=[uid, tokens.make_token(user)])


def send_reset_email(user_id: int, language: str) -> None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True, is_staff=True).first()
    if user is None or not user.email:
        return
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("重置运营后台密码")
        body = (
            _("%(name)s，您好：") % {"name": user.get_full_name() or user.get_username()}
            + "\n\n"
            + _("请在 1 小时内打开下面的链接设置新密码（只能使用一次）。如果不是您本人申请，请忽略本邮件，并告知店主。")
            + f"\n{reset_link(user)}\n"
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def user_for_link(uidb64: str, token: str):
    """The staff member a live link belongs to, or None (bad, expired or already used)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True, is_staff=True).first()
    if user is None or not tokens.check_token(user, token):
        return None
    return user


def reset_password(*, user, new_password: str, ip_address: str | None) -> None:
    """Set the new password (already validated); every sign-in of this member ends."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record_audit(actor=user, action="security.password_reset", obj=user, ip_address=ip_address)
    signin.end_sessions(user=user, actor=user, ip_address=ip_address)
