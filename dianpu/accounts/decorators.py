"""Console access: staff only, and the permissions a page needs (same names the API checks)."""

from functools import wraps

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from .domain.roles import ROLES


def roles_holding(permissions) -> list[str]:
    """Names (in the page's language) of the roles that hold every one of `permissions`."""
    english = (get_language() or "").startswith("en")
    return [role.name_en if english else role.name for role in ROLES if set(permissions) <= role.permissions]


def forbidden(request, *missing: str):
    """The console's 403 page: what was refused and which roles may do it. Nothing is changed."""
    return render(
        request,
        "accounts/forbidden.html",
        {"missing": list(missing), "roles_allowed": roles_holding(missing)},
        status=403,
    )


def staff_permission_required(*permissions: str, enrolment_page: bool = False):
    """Anonymous or non-staff -> the console sign-in; a sign-in ended elsewhere ("sessions") ->
    signed out; a member the shop obliges to use two-factor who has not -> the enrolment page
    (unless this IS that page); staff lacking a permission -> a 403 page that says which role can
    do it. Stack on a console view."""
    from . import signin

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or not user.is_staff or not user.is_active:
                return redirect_to_login(request.get_full_path())
            sign_in_id = request.session.get(signin.SESSION_SIGN_IN_ID)
            if sign_in_id is not None and not signin.session_is_live(sign_in_id):
                logout(request)
                return redirect_to_login(request.get_full_path())
            if not enrolment_page and signin.must_enrol(user):
                return redirect("console:accounts:two-factor")
            missing = [p for p in permissions if not user.has_perm(p)]
            if missing:
                return forbidden(request, *missing)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
