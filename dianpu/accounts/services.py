"""Roles, staff and API tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.db import models, transaction
from django.utils.translation import gettext as _

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.actors import Actor
from dianpu.core.errors import DomainError

from .domain.roles import ROLES, ROLES_BY_CODE
from .domain.scopes import ScopeSyntaxError, parse_scopes
from .messages import MESSAGES
from .models import ApiToken

TOKEN_PREFIX = "dp_"
MAX_EXPIRY_DAYS = 3650
TOKEN_USE_AUDIT_SECONDS = 3600  # a token's use is written to the audit log at most once an hour


class TokenRefused(DomainError):
    """401: no such token, or one that expired or was revoked (`code` says which)."""

    status = 401

    def __init__(self, code: str = "unauthorized"):
        super().__init__(str(MESSAGES[code]), code=code)


def sync_roles() -> None:
    """Create one group per role holding exactly the role's permissions (idempotent)."""
    by_name = {}
    for perm in Permission.objects.select_related("content_type"):
        by_name[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.code)
        group.permissions.set([by_name[name] for name in role.permissions if name in by_name])


def roles_of(user: User) -> list[str]:
    return sorted(g.name for g in user.groups.all() if g.name in ROLES_BY_CODE)


@transaction.atomic
def set_user_roles(*, actor: Actor, user: User, roles: list[str], ip_address: str | None = None) -> None:
    """Give a staff member exactly these roles; the change goes to the audit log."""
    unknown = [r for r in roles if r not in ROLES_BY_CODE]
    if unknown:
        raise DomainError(code="unknown_role", detail=_("未知的角色：%(roles)s") % {"roles": ", ".join(unknown)})
    before = roles_of(user)
    groups = list(Group.objects.filter(name__in=roles))
    user.groups.remove(*Group.objects.filter(name__in=ROLES_BY_CODE))
    user.groups.add(*groups)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    after = roles_of(user)
    if before != after:
        record_audit(
            actor=actor,
            action="permissions.roles_changed",
            obj=user,
            changes={"roles": (", ".join(before), ", ".join(after))},
            ip_address=ip_address,
        )


@transaction.atomic
def create_staff_user(
    *,
    actor: Actor,
    username: str,
    password: str,
    roles: list[str],
    email: str = "",
    first_name: str = "",
    ip_address: str | None = None,
) -> User:
    """A new staff account holding `roles`; the account and its roles are made together or not at all."""
    user = get_user_model().objects.create_user(
        username, email=email, password=password, first_name=first_name, is_staff=True
    )
    record_audit(actor=actor, action="permissions.staff_created", obj=user, ip_address=ip_address)
    set_user_roles(actor=actor, user=user, roles=roles, ip_address=ip_address)
    return user


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def normalise_scopes(text: str) -> str:
    """Checked, canonical scopes text ("" = unscoped); DomainError `scope_invalid` otherwise."""
    try:
        return " ".join(parse_scopes(text or ""))
    except ScopeSyntaxError as exc:
        raise DomainError(
            str(MESSAGES["scope_invalid"]) % {"scope": exc.scope[:60]}, code="scope_invalid", status=422
        ) from None


@transaction.atomic
def create_api_token(
    *,
    user: User,
    name: str = "",
    actor: Actor = None,
    scopes: str = "",
    expires_in_days: int | None = None,
    ip_address: str | None = None,
) -> str:
    """Make a token for `user` and return it; it is shown this once and never stored.
    `scopes` narrows it ("" = all its user may); `expires_in_days` ends it."""
    scopes = normalise_scopes(scopes)
    if expires_in_days is not None and not (
        isinstance(expires_in_days, int) and 1 <= expires_in_days <= MAX_EXPIRY_DAYS
    ):
        raise DomainError(str(MESSAGES["expiry_invalid"]), code="expiry_invalid", status=422)
    expires_at = clock.now() + timedelta(days=expires_in_days) if expires_in_days else None
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[:10], key_hash=_hash(key), scopes=scopes, expires_at=expires_at
    )
    record_audit(
        actor=actor,
        action="permissions.token_created",
        obj=token,
        object_repr=f"{user} {token.prefix}…",
        changes={"scopes": ("", scopes or "*"), "expires_at": ("", expires_at or "")},
        ip_address=ip_address,
    )
    return key


def check_token(key: str, *, ip_address: str | None = None) -> ApiToken:
    """The live token behind `key` (with its user), its use noted; TokenRefused (401) with
    `unauthorized`, `token_expired` or `token_revoked` otherwise."""
    if not key or not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        raise TokenRefused()
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    if token is None or not token.user.is_active:
        raise TokenRefused()
    if token.revoked_at is not None:
        raise TokenRefused("token_revoked")
    now = clock.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused("token_expired")
    _note_use(token, now, ip_address)
    return token


def _note_use(token: ApiToken, now: datetime, ip_address: str | None) -> None:
    """last_used_at (to the minute) and an audit entry `security.token_used` at most once per
    token per hour — claimed by one conditional UPDATE, so concurrent requests write one entry."""
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    due = now - timedelta(seconds=TOKEN_USE_AUDIT_SECONDS)
    if token.use_audited_at is not None and token.use_audited_at > due:
        return
    with transaction.atomic():
        claimed = (
            ApiToken.objects.filter(pk=token.pk)
            .filter(models.Q(use_audited_at__isnull=True) | models.Q(use_audited_at__lte=due))
            .update(use_audited_at=now)
        )
        if claimed:
            record_audit(
                actor=token.user,
                action="security.token_used",
                obj=token,
                object_repr=f"{token.user} {token.prefix}…",
                ip_address=ip_address,
            )


def authenticate_token(key: str) -> User | None:
    """The active staff user a live bearer token belongs to, or None."""
    try:
        return check_token(key).user
    except TokenRefused:
        return None


@transaction.atomic
def revoke_api_token(*, token: ApiToken, actor: Actor = None, ip_address: str | None = None) -> bool:
    """Revoke (once: a second revoke changes nothing and writes nothing). True if it was live."""
    done = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
    if done:
        record_audit(actor=actor, action="permissions.token_revoked", obj=token, ip_address=ip_address)
    return bool(done)


def change_own_password(*, user: User, old_password: str, new_password: str, ip_address: str | None = None) -> None:
    """A staff member changes their own password (the new one already passed Django's validators)."""
    if not user.check_password(old_password):
        raise DomainError(code="password_wrong", status=422, detail=_("当前密码不正确。"))
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_audit(actor=user, action="permissions.password_changed", obj=user, ip_address=ip_address)
