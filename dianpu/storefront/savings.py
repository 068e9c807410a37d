"""What the cart and checkout pages show about promotions: the rules that applied, the savings,
"spend ¥X more" hints, and the coupon codes the shopper entered (kept in the session)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dianpu.cart.queries import get_cart_summary, get_open_cart
from dianpu.checkout.domain.validation import CheckoutLine
from dianpu.checkout.services import quote_cart
from dianpu.core.errors import DomainError
from dianpu.promotions.queries import applied_rows, hint_texts

SESSION_COUPONS = "coupon_codes"


def coupon_codes(request) -> list[str]:
    return list(request.session.get(SESSION_COUPONS, []))


def price_summary(
    request, summary, *, shipping_method: str = "", email: str = "", province: str = "", shipping_methods=None
):
    """The cart priced with promotions and the session's coupons, or None when it cannot be
    priced (an empty cart, a line no longer sold). A coupon that stopped applying is dropped
    with a message saying why. `shipping_methods`: the active methods, when just read."""
    if summary is None or not summary.lines:
        return None
    lines = tuple(CheckoutLine(sku=ln.sku, quantity=ln.quantity) for ln in summary.lines)
    codes = coupon_codes(request)
    from .account import current_customer

    member = current_customer(request)  # a signed-in member's tier perks; never by e-mail alone
    member_id = member.pk if member is not None else None
    try:
        priced = quote_cart(
            email=email,
            lines=lines,
            coupon_codes=codes,
            shipping_method=shipping_method,
            province=province,
            member_id=member_id,
            shipping_methods=shipping_methods,
        )
    except DomainError as exc:
        if not codes or not exc.code.startswith("coupon_"):
            return None
        request.session[SESSION_COUPONS] = []
        messages.warning(request, str(exc.detail))
        try:
            priced = quote_cart(
                email=email,
                lines=lines,
                shipping_method=shipping_method,
                province=province,
                member_id=member_id,
                shipping_methods=shipping_methods,
            )
        except DomainError:
            return None
    result = priced.pricing.result
    discounts = {ln.sku: ln.discount for ln in result.lines}
    for line in summary.lines:
        line.discount = discounts.get(line.sku, 0)
    return {
        "result": result,
        "applied": applied_rows(result),
        "hints": hint_texts(result),
        "merchandise_total": result.subtotal - result.discount_total,
        "codes": list(result.applied_coupons),
    }


@require_POST
def cart_coupon(request):
    """Apply (or, with remove=1, take off) a coupon code on the cart."""
    code = (request.POST.get("code") or "").strip()[:40]
    if request.POST.get("remove"):
        request.session[SESSION_COUPONS] = [c for c in coupon_codes(request) if c != code]
        messages.success(request, _("已取消使用优惠券。"))
        return redirect("storefront:cart")
    open_cart = get_open_cart(request.session.get("cart_token"))
    summary = get_cart_summary(open_cart) if open_cart else None
    if not code:
        messages.error(request, _("请输入优惠券码。"))
    elif summary is None or not summary.lines:
        messages.error(request, _("购物车是空的，先去挑选商品吧。"))
    else:
        codes = [c for c in coupon_codes(request) if c.lower() != code.lower()] + [code]
        lines = tuple(CheckoutLine(sku=ln.sku, quantity=ln.quantity) for ln in summary.lines)
        try:
            quote_cart(email="", lines=lines, coupon_codes=codes)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        else:
            request.session[SESSION_COUPONS] = codes
            messages.success(request, _("优惠券已使用。"))
    return redirect("storefront:cart")
