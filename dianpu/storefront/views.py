"""Customer pages. Each view parses input, calls one query or service of the business apps,
maps their errors to messages in the shopper's language, and renders."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dianpu.analytics.visitor import order_attribution, record_server_event
from dianpu.cart.queries import count_cart_items, get_cart_summary, get_open_cart
from dianpu.cart.services import (
    add_to_cart, get_or_create_cart, mark_checked_out, remember_email, set_line_quantity,
)
from dianpu.catalog.domain.search import query_terms
from dianpu.catalog.models import Product
from dianpu.catalog.queries import (
    DEFAULT_SORT, SORTS, CategoryNode, get_category, get_listed_product, get_variants_by_sku, list_category_path,
    list_listed_products,
)
from dianpu.checkout.domain.validation import EMAIL
from dianpu.checkout.services import place_order, request_from_cart
from dianpu.core import ratelimit
from dianpu.core.errors import DomainError, NotFoundError, ValidationFailed
from dianpu.core.http import client_ip
from dianpu.fulfillment.carriers import get_carrier
from dianpu.fulfillment.queries import list_shipping_methods, list_shipping_options, list_tracking_events
from dianpu.inventory.queries import get_available_by_variant, get_in_stock_product_ids
from dianpu.inventory.services import InsufficientStockError
from dianpu.marketing.merchandising import list_bought_together, list_featured_products, list_live_banners
from dianpu.orders.models import Order
from dianpu.orders.queries import get_order, get_order_for_customer
from dianpu.payments.gateways import get_gateway
from dianpu.payments.queries import list_payment_methods, payment_start_for
from dianpu.promotions.queries import list_promotions_for_product
from dianpu.shop.queries import get_shop_profile

from .after_sales import after_sales_context
from .forms import SEARCH_MAX_LENGTH, AddToCartForm, CartUpdateForm, CheckoutForm, OrderLookupForm, parse_price
from .navigation import get_category_tree
from .savings import coupon_codes, price_summary
from .seo import page_meta, product_json_ld

PAGE_SIZE = 24
HOME_SHELF_SIZE = 8
SESSION_CART = "cart_token"
SESSION_ORDERS = "placed_orders"
REMEMBERED_ORDERS = 20
# Order-status look-ups that found nothing, per client address, before we ask it to wait.
LOOKUP_FAILURES_ALLOWED = ratelimit.ORDER_LOOKUP_ALLOWED
LOOKUP_WINDOW_SECONDS = ratelimit.ORDER_LOOKUP_WINDOW_SECONDS


def _sort_choices():
    return [("newest", _("最新上架")), ("bestselling", _("销量优先")),
            ("price_asc", _("价格从低到高")), ("price_desc", _("价格从高到低"))]


def _page_title(*parts: str) -> str:
    return " - ".join([*(p for p in parts if p), get_shop_profile().name])


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"



def _cart_token(request) -> str | None:
    return request.session.get(SESSION_CART)


def _render(request, template: str, context: dict, status: int = 200):
    """Every page: the category menu (cached), the cart badge, the language switch."""
    context = {
        "category_tree": get_category_tree().roots,
        "cart_count": count_cart_items(_cart_token(request)),
        **context,
    }
    return render(request, template, context, status=status)


def _not_found(request):
    meta = page_meta(request, _page_title(_("页面不存在")), noindex=True)
    return _render(request, "storefront/not_found.html", {"meta": meta}, status=404)


def _with_stock_flags(products: list[Product]) -> list[Product]:
    """Mark each card in or out of stock with one query for the whole list."""
    in_stock = get_in_stock_product_ids([p.id for p in products])
    for p in products:
        p.in_stock = p.id in in_stock
    return products


def _paginate(request, products):
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _with_stock_flags(list(page.object_list))
    return page


def _sort_of(request) -> str:
    sort = request.GET.get("sort", "")
    return sort if sort in SORTS else DEFAULT_SORT


@require_GET
def home(request):
    newest = list(list_listed_products(sort="newest")[:HOME_SHELF_SIZE])
    bestselling = list(list_listed_products(sort="bestselling")[:HOME_SHELF_SIZE])
    featured = list_featured_products(limit=HOME_SHELF_SIZE)
    _with_stock_flags(newest + bestselling + featured)
    meta = page_meta(request, get_shop_profile().name,
                     _("%(shop)s：精选好物，正品保障，满额包邮，支持货到付款。") % {"shop": get_shop_profile().name})
    return _render(request, "storefront/home.html", {"meta": meta, "newest": newest, "bestselling": bestselling,
                                                     "banners": list(list_live_banners()), "featured": featured})


@require_GET
def category(request, slug):
    tree = get_category_tree()
    node = tree.find(slug)
    if node is None:  # not in the cached tree: perhaps created a moment ago
        try:
            node = CategoryNode(get_category(slug), [])
        except NotFoundError:
            return _not_found(request)
    category = node.category
    sort = _sort_of(request)
    min_price = parse_price(request.GET.get("min_price", ""))
    max_price = parse_price(request.GET.get("max_price", ""))
    if min_price is not None and max_price is not None and min_price > max_price:
        min_price, max_price = max_price, min_price
    page = _paginate(request, list_listed_products(category=category, sort=sort, min_price=min_price,
                                                   max_price=max_price))
    meta = page_meta(
        request, _page_title(category.display_name),
        category.seo_description or _("%(category)s：%(count)s 件商品，正品保障，满额包邮。")
        % {"category": category.display_name, "count": page.paginator.count},
        page_number=page.number,
    )
    return _render(request, "storefront/category.html", {
        "meta": meta, "category": category, "children": node.children, "page": page, "sort": sort,
        "sort_choices": _sort_choices(), "min_price": min_price, "max_price": max_price,
        "breadcrumbs": tree.path_to(category.id) or list_category_path(category),
    })


@require_GET
def search(request):
    q = " ".join((request.GET.get("q") or "").split())[:SEARCH_MAX_LENGTH]
    sort = _sort_of(request)
    page = None
    if q and query_terms(q):
        page = _paginate(request, list_listed_products(search=q, sort=sort))
    title = _("搜索“%(q)s”") % {"q": q} if q else _("搜索商品")
    meta = page_meta(request, _page_title(title), _("在%(shop)s搜索商品。") % {"shop": get_shop_profile().name},
                     noindex=True)
    return _render(request, "storefront/search.html", {
        "meta": meta, "q": q, "page": page, "sort": sort, "sort_choices": _sort_choices(),
    })


@require_GET
def product(request, slug):
    try:
        product = get_listed_product(slug)
    except NotFoundError:
        return _not_found(request)
    variants = list(product.variants.all())
    available = get_available_by_variant([v.id for v in variants])
    choices = [{"variant": v, "available": available.get(v.id, 0)} for v in variants]
    selected = next((c for c in choices if c["available"] > 0), None)
    images = list(product.images.all())
    url = request.build_absolute_uri(request.path)
    image_urls = [request.build_absolute_uri(i.image.url) for i in images if i.image]
    # The SEO title and description are written in Chinese: English pages use the English name.
    chinese = not get_language().startswith("en")
    title = product.seo_title if chinese and product.seo_title else product.display_name
    description = product.seo_description if chinese and product.seo_description else product.display_description
    meta = page_meta(request, _page_title(title), description, og_type="product",
                     image=images[0].image.url if images else "")
    return _render(request, "storefront/product.html", {
        "meta": meta, "product": product, "images": images, "choices": choices, "selected": selected,
        "in_stock": selected is not None, "breadcrumbs": get_category_tree().path_to(product.category_id),
        "json_ld": product_json_ld(product=product, variants=variants, available=available, url=url,
                                   image_urls=image_urls),
        "form": AddToCartForm(initial={"quantity": 1}),
        "bought_together": _with_stock_flags(list_bought_together(product)),
        "promotions": list_promotions_for_product(product),
    })


# --- cart -----------------------------------------------------------------------------------------


@require_GET
def cart(request):
    open_cart = get_open_cart(_cart_token(request))
    summary = get_cart_summary(open_cart) if open_cart else None
    meta = page_meta(request, _page_title(_("购物车")), noindex=True)
    return _render(request, "storefront/cart.html", {"meta": meta, "summary": summary,
                                                     "pricing": price_summary(request, summary)})


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _buyable(sku: str):
    """The listed, active variant of a SKU, or None (checked before a cart is created)."""
    variant = get_variants_by_sku([sku]).get(sku)
    if variant is None or not variant.is_active or variant.product.status != Product.Status.LISTED:
        return None
    return variant


def _cart_feedback(request, *, ok: bool, message: str, fallback: str):
    if _is_htmx(request):
        return _render(request, "storefront/_cart_feedback.html", {"ok": ok, "message": message})
    (messages.success if ok else messages.error)(request, message)
    return redirect(reverse("storefront:cart") if ok else _safe_next(request, fallback))


@require_POST
def cart_add(request):
    form = AddToCartForm(request.POST)
    fallback = reverse("storefront:cart")
    if not form.is_valid():
        return _cart_feedback(request, ok=False, message=form.first_error(), fallback=fallback)
    sku, quantity = form.cleaned_data["sku"], form.cleaned_data["quantity"]
    variant = _buyable(sku)
    if variant is None:
        return _cart_feedback(request, ok=False, message=_("该商品不存在或已下架。"), fallback=fallback)
    fallback = reverse("storefront:product", args=[variant.product.slug])
    shopping_cart = get_or_create_cart(_cart_token(request))
    try:
        add_to_cart(shopping_cart, sku=sku, quantity=quantity)
    except DomainError as exc:
        return _cart_feedback(request, ok=False, message=str(exc.detail), fallback=fallback)
    request.session[SESSION_CART] = shopping_cart.token
    record_server_event(request, "add_to_cart", product_id=variant.product_id)
    message = _("已将「%(name)s」加入购物车。") % {"name": variant.product.display_name}
    return _cart_feedback(request, ok=True, message=message, fallback=fallback)


@require_POST
def cart_update(request):
    form = CartUpdateForm(request.POST)
    open_cart = get_open_cart(_cart_token(request))
    if open_cart is None:
        messages.error(request, _("购物车已过期，请重新添加商品。"))
    elif not form.is_valid():
        messages.error(request, form.first_error())
    else:
        try:
            set_line_quantity(open_cart, sku=form.cleaned_data["sku"], quantity=form.cleaned_data["quantity"])
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, _("已删除该商品。") if form.cleaned_data["quantity"] == 0
                             else _("数量已更新。"))
    return redirect("storefront:cart")


# --- checkout -------------------------------------------------------------------------------------


def _shipping_options(summary, province: str, pricing=None) -> list[dict]:
    """Each method with its fee for this cart's weight and the province typed so far, and the
    order total with it after the cart's discounts (shipping discounts such as 包邮 are shown on
    the summary for the selected method)."""
    variants = get_variants_by_sku([ln.sku for ln in summary.lines])
    weight = sum(variants[ln.sku].weight_grams * ln.quantity for ln in summary.lines if ln.sku in variants)
    discount = pricing["result"].discount_total if pricing else 0
    # A method's "free over ¥X" counts the merchandise after discounts (as checkout charges it).
    options = list_shipping_options(summary.subtotal - discount, weight_grams=weight, province=province)
    for option in options:
        option["total"] = summary.subtotal - discount + (option["fee"] or 0)
    return options


def _remember_order(request, number: str) -> None:
    numbers = [n for n in request.session.get(SESSION_ORDERS, []) if n != number]
    request.session[SESSION_ORDERS] = [*numbers, number][-REMEMBERED_ORDERS:]


def _out_of_stock_message(exc: InsufficientStockError, summary) -> str:
    sku = exc.extra.get("sku", "")
    line = next((ln for ln in summary.lines if ln.sku == sku), None)
    name = f"{line.product_name} {line.variant_label}".strip() if line else sku
    return _("很抱歉，「%(name)s」库存不足，目前只剩 %(available)s 件。请修改购物车中的数量后再提交，"
             "订单尚未创建。") % {"name": name, "available": exc.extra.get("available", 0)}


def _name_cart_lines(errors: dict[str, str], summary) -> dict[str, str]:
    """"lines.0.sku: gone" becomes "纯棉T恤 S: gone", so the shopper knows which line."""
    named = {}
    for key, message in errors.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(summary.lines):
            line = summary.lines[int(parts[1])]
            message = f"{line.product_name} {line.variant_label}".strip() + f"：{message}"
        named[key] = message
    return named


@require_http_methods(["GET", "POST"])
def checkout(request):
    open_cart = get_open_cart(_cart_token(request))
    summary = get_cart_summary(open_cart) if open_cart else None
    if summary is None or not summary.lines:
        messages.info(request, _("购物车是空的，先去挑选商品吧。"))
        return redirect("storefront:cart")
    methods = list_shipping_methods()
    payment_methods = list_payment_methods()
    errors: list[str] = []
    if request.method == "GET":
        record_server_event(request, "checkout_start")
        form = CheckoutForm(initial={
            "country": "CN",
            "shipping_method": methods[0].code if methods else "",
            "payment_method": payment_methods[0]["code"] if payment_methods else "",
        })
    else:
        form = CheckoutForm(request.POST)
        form.is_valid()  # every field is optional here: the checkout service judges the whole request
        data = form.cleaned_data
        if EMAIL.match((data.get("email") or "").strip()):
            remember_email(open_cart, data["email"].strip().lower())  # for abandoned-cart recovery
        checkout_request = request_from_cart(
            summary.lines, email=data.get("email", ""), shipping_address=form.shipping_address(),
            shipping_method=data.get("shipping_method", ""), payment_method=data.get("payment_method", ""),
            note=data.get("note", ""), language=get_language(), coupon_codes=coupon_codes(request),
        )
        try:
            placed = place_order(checkout_request, ip_address=client_ip(request),
                                 attribution=order_attribution(request))
        except ValidationFailed as exc:
            errors = [str(exc.detail), *form.attach_errors(_name_cart_lines(exc.errors, summary))]
        except InsufficientStockError as exc:
            errors = [_out_of_stock_message(exc, summary)]
        except DomainError as exc:
            errors = [str(exc.detail)]
        else:
            number = placed.order.number
            record_server_event(request, "purchase", order_id=placed.order.pk)
            mark_checked_out(open_cart, order_number=number)
            request.session.pop(SESSION_CART, None)
            request.session.pop("coupon_codes", None)
            _remember_order(request, number)
            return redirect("storefront:order-confirmation", number=number)
    meta = page_meta(request, _page_title(_("结算")), noindex=True)
    province = str(form["province"].value() or "")
    selected_shipping = form["shipping_method"].value()
    pricing = price_summary(request, summary, shipping_method=selected_shipping or "", province=province)
    options = _shipping_options(summary, province, pricing)
    return _render(request, "storefront/checkout.html", {
        "pricing": pricing,
        "meta": meta, "form": form, "summary": summary, "errors": errors,
        "shipping_options": options, "payment_methods": payment_methods,
        "selected_shipping": selected_shipping, "selected_payment": form["payment_method"].value(),
        "selected_option": next((o for o in options if o["method"].code == selected_shipping), None),
    }, status=422 if errors else 200)


# --- orders ---------------------------------------------------------------------------------------


def _tracking(order: Order) -> list[dict]:
    shipments = list(order.shipments.all())
    parcels = [(s.carrier, s.tracking_number, s.pk) for s in shipments]
    if not parcels and order.tracking_number:
        parcels = [(order.carrier, order.tracking_number, None)]
    scans = list_tracking_events([s.pk for s in shipments])
    english = get_language().startswith("en")
    rows = []
    for code, number, shipment_id in parcels:
        carrier = get_carrier(code)
        rows.append({
            "carrier": (carrier.name_en if english else carrier.name) if carrier else code,
            "number": number,
            "url": carrier.tracking_url(number) if carrier else "",
            "events": scans.get(shipment_id, []),
        })
    return rows


def _shipping_method_name(code: str) -> str:
    method = next((m for m in list_shipping_methods() if m.code == code), None)
    return method.display_name if method else code


def _status_label(value: str) -> str:
    try:
        return Order.Status(value).label
    except ValueError:
        return value


@require_GET
def order_confirmation(request, number):
    if number not in request.session.get(SESSION_ORDERS, []):
        return _not_found(request)
    try:
        order = get_order(number)
    except NotFoundError:
        return _not_found(request)
    gateway = get_gateway(order.payment_method)
    payment = payment_start_for(payment_method=order.payment_method, order_number=order.number,
                                amount=order.grand_total, email=order.email, language=get_language())
    meta = page_meta(request, _page_title(_("下单成功")), noindex=True)
    return _render(request, "storefront/order_confirmation.html", {
        "meta": meta, "order": order, "payment": payment,
        "payment_name": (gateway.name_en if get_language().startswith("en") else gateway.name) if gateway else "",
        "shipping_name": _shipping_method_name(order.shipping_method),
        "status_url": reverse("storefront:order-status") + "?" + urlencode({"number": order.number, "email": order.email}),
    })


def _lookup_refused(request) -> bool:
    return ratelimit.exhausted(ratelimit.ORDER_LOOKUP, client_ip(request), LOOKUP_FAILURES_ALLOWED)


def _count_lookup_failure(request) -> None:
    ratelimit.spend(ratelimit.ORDER_LOOKUP, client_ip(request), LOOKUP_WINDOW_SECONDS)


@require_http_methods(["GET", "POST"])
def order_status(request):
    source = request.POST if request.method == "POST" else request.GET
    order, error = None, ""
    if "number" in source or "email" in source:
        form = OrderLookupForm(source)
        if form.is_valid():
            if _lookup_refused(request):
                error = _("查询次数过多，请稍后再试。")
            else:
                order = get_order_for_customer(form.cleaned_data["number"], form.cleaned_data["email"])
                if order is None:
                    _count_lookup_failure(request)
                    error = _("没有找到与该订单号和邮箱相符的订单，请核对后重试。")
    else:
        form = OrderLookupForm()
    context = {"form": form, "order": order, "error": error,
               "meta": page_meta(request, _page_title(_("订单查询")), _("输入订单号和下单邮箱，查看订单状态和物流信息。"),
                                 noindex=order is not None)}
    if order is not None:
        context.update(
            history=[{"status": _status_label(h.to_status), "at": h.created_at} for h in order.history.all()],
            tracking=_tracking(order), shipping_name=_shipping_method_name(order.shipping_method),
            after_sales=after_sales_context(order), lookup_email=form.cleaned_data["email"],
        )
    return _render(request, "storefront/order_status.html", context, status=200)
