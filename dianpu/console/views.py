"""The console shell: sign-in (staff only), sign-out and the home dashboard."""

from datetime import timedelta

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from dianpu.accounts import signin, throttling
from dianpu.accounts.console.sign_in_views import begin_console_session
from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.analytics.queries import get_daily_series, summarize_orders
from dianpu.analytics.shopdays import local_day
from dianpu.core import clock
from dianpu.core.http import client_ip
from dianpu.inventory.queries import list_low_stock
from dianpu.orders.queries import count_open_orders

LOW_STOCK_ROWS = 10
CHART_DAYS = 30


class StaffAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing accounts that are not staff."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("该账号已停用。"),
        "not_staff": _("该账号不是员工账号，不能登录运营后台。"),
        "throttled": _("登录失败次数过多，请 15 分钟后再试。"),
    }

    def clean(self):
        """Refused outright while the account or this address has used its failed tries
        (dianpu.accounts.throttling); every wrong password counts."""
        username, ip = self.cleaned_data.get("username") or "", client_ip(self.request) if self.request else None
        if throttling.is_sign_in_refused(username, ip):
            signin.record_failed_sign_in(username=username, ip_address=ip, reason="throttled")
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError as exc:
            if exc.code == "invalid_login":
                throttling.record_sign_in_failure(username, ip)
            signin.record_failed_sign_in(username=username, ip_address=ip, reason=exc.code or "invalid")
            raise
        throttling.record_sign_in_success(username)
        return cleaned

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


class ConsoleLoginView(auth_views.LoginView):
    template_name = "console/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        """The password was right: a member with two-factor goes on to the code step; everyone
        else is signed in (a session row and an audit entry: dianpu.accounts.signin)."""
        return begin_console_session(self.request, form.get_user(), self.get_success_url())


class ConsoleLogoutView(auth_views.LogoutView):
    next_page = "console:login"


@staff_permission_required()
def home(request):
    user = request.user
    # today's and the month's figures from the analytics daily rollups (kept in each order's own
    # transaction): a month of a million-order shop is 80,000 orders, a sum over 31 rows here
    today = local_day(clock.now())
    summary = {
        "today": summarize_orders(today, today),
        "month": summarize_orders(today.replace(day=1), today),
        **count_open_orders(),
    }
    show_figures = user.has_perm(roles.VIEW_FIGURES)
    context = {
        "summary": summary,
        "show_figures": show_figures,
        "can_view_orders": user.has_perm(roles.VIEW_ORDERS),
        "can_view_stock": user.has_perm(roles.VIEW_STOCK),
        "low_stock": list(list_low_stock(limit=LOW_STOCK_ROWS)) if user.has_perm(roles.VIEW_STOCK) else [],
    }
    if show_figures:
        context["chart_data"] = {
            "dates": [],
            "sales": [],
            "orders": [],
            "labels": {"sales": str(_("销售额（元）")), "orders": str(_("订单数"))},
        }
        # the same rollups: orders not cancelled and their sales per shop day, 30 rows
        for row in get_daily_series(today - timedelta(days=CHART_DAYS - 1), today):
            context["chart_data"]["dates"].append(row["date"])
            context["chart_data"]["sales"].append(str(row["sales"]))
            context["chart_data"]["orders"].append(row["orders"])
    return render(request, "console/home.html", context)
