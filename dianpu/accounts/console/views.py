"""Staff and roles. Role changes go through accounts.services.set_user_roles (audited)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation, update_session_auth_hash
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.accounts.domain.roles import ROLES
from dianpu.accounts.services import change_own_password, create_staff_user, roles_of, set_user_roles
from dianpu.accounts.signin import SESSION_SIGN_IN_ID, end_sessions, rekey
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip


def role_choices():
    english = (get_language() or "").startswith("en")
    return [(r.code, r.name_en if english else r.name) for r in ROLES]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=gettext_lazy("角色"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices()


class StaffCreateForm(RolesForm):
    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("邮箱"), required=False)
    first_name = forms.CharField(label=gettext_lazy("姓名"), max_length=150, required=False)
    password = forms.CharField(
        label=gettext_lazy("初始密码"), widget=forms.PasswordInput(render_value=False), strip=False
    )

    field_order = ["username", "first_name", "email", "password", "roles"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用。"), code="username_taken")
        return username

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            user = get_user_model()(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
            )
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


def _staff_rows():
    users = get_user_model().objects.filter(is_staff=True).prefetch_related("groups").order_by("username")
    return [
        {
            "user": u,
            "roles": roles_of(u),
            "form": RolesForm(initial={"roles": roles_of(u)}, prefix=f"u{u.pk}"),
            "role_names": [dict(role_choices()).get(code, code) for code in roles_of(u)],
        }
        for u in users
    ]


@staff_permission_required(roles.MANAGE_STAFF)
def staff_list(request):
    return render(request, "accounts/console/staff_list.html", {"rows": _staff_rows()})


@require_POST
@staff_permission_required(roles.MANAGE_STAFF)
def staff_roles(request, user_id):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404()
    form = RolesForm(request.POST, prefix=f"u{user.pk}")
    if not form.is_valid():
        messages.error(request, _("未知的角色。"))
        return redirect("console:accounts:staff-list")
    try:
        set_user_roles(actor=request.user, user=user, roles=form.cleaned_data["roles"], ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        names = [dict(role_choices())[c] for c in form.cleaned_data["roles"]] or [_("无")]
        messages.success(
            request,
            _("%(user)s 的角色已更新为：%(roles)s。") % {"user": user.get_username(), "roles": "、".join(names)},
        )
    return redirect("console:accounts:staff-list")


@staff_permission_required(roles.MANAGE_STAFF)
def staff_create(request):
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            user = create_staff_user(
                actor=request.user,
                username=c["username"],
                password=c["password"],
                email=c["email"],
                first_name=c["first_name"],
                roles=c["roles"],
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("员工账号 %(user)s 已创建。") % {"user": user.get_username()})
        return redirect("console:accounts:staff-list")
    return render(
        request, "accounts/console/staff_create.html", {"form": form}, status=422 if request.method == "POST" else 200
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=gettext_lazy("当前密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=128,
    )
    new_password = forms.CharField(
        label=gettext_lazy("新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), max_length=128
    )
    new_password_again = forms.CharField(
        label=gettext_lazy("再次输入新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", _("两次输入的新密码不一致。"))
        elif new:
            try:
                password_validation.validate_password(new, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password", exc)
        return data


@staff_permission_required()
def password_change(request):
    """Every staff member changes their own password here."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_own_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            form.add_error("old_password", exc.detail)
        else:
            update_session_auth_hash(request, request.user)
            # Other sign-ins are already void (Django checks the password hash); end their rows too.
            rekey(request)
            end_sessions(
                user=request.user,
                actor=request.user,
                keep_id=request.session.get(SESSION_SIGN_IN_ID, 0),
                ip_address=client_ip(request),
            )
            messages.success(request, _("密码已修改。"))
            return redirect("console:home")
    return render(
        request,
        "accounts/console/password_change.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )
