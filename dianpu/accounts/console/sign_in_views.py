"""The console sign-in after the password: the two-factor step, and starting the session record.

The password step (dianpu/console/views.py ConsoleLoginView) hands over here. A member with
two-factor is NOT signed in yet: the session holds only who passed the password and when (five
minutes to type the code); the code step signs them in. Both steps are throttled per account and
per address (dianpu.accounts.throttling)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from dianpu.accounts import signin
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip

PENDING = "dianpu_two_factor_pending"


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码或恢复码"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def complete_sign_in(request, user, next_url: str, second_factor: str = ""):
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    row = signin.record_sign_in(
        user=user,
        session_key=request.session.session_key,
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        second_factor=second_factor,
    )
    request.session[signin.SESSION_SIGN_IN_ID] = row.pk
    return redirect(next_url)


def begin_console_session(request, user, next_url: str):
    if not signin.has_two_factor(user):
        return complete_sign_in(request, user, next_url)
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "at": clock.now().timestamp(), "next": next_url}
    return redirect("console:accounts:sign-in-verify")


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or signin.pending_expired(float(pending.get("at", 0))):
        return None, ""
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True, is_staff=True).first()
    return user, pending.get("next") or "/console/"


def sign_in_verify(request):
    """GET: the code form; POST: check it. Without a fresh password step: back to the sign-in page."""
    user, next_url = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        if request.user.is_authenticated and request.user.is_staff:
            return redirect("console:home")
        return redirect("console:login")
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            kind = signin.verify_second_factor(user=user, code=form.cleaned_data["code"], ip_address=client_ip(request))
        except DomainError as exc:
            form.add_error("code", exc.detail)
            status = exc.status if exc.status in (422, 429) else 422
        else:
            request.session.pop(PENDING, None)
            return complete_sign_in(request, user, next_url, second_factor=kind)
    elif request.method == "POST":
        status = 422
    return render(
        request, "accounts/console/sign_in_verify.html", {"form": form, "username": user.get_username()}, status=status
    )
