"""Pages reached from marketing e-mails: unsubscribe (signed link) and back to an abandoned cart."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dianpu.cart.queries import get_open_cart
from dianpu.marketing.email_campaigns import unsubscribe

from .seo import page_meta


@require_http_methods(["GET", "POST"])
def unsubscribe_page(request, token):
    """GET asks to confirm (mail scanners follow links); POST records the unsubscribe."""
    done = request.method == "POST"
    email = unsubscribe(token) if done else None
    status = 200 if not done or email else 400
    meta = page_meta(request, _("退订邮件"), noindex=True)
    return render(
        request,
        "storefront/unsubscribe.html",
        {"meta": meta, "done": done, "email": email, "token": token},
        status=status,
    )


@require_GET
def cart_restore(request, token):
    cart = get_open_cart(token)
    if cart is None:
        messages.info(request, _("购物车已过期，请重新添加商品。"))
    else:
        request.session["cart_token"] = cart.token
    return redirect("storefront:cart")
