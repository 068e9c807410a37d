"""Console sign-in beyond the password: the second factor (TOTP + recovery codes), the sign-in
sessions a member can list and end, and the shop's rule that owners and finance must use two-factor.

Every sign-in, failed sign-in, second-factor failure, enrolment and removal goes to the audit log
(`security.*`). Codes are checked by conditional single-statement UPDATEs, so one code (a time
step, a recovery code) is accepted once even when two requests race.
"""

from datetime import timedelta

from django.contrib.sessions.backends.base import SessionBase
from django.db import models, transaction
from django.utils.module_loading import import_string

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.errors import DomainError

from . import throttling
from .domain import totp
from .messages import MESSAGES
from .models import RecoveryCode, SecurityPolicy, SignInSession, TwoFactor

TWO_FACTOR_ROLES = ("owner", "finance")  # the roles the shop's rule may oblige to use two-factor
SEEN_EVERY_SECONDS = 60  # a session's last_seen_at moves at most once a minute
SESSION_SIGN_IN_ID = "dianpu_sign_in"  # key in the Django session: the SignInSession's id


class SecondFactorRefused(DomainError):
    status = 422

    def __init__(self, code: str = "totp_wrong"):
        super().__init__(str(MESSAGES[code]), code=code, status=429 if code == "two_factor_throttled" else 422)


# --- the rule ---------------------------------------------------------------------------------
def has_two_factor(user) -> bool:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def must_enrol(user) -> bool:
    """The shop requires two-factor for this member's role and they have not set it up."""
    if not SecurityPolicy.current().require_two_factor:
        return False
    in_scope = user.is_superuser or user.groups.filter(name__in=TWO_FACTOR_ROLES).exists()
    return in_scope and not has_two_factor(user)


@transaction.atomic
def set_policy(*, actor, require_two_factor: bool, ip_address: str | None = None) -> None:
    policy = SecurityPolicy.current()
    if policy.require_two_factor != require_two_factor:
        record_audit(
            actor=actor,
            action="security.policy_changed",
            object_type="accounts.securitypolicy",
            object_id="1",
            object_repr="two-factor",
            changes={"require_two_factor": (policy.require_two_factor, require_two_factor)},
            ip_address=ip_address,
        )
        policy.require_two_factor = require_two_factor
        policy.save()


# --- enrolment --------------------------------------------------------------------------------
@transaction.atomic
def start_enrolment(*, user) -> TwoFactor:
    """A fresh secret awaiting its first code (replacing an unfinished one)."""
    if has_two_factor(user):
        raise DomainError(str(MESSAGES["two_factor_on"]), code="two_factor_on", status=409)
    TwoFactor.objects.filter(user=user).delete()
    return TwoFactor.objects.create(user=user, secret=totp.new_secret(), created_at=clock.now())


def pending_enrolment(user) -> TwoFactor | None:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=True).first()


def _check_throttle(user, ip: str | None) -> None:
    if throttling.is_two_factor_refused(user.get_username(), ip):
        raise SecondFactorRefused("two_factor_throttled")


def _failed(user, ip: str | None, action: str) -> None:
    throttling.record_two_factor_failure(user.get_username(), ip)
    record_audit(actor=user, action="security.two_factor_failed", obj=user, reason=action, ip_address=ip)


def _accept_totp(two_factor: TwoFactor, code: str) -> bool:
    """Accept `code` if it matches a time step later than the last one accepted (one UPDATE)."""
    step = totp.matching_step(two_factor.secret, code, clock.now().timestamp())
    if step is None:
        return False
    return bool(TwoFactor.objects.filter(pk=two_factor.pk, last_step__lt=step).update(last_step=step))


def confirm_enrolment(*, user, code: str, ip_address: str | None = None) -> list[str]:
    """The first code proves the app holds the secret: two-factor is on; returns the ten recovery
    codes (shown once)."""
    _check_throttle(user, ip_address)
    two_factor = pending_enrolment(user)
    if two_factor is None:
        raise DomainError(str(MESSAGES["two_factor_off"]), code="two_factor_off", status=409)
    if not _accept_totp(two_factor, code):
        _failed(user, ip_address, "enrol")
        raise SecondFactorRefused()
    codes = totp.new_recovery_codes()
    with transaction.atomic():
        TwoFactor.objects.filter(pk=two_factor.pk).update(confirmed_at=clock.now())
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=totp.hash_recovery_code(c)) for c in codes)
        record_audit(actor=user, action="security.two_factor_enabled", obj=user, ip_address=ip_address)
    throttling.record_two_factor_success(user.get_username())
    return codes


