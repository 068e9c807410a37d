"""API authentication (bearer tokens) and the one permission check the API and console share."""

from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from dianpu.core.errors import DomainError

from .services import authenticate_token

FORBIDDEN = _("您的角色无权执行此操作。")
UNAUTHORIZED = _("需要有效的 API 令牌（Authorization: Bearer …）。")


class PermissionDeniedError(DomainError):
    code = "forbidden"
    status = 403

    def __init__(self, permission: str = ""):
        super().__init__(str(FORBIDDEN), permission=permission)


class StaffToken(HttpBearer):
    """Authorization: Bearer <token from `dianpu createtoken USERNAME`>."""

    def authenticate(self, request, token):
        user = authenticate_token(token)
        if user is not None and user.is_staff:
            request.user = user
            return user
        return None


def user_from_bearer(request):
    """The staff user behind an optional bearer token (public endpoints that show more to staff)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = authenticate_token(header[7:].strip())
        if user is not None and user.is_staff:
            return user
    return None


def require_perm(user, *permissions: str) -> None:
    """Refuse (403) unless `user` holds every permission named."""
    for permission in permissions:
        if user is None or not user.has_perm(permission):
            raise PermissionDeniedError(permission)
