"""Paying inside WeChat's own browser (WeChat Pay JSAPI).

WeChat's browser (its User-Agent says MicroMessenger) cannot use H5 pay and blocks Alipay; it pays
by JSAPI, which needs the buyer's openid under the shop's official account. The openid comes from
WeChat's web OAuth (snsapi_base, no prompt): we send the browser to WeChat with a `state` bound to
this session and to the order, WeChat sends it back to `wechat_oauth_return` with a one-time code,
payments exchanges the code for the openid. The openid is kept on the session (and on the
customer's account when signed in), the payment is started with it, and the order page hands
WeixinJSBridge the signed parameters (static/storefront/wechat-pay.js). The JS callback is never
trusted: WeChat Pay's notification or the order query confirms the payment.
"""

import secrets

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dianpu.checkout.services import pay_order
from dianpu.core import clock
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.http import client_ip
from dianpu.customers.services import remember_wechat_openid
from dianpu.orders.queries import get_order
from dianpu.payments.gateways import get_gateway
from dianpu.payments.services import identify_wechat_payer

from .account import current_customer
from .seo import page_meta

SESSION_OPENID = "wechat_openid"
SESSION_PENDING = "wechat_oauth"
STATE_MAX_AGE_SECONDS = 600
_SALT = "dianpu.storefront.wechat-oauth"


def is_wechat_browser(request) -> bool:
    return "MicroMessenger" in request.headers.get("User-Agent", "")


def pays_by_jsapi(request, payment_method: str) -> bool:
    """This buyer pays `payment_method` by WeChat Pay JSAPI: inside WeChat, with JSAPI set up."""
    if payment_method != "wechatpay" or not is_wechat_browser(request):
        return False
    gateway = get_gateway("wechatpay")
    return gateway is not None and gateway.offers_jsapi()


def needs_wechat_oauth(request, payment_method: str) -> bool:
    """Paying by JSAPI, and the buyer's openid not known yet."""
    return pays_by_jsapi(request, payment_method) and not buyer_openid(request)


def buyer_openid(request) -> str:
    """The openid WeChat's OAuth gave this session, else the signed-in customer's."""
    openid = request.session.get(SESSION_OPENID, "")
    if not openid:
        customer = current_customer(request)
        openid = customer.wechat_openid if customer else ""
    return openid


def _state(nonce: str, number: str, issued: int) -> str:
    """`state` (WeChat passes back at most 128 characters of [A-Za-z0-9]): a nonce kept in this
    session and a MAC over it, the order and the time, with the site's secret key."""
    mac = salted_hmac(_SALT, f"{nonce}|{number}|{issued}", algorithm="sha256").hexdigest()[:40]
    return f"{nonce}{mac}"


@require_GET
def wechat_oauth_start(request, number: str):
    """Send WeChat's browser to learn the buyer's openid for paying order `number` (one of this
    session's orders). A link from the order page, not a form's redirect: the pages' CSP
    (form-action 'self') rightly stops a form submission from ending on another site."""
    from .views import SESSION_ORDERS, _not_found

    if number not in request.session.get(SESSION_ORDERS, []) or get_gateway("wechatpay") is None:
        return _not_found(request)
    return redirect_to_oauth(request, number)


def redirect_to_oauth(request, number: str):
    """Send WeChat's browser to learn the buyer's openid for paying order `number`."""
    nonce, issued = secrets.token_hex(8), int(clock.now().timestamp())
    request.session[SESSION_PENDING] = {"nonce": nonce, "number": number, "issued": issued}
    gateway = get_gateway("wechatpay")
    return redirect(
        gateway.oauth_authorize_url(
            redirect_uri=request.build_absolute_uri(reverse("storefront:wechat-oauth-return")),
            state=_state(nonce, number, issued),
        )
    )


def _refused(request, code: str, message: str, number: str = ""):
    from .views import _page_title, _render  # the storefront's page shell

    meta = page_meta(request, _page_title(_("无法完成微信授权")), noindex=True)
    return _render(
        request,
        "storefront/wechat_oauth_refused.html",
        {"meta": meta, "code": code, "message": message, "number": number},
        status=400,
    )


@require_GET
def wechat_oauth_return(request):
    """WeChat's browser back from OAuth with ?code=…&state=…: the buyer's openid, then the payment."""
    pending = request.session.get(SESSION_PENDING) or {}
    state = request.GET.get("state", "")
    if (
        not isinstance(pending, dict)
        or not pending.get("nonce")
        or not state
        or not constant_time_compare(
            state, _state(str(pending["nonce"]), str(pending.get("number", "")), int(pending.get("issued", 0)))
        )
    ):
        return _refused(
            request, "wechat_oauth_state_invalid", _("这个微信授权链接无效或不属于本次付款，请回到订单页面重新付款。")
        )
    number = str(pending["number"])
    del request.session[SESSION_PENDING]  # one use
    if clock.now().timestamp() - int(pending["issued"]) > STATE_MAX_AGE_SECONDS:
        return _refused(request, "wechat_oauth_state_expired", _("微信授权已超时，请回到订单页面重新付款。"), number)
    code = request.GET.get("code", "")
    if not code or len(code) > 128:
        return _refused(request, "wechat_oauth_code_missing", _("微信没有返回授权码，请回到订单页面重新付款。"), number)
    try:
        openid = identify_wechat_payer(code)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        request.session["wechat_oauth_failed"] = number  # the order page does not send the buyer round again
        return redirect("storefront:order-confirmation", number=number)
    request.session[SESSION_OPENID] = openid
    customer = current_customer(request)
    if customer is not None:
        remember_wechat_openid(customer_id=customer.pk, openid=openid)
    try:
        order = get_order(number)
        pay_order(order, language=get_language(), client_ip=client_ip(request), mobile=True, openid=openid)
    except NotFoundError:
        pass
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    return redirect("storefront:order-confirmation", number=number)