def verify_second_factor(*, user, code: str, ip_address: str | None = None) -> str:
    """Check a TOTP code (not replayed) or an unused recovery code (then spent). Returns "totp" or
    "recovery"; SecondFactorRefused (wrong, replayed, or throttled) otherwise."""
    _check_throttle(user, ip_address)
    two_factor = TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).first()
    if two_factor is None:
        raise DomainError(str(MESSAGES["two_factor_off"]), code="two_factor_off", status=409)
    if _accept_totp(two_factor, code):
        kind = "totp"
    elif RecoveryCode.objects.filter(user=user, code_hash=totp.hash_recovery_code(code), used_at__isnull=True).update(
        used_at=clock.now()
    ):
        kind = "recovery"
        record_audit(actor=user, action="security.recovery_code_used", obj=user, ip_address=ip_address)
    else:
        _failed(user, ip_address, "verify")
        raise SecondFactorRefused()
    throttling.record_two_factor_success(user.get_username())
    return kind


def disable_two_factor(*, user, code: str, ip_address: str | None = None) -> None:
    """Turning it off needs a current code (or a recovery code): a stolen session is not enough."""
    verify_second_factor(user=user, code=code, ip_address=ip_address)
    with transaction.atomic():
        TwoFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        record_audit(actor=user, action="security.two_factor_disabled", obj=user, ip_address=ip_address)


def unused_recovery_codes(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- sign-in audit and sessions ---------------------------------------------------------------
def record_failed_sign_in(*, username: str, ip_address: str | None, reason: str) -> None:
    record_audit(
        actor=None,
        action="security.sign_in_failed",
        object_type="auth.user",
        object_id=(username or "")[:64],
        object_repr=(username or "")[:200],
        reason=reason,
        ip_address=ip_address,
    )


@transaction.atomic
def record_sign_in(*, user, session_key: str, ip_address: str | None, user_agent: str, second_factor: str = ""):
    """A completed sign-in: its session row, and the audit entry. Returns the SignInSession."""
    now = clock.now()
    SignInSession.objects.filter(session_key=session_key).delete()  # a reused key (never in practice)
    row = SignInSession.objects.create(
        user=user,
        session_key=session_key,
        created_at=now,
        last_seen_at=now,
        ip_address=ip_address,
        user_agent=(user_agent or "")[:300],
    )
    record_audit(
        actor=user, action="security.sign_in", obj=user, reason=second_factor or "password", ip_address=ip_address
    )
    return row


def session_is_live(sign_in_id: int) -> bool:
    """True while the sign-in has not been ended; moves its last_seen_at (at most once a minute)."""
    now = clock.now()
    row = SignInSession.objects.filter(pk=sign_in_id).values("ended_at", "last_seen_at").first()
    if row is None or row["ended_at"] is not None:
        return False
    if (now - row["last_seen_at"]).total_seconds() >= SEEN_EVERY_SECONDS:
        SignInSession.objects.filter(pk=sign_in_id, ended_at__isnull=True).update(last_seen_at=now)
    return True


def _stale_before():
    from django.conf import settings

    return clock.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)


def live_sessions(user):
    """Sign-ins not ended whose Django session can still be alive (seen within the cookie's age)."""
    return list(
        SignInSession.objects.filter(user=user, ended_at__isnull=True, last_seen_at__gte=_stale_before()).order_by(
            "-last_seen_at"
        )[:100]
    )


def purge_old_sessions(keep_days: int = 90) -> int:
    """Forget sign-in rows ended or idle for `keep_days` (the audit log keeps the sign-ins)."""
    cutoff = clock.now() - timedelta(days=keep_days)
    old = SignInSession.objects.filter(models.Q(ended_at__lt=cutoff) | models.Q(last_seen_at__lt=cutoff))
    return old.delete()[0]


def _session_store() -> type[SessionBase]:
    from django.conf import settings

    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


def end_sessions(
    *, user, actor, keep_id: int | None = None, sign_in_id: int | None = None, ip_address: str | None = None
) -> int:
    """End one of `user`'s sign-ins (`sign_in_id`) or all but `keep_id` (the current one): their rows
    are marked ended and their Django sessions deleted, so the next request there is signed out."""
    rows = SignInSession.objects.filter(user=user, ended_at__isnull=True)
    if sign_in_id is not None:
        rows = rows.filter(pk=sign_in_id)
    if keep_id is not None:
        rows = rows.exclude(pk=keep_id)
    keys = list(rows.values_list("session_key", flat=True))
    if not keys:
        return 0
    with transaction.atomic():
        ended = SignInSession.objects.filter(session_key__in=keys, ended_at__isnull=True).update(ended_at=clock.now())
        record_audit(actor=actor, action="security.sessions_ended", obj=user, reason=f"{ended}", ip_address=ip_address)
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    return ended


def rekey(request) -> None:
    """After Django gave the session a new key (a password change): the row follows it."""
    sign_in_id = request.session.get(SESSION_SIGN_IN_ID)
    if sign_in_id is not None and request.session.session_key:
        SignInSession.objects.filter(pk=sign_in_id).update(session_key=request.session.session_key)


def mark_signed_out(session_key: str | None) -> None:
    if session_key:
        SignInSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(ended_at=clock.now())


def pending_expired(started_at: float) -> bool:
    return clock.now().timestamp() - started_at > timedelta(minutes=5).total_seconds()
