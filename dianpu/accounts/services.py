"""Roles, staff and API tokens."""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.errors import DomainError

from .domain.roles import ROLES, ROLES_BY_CODE
from .models import ApiToken

TOKEN_PREFIX = "dp_"


def sync_roles() -> None:
    """Create one group per role holding exactly the role's permissions (idempotent)."""
    by_name = {}
    for perm in Permission.objects.select_related("content_type"):
        by_name[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.code)
        group.permissions.set([by_name[name] for name in role.permissions if name in by_name])


def roles_of(user) -> list[str]:
    return sorted(g.name for g in user.groups.all() if g.name in ROLES_BY_CODE)


@transaction.atomic
def set_user_roles(*, actor, user, roles: list[str], ip_address: str | None = None) -> None:
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
        record_audit(actor=actor, action="permissions.roles_changed", obj=user,
                     changes={"roles": (", ".join(before), ", ".join(after))}, ip_address=ip_address)


@transaction.atomic
def create_staff_user(*, actor, username: str, password: str, roles: list[str], email: str = "",
                      first_name: str = "", ip_address: str | None = None):
    """A new staff account holding `roles`; the account and its roles are made together or not at all."""
    user = get_user_model().objects.create_user(username, email=email, password=password, first_name=first_name,
                                                is_staff=True)
    record_audit(actor=actor, action="permissions.staff_created", obj=user, ip_address=ip_address)
    set_user_roles(actor=actor, user=user, roles=roles, ip_address=ip_address)
    return user


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, user, name: str = "", actor=None) -> str:
    """Make a token for `user` and return it; it is shown this once and never stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=_hash(key))
    record_audit(actor=actor, action="permissions.token_created", obj=token, object_repr=f"{user} {token.prefix}…")
    return key


def authenticate_token(key: str):
    """The active staff user a bearer token belongs to, or None."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True).first())
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_api_token(*, token: ApiToken, actor=None) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
    record_audit(actor=actor, action="permissions.token_revoked", obj=token)


def change_own_password(*, user, old_password: str, new_password: str, ip_address: str | None = None) -> None:
    """A staff member changes their own password (the new one already passed Django's validators)."""
    if not user.check_password(old_password):
        raise DomainError(code="password_wrong", status=422, detail=_("当前密码不正确。"))
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_audit(actor=user, action="permissions.password_changed", obj=user, ip_address=ip_address)
