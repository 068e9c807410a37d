"""Customer accounts on the storefront: sign up (e-mail verified by a signed link), sign in and
out, password reset, and the account page (orders, points, tier, saved addresses, consent).
Guest checkout does not need any of it."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from dianpu.accounts import throttling
from dianpu.core import clock
from dianpu.core.errors import DomainError, ValidationFailed
from dianpu.core.http import client_ip
from dianpu.customers import queries as customer_queries
from dianpu.customers import services as customer_services
from dianpu.customers.domain.points import value_of_points
from dianpu.customers.models import Customer

SESSION_CUSTOMER = "customer_id"
SESSION_CUSTOMER_HASH = "customer_hash"


def current_customer(request) -> Customer | None:
    """The signed-in customer of this session, or None (a guest)."""
    customer_id = request.session.get(SESSION_CUSTOMER)
    if not customer_id:
        return None
    customer = Customer.objects.filter(pk=customer_id, erased_at__isnull=True).exclude(password="").first()
    if customer is None or request.session.get(SESSION_CUSTOMER_HASH) != customer_services.session_hash(customer):
        request.session.pop(SESSION_CUSTOMER, None)
        return None
    return customer


def sign_in_session(request, customer: Customer) -> None:
    request.session.cycle_key()
    request.session[SESSION_CUSTOMER] = customer.pk
    request.session[SESSION_CUSTOMER_HASH] = customer_services.session_hash(customer)


def _input(label, kind="text", **attrs):
    widgets = {"email": forms.EmailInput, "password": forms.PasswordInput, "text": forms.TextInput}
    return forms.CharField(label=label, required=False, widget=widgets[kind](attrs=attrs))


class SignUpForm(forms.Form):
    email = _input(_lazy("邮箱"), "email", autocomplete="email", maxlength=254, required=True)
    name = _input(_lazy("姓名"), autocomplete="name", maxlength=100)
    phone = _input(_lazy("手机号码（选填）"), autocomplete="tel", maxlength=30, inputmode="tel")
    password = _input(_lazy("密码（至少 8 位，不能全是数字）"), "password", autocomplete="new-password", required=True)
    consent_email = forms.BooleanField(label=_lazy("接收优惠和活动邮件"), required=False)


class SignInForm(forms.Form):
    login = _input(_lazy("邮箱或手机号"), autocomplete="username", maxlength=254, required=True)
    password = _input(_lazy("密码"), "password", autocomplete="current-password", required=True)


class PhoneSignUpForm(forms.Form):
    phone = _input(_lazy("手机号码"), autocomplete="tel", maxlength=30, inputmode="tel", required=True)
    code = _input(_lazy("短信验证码"), autocomplete="one-time-code", maxlength=6, inputmode="numeric")
    name = _input(_lazy("姓名"), autocomplete="name", maxlength=100)
    password = _input(_lazy("密码（至少 8 位，不能全是数字）"), "password", autocomplete="new-password")
    consent_sms = forms.BooleanField(label=_lazy("接收优惠和活动短信"), required=False)


class PhoneSignInForm(forms.Form):
    phone = _input(_lazy("手机号码"), autocomplete="tel", maxlength=30, inputmode="tel", required=True)
    code = _input(_lazy("短信验证码"), autocomplete="one-time-code", maxlength=6, inputmode="numeric")


class ForgotForm(forms.Form):
    email = _input(_lazy("注册邮箱"), "email", autocomplete="email", maxlength=254, required=True)


class ResetForm(forms.Form):
    password = _input(_lazy("新密码"), "password", autocomplete="new-password", required=True)


class ProfileForm(forms.Form):
    name = _input(_lazy("姓名"), autocomplete="name", maxlength=100)
    phone = _input(_lazy("手机号码"), autocomplete="tel", maxlength=30, inputmode="tel")
    birthday = forms.DateField(
        label=_lazy("生日"), required=False, widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"})
    )
    consent_email = forms.BooleanField(label=_lazy("接收优惠和活动邮件"), required=False)
    consent_sms = forms.BooleanField(label=_lazy("接收优惠和活动短信"), required=False)


class AddressForm(forms.Form):
    name = _input(_lazy("收货人"), maxlength=100, required=True)
    phone = _input(_lazy("手机号码"), maxlength=30, required=True)
    province = _input(_lazy("省份"), maxlength=50, required=True)
    city = _input(_lazy("城市"), maxlength=50, required=True)
    district = _input(_lazy("区县"), maxlength=50)
    line1 = _input(_lazy("详细地址"), maxlength=200, required=True)
    postcode = _input(_lazy("邮编"), maxlength=12)


def _page(request, template, context, status=200):
    from .seo import page_meta
    from .views import _page_title, _render

    title = context.pop("title")
    return _render(
        request,
        template,
        {"meta": page_meta(request, _page_title(title), noindex=True), "title": title, **context},
        status=status,
    )


def _form_page(request, form, *, title, submit, intro="", error="", links=(), status=200, secondary=None):
    return _page(
        request,
        "storefront/account_form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "error": error,
            "links": links,
            "secondary": secondary,
        },
        status=status,
    )


def _send_code(request, phone: str, purpose: str) -> str:
    """Text a code; the error to show, or "" (and a notice) when it went out."""
    from dianpu.customers.phone_codes import request_code

    try:
        request_code(phone, purpose, client_ip(request))
    except DomainError as exc:
        return str(exc.detail)
    messages.info(request, _("验证码已发送，10 分钟内有效。"))
    return ""


@require_http_methods(["GET", "POST"])
def sign_up_phone(request):
    """Sign up with a mobile number: first "get the code", then the code, name and password."""
    from dianpu.customers.phone_codes import sign_up_by_phone

    form = PhoneSignUpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if request.POST.get("action") == "send-code":
            error = _send_code(request, d["phone"], "sign_up")
        else:
            try:
                customer = sign_up_by_phone(
                    phone=d["phone"],
                    code=d["code"],
                    password=d["password"],
                    name=d["name"],
                    language=get_language() or "zh-hans",
                    consent_sms=d["consent_sms"],
                )
            except DomainError as exc:
                error = str(exc.detail)
            else:
                sign_in_session(request, customer)
                messages.success(request, _("注册成功！"))
                return redirect("storefront:account")
    return _form_page(
        request,
        form,
        title=_("手机号注册"),
        submit=_("注册"),
        error=error,
        secondary={"value": "send-code", "label": _("获取验证码")},
        intro=_("先获取短信验证码，再填写验证码和密码。"),
        links=[("storefront:account-sign-up", _("用邮箱注册")), ("storefront:account-sign-in", _("已有账户？登录"))],
        status=422 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def sign_in_phone(request):
    from dianpu.customers.phone_codes import sign_in_by_code

    form = PhoneSignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if request.POST.get("action") == "send-code":
            error = _send_code(request, d["phone"], "sign_in")
        else:
            try:
                customer = sign_in_by_code(phone=d["phone"], code=d["code"])
            except DomainError as exc:
                error = str(exc.detail)
            else:
                sign_in_session(request, customer)
                from .views import _safe_next

                return redirect(_safe_next(request, reverse("storefront:account")))
    return _form_page(
        request,
        form,
        title=_("短信验证码登录"),
        submit=_("登录"),
        error=error,
        secondary={"value": "send-code", "label": _("获取验证码")},
        links=[("storefront:account-sign-in", _("用密码登录")), ("storefront:account-sign-up-phone", _("手机号注册"))],
        status=422 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def sign_up(request):
    form = SignUpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            customer = customer_services.sign_up(
                email=d["email"],
                password=d["password"],
                name=d["name"],
                phone=d["phone"],
                language=get_language() or "zh-hans",
                consent_email=d["consent_email"],
            )
        except DomainError as exc:
            error = str(exc.detail)
        else:
            sign_in_session(request, customer)
            messages.success(
                request,
                _("注册成功！我们已向 %(email)s 发送验证邮件，验证后可看到此邮箱下过的全部订单。")
                % {"email": customer.email},
            )
            return redirect("storefront:account")
    return _form_page(
        request,
        form,
        title=_("注册会员"),
        submit=_("注册"),
        error=error,
        intro=_("注册后可以积累积分、享受会员等级权益，并在一个地方查看全部订单。不注册也可以直接下单。"),
        links=[
            ("storefront:account-sign-in", _("已有账户？登录")),
            ("storefront:account-sign-up-phone", _("手机号注册")),
        ],
        status=422 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def sign_in(request):
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        login = form.cleaned_data["login"]
        if throttling.is_customer_sign_in_refused(login, ip):
            error = _("尝试次数过多，请 15 分钟后再试。")
        else:
            try:
                customer = customer_services.authenticate_customer(login, form.cleaned_data["password"])
            except DomainError as exc:
                throttling.record_customer_sign_in_failure(login, ip)
                error = str(exc.detail)
            else:
                throttling.record_customer_sign_in_success(login)
                sign_in_session(request, customer)
                from .views import _safe_next

                return redirect(_safe_next(request, reverse("storefront:account")))
    return _form_page(
        request,
        form,
        title=_("会员登录"),
        submit=_("登录"),
        error=error,
        links=[
            ("storefront:account-sign-up", _("注册会员")),
            ("storefront:account-sign-in-phone", _("短信验证码登录")),
            ("storefront:account-forgot", _("忘记密码？")),
        ],
        status=401 if error else 200,
    )


@require_POST
def sign_out(request):
    request.session.pop(SESSION_CUSTOMER, None)
    request.session.pop(SESSION_CUSTOMER_HASH, None)
    request.session.cycle_key()
    messages.info(request, _("您已退出登录。"))
    return redirect("storefront:home")


def verify(request, token):
    try:
        customer_services.verify_email(token)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("邮箱已验证，此邮箱下过的订单都已归入您的账户。"))
    return redirect("storefront:account")


@require_http_methods(["GET", "POST"])
def forgot(request):
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        customer_services.request_password_reset(form.cleaned_data["email"])
        messages.info(request, _("如果该邮箱已注册，您很快会收到重置密码的邮件。"))
        return redirect("storefront:account-sign-in")
    return _form_page(
        request,
        form,
        title=_("找回密码"),
        submit=_("发送重置邮件"),
        intro=_("输入注册邮箱，我们会发送一个重置密码的链接。"),
    )


@require_http_methods(["GET", "POST"])
def reset(request, token):
    form = ResetForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_services.reset_password(token, form.cleaned_data["password"])
        except DomainError as exc:
            error = str(exc.detail)
        else:
            sign_in_session(request, customer)
            messages.success(request, _("密码已更新。"))
            return redirect("storefront:account")
    return _form_page(
        request, form, title=_("设置新密码"), submit=_("保存新密码"), error=error, status=422 if error else 200
    )


def _reviewable_lines(customer) -> list:
    from dianpu.reviews.queries import list_reviewable_lines

    return list_reviewable_lines(customer, limit=20)


@require_http_methods(["GET", "POST"])
def account(request):
    customer = current_customer(request)
    if customer is None:
        return redirect(reverse("storefront:account-sign-in") + "?next=" + reverse("storefront:account"))
    error = ""
    profile = ProfileForm(
        initial={
            "name": customer.name,
            "phone": customer.phone,
            "birthday": customer.birthday,
            "consent_email": customer.consent_email,
            "consent_sms": customer.consent_sms,
        }
    )
    address_form = AddressForm()
    if request.method == "POST":
        try:
            if request.POST.get("form") == "address":
                address_form = AddressForm(request.POST)
                address_form.is_valid()
                customer_services.save_address(
                    customer, address_form.cleaned_data, make_default=bool(request.POST.get("is_default"))
                )
                messages.success(request, _("地址已保存。"))
            elif request.POST.get("form") == "check-in":
                from dianpu.customers.rewards import check_in

                result = check_in(customer)
                messages.success(request, _("签到成功：连续 %(streak)s 天，获得 %(points)s 积分。") % result)
            elif request.POST.get("form") == "exchange":
                from dianpu.customers.rewards import exchange_points

                coupon = exchange_points(customer=customer, offer_id=int(request.POST.get("offer") or 0))
                messages.success(request, _("兑换成功！券码 %(code)s 已放入“我的优惠券”。") % {"code": coupon.code})
            elif request.POST.get("form") == "review":
                from dianpu.reviews.services import submit_review

                submit_review(
                    customer=customer,
                    order_line_id=int(request.POST.get("line") or 0),
                    rating=int(request.POST.get("rating") or 0),
                    body=request.POST.get("body", ""),
                    images=request.FILES.getlist("images")[:4],
                )
                messages.success(request, _("评价已发布，谢谢！"))
            elif request.POST.get("form") == "delete-address":
                customer_services.delete_address(customer, int(request.POST.get("address") or 0))
                messages.success(request, _("地址已删除。"))
            else:
                profile = ProfileForm(request.POST)
                profile.is_valid()
                d = profile.cleaned_data
                if profile.errors.get("birthday"):
                    raise ValueError
                customer_services.update_profile(
                    customer,
                    name=d["name"],
                    phone=d["phone"],
                    consent_email=d["consent_email"],
                    consent_sms=d["consent_sms"],
                    birthday=d.get("birthday"),
                )
                messages.success(request, _("资料已保存。"))
            return redirect("storefront:account")
        except ValidationFailed as exc:
            error = "；".join(
                f"{address_form.fields[k].label if k in address_form.fields else k}：{v}" for k, v in exc.errors.items()
            )
        except (DomainError, ValueError) as exc:
            error = str(getattr(exc, "detail", "")) or _("提交的信息有误，请检查标出的字段。")
    from dianpu.customers.rewards import active_offers

    tiers = customer_queries.list_tiers()
    tier = next((t for t in tiers if t.code == customer.tier), None)
    english = (get_language() or "").startswith("en")
    return _page(
        request,
        "storefront/account.html",
        {
            "title": _("我的账户"),
            "customer": customer,
            "error": error,
            "profile": profile,
            "address_form": address_form,
            "addresses": list(customer.addresses.all()),
            "orders": list(customer_queries.visible_orders(customer)),
            "reviewable_lines": _reviewable_lines(customer),
            "points_entries": customer_queries.list_points_entries(customer, limit=20),
            "points_value": value_of_points(customer.points_balance, settings.POINTS_PER_YUAN),
            "points_per_yuan": settings.POINTS_PER_YUAN,
            "coupons": customer_queries.member_coupons(customer, limit=20),
            "offers": [
                {
                    "id": o.pk,
                    "name": o.name_en if english and o.name_en else o.name,
                    "points": o.points,
                    "amount": o.coupon_amount,
                    "min_spend": o.coupon_min_spend,
                    "valid_days": o.valid_days,
                    "affordable": customer.points_balance >= o.points,
                }
                for o in active_offers()
            ],
            "checked_in_today": customer.last_check_in_on == timezone.localdate(clock.now()),
            "tier": tier,
            "tier_name": (tier.name_en if english else tier.name) if tier else _("普通会员"),
            "tiers": [
                {
                    "name": t.name_en if english else t.name,
                    "min_spend": t.min_spend,
                    "discount_percent": t.discount_percent,
                    "member_price": t.member_price,
                    "free_shipping": t.free_shipping,
                    "current": t.code == customer.tier,
                }
                for t in tiers
            ],
        },
        status=422 if error else 200,
    )


def unsubscribe(request, token):
    from dianpu.customers.outreach import unsubscribe as unsubscribe_customer

    try:
        unsubscribe_customer(token)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("已退订营销邮件。订单相关的通知仍会照常发送。"))
    return redirect("storefront:home")


@require_http_methods(["GET", "POST"])
def survey(request, token):
    from dianpu.customers import surveys

    try:
        data = surveys.read_token(token)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("storefront:home")
    error = ""
    if request.method == "POST":
        try:
            surveys.answer_survey(token, int(request.POST.get("score", "-1")), request.POST.get("comment", ""))
        except (DomainError, ValueError) as exc:
            error = str(getattr(exc, "detail", "")) or _("请选择一个评分。")
        else:
            messages.success(request, _("谢谢您的评价！"))
            return redirect("storefront:home")
    scores = range(1, 6) if data["k"] == "csat" else range(0, 11)
    question = (
        _("您对订单 %(number)s 满意吗？") % {"number": data["s"]}
        if data["k"] == "csat"
        else _("从 0 到 10 分，您有多大可能把我们推荐给朋友或同事？")
    )
    return _page(
        request,
        "storefront/survey.html",
        {"title": _("满意度调查"), "question": question, "scores": scores, "error": error},
        status=422 if error else 200,
    )


def outreach_open(request, token):
    """The 1×1 image in an outreach e-mail: marks the message opened (a bad token: the image all the same)."""
    from django.http import HttpResponse

    from dianpu.customers.tracking import PIXEL, record_open

    record_open(token)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store, private"
    return response


def outreach_click(request, token):
    """A tracked link: records the click and goes on, only to our own site or an allowed host."""
    from django.http import HttpResponseRedirect

    from dianpu.customers.tracking import follow_click

    target = follow_click(token)
    if target is None:
        messages.error(request, _("链接无效或已过期，请重新申请。"))
        return redirect("storefront:home")
    return HttpResponseRedirect(target)
