"""A member's own security page: two-factor (enrol with a QR code, recovery codes, turn off), the
sign-in sessions (end one, or all but this one); and the owner's rule requiring two-factor."""

import segno
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dianpu.accounts import signin
from dianpu.accounts.console.sign_in_views import SecondFactorForm
from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles, totp
from dianpu.accounts.models import SecurityPolicy
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip


@staff_permission_required()
def security(request):
    user = request.user
    return render(
        request,
        "accounts/console/security.html",
        {
            "two_factor_on": signin.has_two_factor(user),
            "recovery_left": signin.unused_recovery_codes(user),
            "sessions": signin.live_sessions(user),
            "current_key": request.session.session_key,
            "can_manage": user.has_perm(roles.MANAGE_STAFF),
            "policy": SecurityPolicy.current(),
        },
    )


def _two_factor_page(request, *, form=None, recovery_codes=None, status=200):
    user = request.user
    pending = signin.pending_enrolment(user)
    context = {
        "two_factor_on": signin.has_two_factor(user),
        "pending": pending,
        "form": form or SecondFactorForm(),
        "recovery_codes": recovery_codes,
        "required": signin.must_enrol(user),
    }
    if pending is not None:
        issuer = f"dianpu {request.get_host().split(':')[0]}"
        uri = totp.provisioning_uri(pending.secret, account=user.get_username(), issuer=issuer)
        context["qr"] = segno.make(uri, error="m").svg_data_uri(scale=5)
        context["secret"] = " ".join(pending.secret[i : i + 4] for i in range(0, len(pending.secret), 4))
    return render(request, "accounts/console/two_factor.html", context, status=status)


@staff_permission_required(enrolment_page=True)
def two_factor(request):
    return _two_factor_page(request)


@require_POST
@staff_permission_required(enrolment_page=True)
def two_factor_start(request):
    try:
        signin.start_enrolment(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("console:accounts:two-factor")


@require_POST
@staff_permission_required(enrolment_page=True)
def two_factor_confirm(request):
    form = SecondFactorForm(request.POST)
    if not form.is_valid():
        return _two_factor_page(request, form=form, status=422)
    try:
        codes = signin.confirm_enrolment(
            user=request.user, code=form.cleaned_data["code"], ip_address=client_ip(request)
        )
    except DomainError as exc:
        form.add_error("code", exc.detail)
        return _two_factor_page(request, form=form, status=exc.status if exc.status in (409, 429) else 422)
    messages.success(request, _("两步验证已启用。"))
    return _two_factor_page(request, recovery_codes=codes)


@require_POST
@staff_permission_required(enrolment_page=True)
def two_factor_disable(request):
    form = SecondFactorForm(request.POST)
    if not form.is_valid():
        return _two_factor_page(request, form=form, status=422)
    try:
        signin.disable_two_factor(user=request.user, code=form.cleaned_data["code"], ip_address=client_ip(request))
    except DomainError as exc:
        form.add_error("code", exc.detail)
        return _two_factor_page(request, form=form, status=exc.status if exc.status in (409, 429) else 422)
    messages.success(request, _("两步验证已关闭。"))
    return redirect("console:accounts:two-factor")


@require_POST
@staff_permission_required()
def session_end(request, sign_in_id: int):
    ended = signin.end_sessions(
        user=request.user, actor=request.user, sign_in_id=sign_in_id, ip_address=client_ip(request)
    )
    if ended:
        messages.success(request, _("该登录会话已退出。"))
    return redirect("console:accounts:security")


@require_POST
@staff_permission_required()
def sessions_end_others(request):
    ended = signin.end_sessions(
        user=request.user,
        actor=request.user,
        keep_id=request.session.get(signin.SESSION_SIGN_IN_ID, 0),
        ip_address=client_ip(request),
    )
    messages.success(request, _("已退出其他 %(count)s 处登录。") % {"count": ended})
    return redirect("console:accounts:security")


class PolicyForm(forms.Form):
    require_two_factor = forms.BooleanField(required=False)


@require_POST
@staff_permission_required(roles.MANAGE_STAFF)
def policy(request):
    form = PolicyForm(request.POST)
    form.is_valid()
    signin.set_policy(
        actor=request.user,
        require_two_factor=bool(form.cleaned_data.get("require_two_factor")),
        ip_address=client_ip(request),
    )
    messages.success(request, _("安全设置已保存。"))
    return redirect("console:accounts:security")
