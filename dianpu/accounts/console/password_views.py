"""Staff password reset pages (signed out): ask for a link, then set a new password with it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy

from dianpu.accounts import password_reset
from dianpu.core.http import client_ip


class ResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("用户名或邮箱"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


def reset_request(request):
    """The same answer whether or not the account exists (nobody learns who works here)."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset.request_reset(
            identifier=form.cleaned_data["identifier"], ip_address=client_ip(request), language=get_language() or ""
        )
        return render(request, "accounts/console/password_reset.html", {"sent": True})
    return render(
        request, "accounts/console/password_reset.html", {"form": form}, status=422 if request.method == "POST" else 200
    )


def reset_confirm(request, uidb64: str, token: str):
    user = password_reset.user_for_link(uidb64, token)
    if user is None:
        return render(request, "accounts/console/password_reset.html", {"invalid": True}, status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset.reset_password(
            user=user, new_password=form.cleaned_data["new_password1"], ip_address=client_ip(request)
        )
        messages.success(request, gettext_lazy("密码已重置，请用新密码登录。"))
        return redirect("console:login")
    return render(
        request,
        "accounts/console/password_reset.html",
        {"set_form": form},
        status=422 if request.method == "POST" else 200,
    )
