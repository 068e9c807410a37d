"""Every staff member's own security: API tokens (owners see and revoke all)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dianpu.accounts import queries
from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.accounts.domain.scopes import AREAS
from dianpu.accounts.services import MAX_EXPIRY_DAYS, create_api_token, revoke_api_token
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip

LEVEL_CHOICES = [("", gettext_lazy("无")), ("read", gettext_lazy("只读")), ("write", gettext_lazy("读写"))]


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    expires_in_days = forms.IntegerField(
        label=gettext_lazy("有效天数（留空为长期有效）"), required=False, min_value=1, max_value=MAX_EXPIRY_DAYS
    )
    everything = forms.BooleanField(label=gettext_lazy("不限范围（与我的角色权限相同）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for area in AREAS:
            self.fields[f"scope_{area}"] = forms.ChoiceField(label=area, choices=LEVEL_CHOICES, required=False)

    def area_fields(self):
        return [self[f"scope_{area}"] for area in AREAS]

    def scopes(self) -> str:
        data = self.cleaned_data
        return " ".join(f"{area}:{data[f'scope_{area}']}" for area in AREAS if data.get(f"scope_{area}"))

    def clean(self):
        data = super().clean()
        if not data.get("everything") and not any(data.get(f"scope_{area}") for area in AREAS):
            raise forms.ValidationError(_("请至少选择一个区域的权限，或勾选“不限范围”。"), code="no_scope")
        return data


def _everyone(user) -> bool:
    return user.has_perm(roles.MANAGE_STAFF)


def _token_page(request, form, new_key: str = "", status: int = 200):
    everyone = _everyone(request.user)
    return render(
        request,
        "accounts/console/token_list.html",
        {
            "tokens": queries.list_tokens(viewer=request.user, everyone=everyone),
            "everyone": everyone,
            "form": form,
            "new_key": new_key,
            "row_limit": queries.TOKEN_ROWS,
        },
        status=status,
    )


@staff_permission_required()
def token_list(request):
    return _token_page(request, TokenForm())


@require_POST
@staff_permission_required()
def token_create(request):
    """A token for the signed-in member only (never for someone else: no one hands out another's
    powers); the key is shown on this one answer and never again."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _token_page(request, form, status=422)
    data = form.cleaned_data
    try:
        key = create_api_token(
            user=request.user,
            actor=request.user,
            name=data["name"],
            scopes="" if data["everything"] else form.scopes(),
            expires_in_days=data["expires_in_days"],
            ip_address=client_ip(request),
        )
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return _token_page(request, form, status=422)
    return _token_page(request, TokenForm(), new_key=key)


@require_POST
@staff_permission_required()
def token_revoke(request, token_id: int):
    token = queries.token_visible_to(viewer=request.user, token_id=token_id, everyone=_everyone(request.user))
    if token is None:
        raise Http404()
    if revoke_api_token(token=token, actor=request.user, ip_address=client_ip(request)):
        messages.success(request, _("API 令牌 %(prefix)s… 已撤销。") % {"prefix": token.prefix})
    return redirect("console:accounts:token-list")
