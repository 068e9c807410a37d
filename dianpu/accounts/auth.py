"""API authentication (bearer tokens, narrowed by their scopes) and the one permission check the
API and console share.

Scopes are checked in ONE place: `scope_guard` is added to the whole API (`dianpu/api.py`,
`api.add_decorator(..., mode="view")`); it wraps every operation and tells the request which area
the operation belongs to (the app whose api.py defines it), before authentication runs. `StaffToken`
then refuses (403 `token_scope`) a token whose scopes do not cover that area for the request's
method (GET/HEAD read, others write). A new router gets its area the same way: nothing to list.
"""

from functools import wraps

from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip

from .domain.scopes import allows, area_of_module, needed_scope
from .messages import MESSAGES
from .services import TokenRefused, check_token

FORBIDDEN = _("您的角色无权执行此操作。")
UNAUTHORIZED = _("需要有效的 API 令牌（Authorization: Bearer …）。")
AREA_ATTRIBUTE = "_dianpu_api_area"


class PermissionDeniedError(DomainError):
    code = "forbidden"
    status = 403

    def __init__(self, permission: str = ""):
        super().__init__(str(FORBIDDEN), permission=permission)


class ScopeDeniedError(DomainError):
    code = "token_scope"
    status = 403

    def __init__(self, scope: str):
        super().__init__(str(MESSAGES["token_scope"]) % {"scope": scope}, scope=scope)


def scope_guard(run):
    """ninja "view" decorator: `run` is an Operation's bound `run`; the wrapper marks the request
    with the operation's area before the operation authenticates it."""
    operation = getattr(run, "__self__", None)
    view_func = getattr(operation, "view_func", None)
    area = area_of_module(getattr(view_func, "__module__", "") or "")

    @wraps(run)
    def marked(request, *args, **kwargs):
        setattr(request, AREA_ATTRIBUTE, area)
        return run(request, *args, **kwargs)

    setattr(marked, AREA_ATTRIBUTE, area)
    return marked


def _check_scope(request, token) -> None:
    area = getattr(request, AREA_ATTRIBUTE, "")
    if not allows(token.scope_list, area, request.method or "GET"):
        raise ScopeDeniedError(needed_scope(area or "?", request.method or "GET"))


class StaffToken(HttpBearer):
    """Authorization: Bearer <token from `dianpu createtoken USERNAME [--scopes …]`>.
    Unknown → 401 `unauthorized`; expired/revoked → 401 `token_expired`/`token_revoked`;
    outside its scopes → 403 `token_scope`."""

    def authenticate(self, request, token):
        api_token = check_token(token, ip_address=client_ip(request))
        if not api_token.user.is_staff:
            raise TokenRefused()
        _check_scope(request, api_token)
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


def user_from_bearer(request):
    """The staff user behind an optional bearer token (public endpoints that show more to staff);
    None for no token, a dead one, or one whose scopes do not cover this read."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        try:
            api_token = check_token(header[7:].strip(), ip_address=client_ip(request))
        except TokenRefused:
            return None
        area = getattr(request, AREA_ATTRIBUTE, "")
        if api_token.user.is_staff and allows(api_token.scope_list, area, request.method or "GET"):
            return api_token.user
    return None


def require_perm(user, *permissions: str) -> None:
    """Refuse (403) unless `user` holds every permission named."""
    for permission in permissions:
        if user is None or not user.has_perm(permission):
            raise PermissionDeniedError(permission)
