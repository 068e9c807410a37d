"""Customer pages. Each view parses input, calls one query or service of the business apps,
maps their errors to messages in the shopper's language, and renders."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dianpu.accounts import throttling
from dianpu.analytics.domain.tracking import Device, classify_device
from dianpu.analytics.visitor import order_attribution, record_server_event
from dianpu.cart.queries import count_cart_items, get_cart_summary, get_open_cart, list_cart_items
from dianpu.cart.services import (
    add_to_open_cart,
    mark_checked_out,
    remember_email,
    set_line_quantity,
)
from dianpu.catalog.domain.search import query_terms
from dianpu.catalog.models import Product
from dianpu.catalog.queries import (
    DEFAULT_SORT,
    RELEVANCE,
    SORTS,
    CategoryNode,
    get_category,
    get_listed_product,
    get_variants_by_sku,
    list_category_path,
    list_listed_products,
    search_listed_products,
)
from dianpu.checkout.domain.validation import EMAIL
from dianpu.checkout.services import pay_order, place_order, request_from_cart
from dianpu.core.errors import DomainError, NotFoundError, ValidationFailed
from dianpu.core.http import client_ip
from dianpu.fulfillment.carriers import get_carrier
from dianpu.fulfillment.queries import (
    get_shipping_method,
    list_shipping_methods,
    list_shipping_options,
    list_tracking_events,
)
from dianpu.inventory.queries import get_available_by_variant, get_in_stock_product_ids, in_stock_expression
from dianpu.inventory.services import InsufficientStockError
from dianpu.marketing.merchandising import (
    get_next_schedule_change,
    list_bought_together,
    list_featured_products,
    list_live_banners,
)
from dianpu.orders.models import Order
from dianpu.orders.queries import get_order, get_order_for_customer
from dianpu.payments.gateways import get_gateway
from dianpu.payments.queries import can_pay_again, list_payment_methods, payment_start_for
from dianpu.promotions.queries import get_next_schedule_change as get_next_promotion_change
from dianpu.promotions.queries import list_promotions_for_product
from dianpu.shop.queries import get_shop_profile

from . import page_cache
from .account import current_customer
from .after_sales import after_sales_context
from .facets import facet_links, parse_filters
from .forms import SEARCH_MAX_LENGTH, AddToCartForm, CartUpdateForm, CheckoutForm, OrderLookupForm
from .invoices import invoice_context
from .navigation import get_category_tree
from .savings import coupon_codes, price_summary
from .seo import page_meta, product_json_ld
from .wechat import buyer_openid, is_wechat_browser, needs_wechat_oauth, pays_by_jsapi

PAGE_SIZE = 24
HOME_SHELF_SIZE = 8
SESSION_CART = "cart_token"
SESSION_ORDERS = "placed_orders"
REMEMBERED_ORDERS = 20
# On a phone the payment most buyers reach for first comes first.
PHONE_FIRST_METHODS = ("wechatpay", "alipay")
# Inside WeChat's own browser WeChat blocks these (the checkout says why they are missing).
BLOCKED_IN_WECHAT = ("alipay",)


def _sort_choices():
    return [
        ("newest", _("最新上架")),
        ("bestselling", _("销量优先")),
        ("price_asc", _("价格从低到高")),
        ("price_desc", _("价格从高到低")),
    ]


def _search_sort_choices():
    return [(RELEVANCE, _("相关度")), *_sort_choices()]


def _page_title(*parts: str) -> str:
    return " - ".join([*(p for p in parts if p), get_shop_profile().name])


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _cart_token(request) -> str | None:
    return request.session.get(SESSION_CART)


def _render(request, template: str, context: dict, status: int = 200):
    """Every page: the category menu (cached), the cart badge, the language switch."""
    cart_count = count_cart_items(_cart_token(request))
    context = {
        "category_tree": get_category_tree().roots,
        "cart_count": cart_count,
        "cart_badge": page_cache.cart_badge(cart_count),
        **context,
    }
    return render(request, template, context, status=status)


def _cached(request, name: str, build):
    """A page every shopper sees alike, from the page cache (see page_cache): `build()` returns
    (template, context, seconds it may be kept, or None for the longest) or a response."""

    def render_page():
        built = build()
        if not isinstance(built, tuple):
            return built, 0
        template, context, seconds = built
        context = {"category_tree": get_category_tree().roots, **context, **page_cache.placeholders()}
        return render(request, template, context), seconds or page_cache.MAX_SECONDS

    return page_cache.serve(request, name, render_page, cart_count=lambda: count_cart_items(_cart_token(request)))


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
    return _cached(request, "home", lambda: _home(request))


def _home(request):
    newest = list(list_listed_products(sort="newest")[:HOME_SHELF_SIZE])
    bestselling = list(list_listed_products(sort="bestselling")[:HOME_SHELF_SIZE])
    featured = list_featured_products(limit=HOME_SHELF_SIZE)
    _with_stock_flags(newest + bestselling + featured)
    meta = page_meta(
        request,
        get_shop_profile().name,
        _("%(shop)s：精选好物，正品保障，满额包邮，支持货到付款。") % {"shop": get_shop_profile().name},
    )
    seconds = page_cache.seconds_until(get_next_schedule_change())
    return (
        "storefront/home.html",
        {
            "meta": meta,
            "newest": newest,
            "bestselling": bestselling,
            "banners": list(list_live_banners()),
            "featured": featured,
        },
        seconds,
    )


@require_GET
def category(request, slug):
    return _cached(request, "category", lambda: _category(request, slug))


def _category(request, slug):
    tree = get_category_tree()
    node = tree.find(slug)
    if node is None:  # not in the cached tree: perhaps created a moment ago
        try:
            node = CategoryNode(get_category(slug), [])
        except NotFoundError:
            return _not_found(request)
    category = node.category
    sort = _sort_of(request)
    filters = parse_filters(request)
    listed = dict(
        category=category,
        min_price=filters["min_price"],
        max_price=filters["max_price"],
        brand=filters["brand"],
        attribute=filters["attribute"],
    )
    result = search_listed_products(sort=sort, **listed)
    facets = result.facets()  # one grouped query: the filters beside the list and the count
    page = _paginate(request, result.pages())
    meta = page_meta(
        request,
        _page_title(category.display_name),
        category.seo_description
        or _("%(category)s：%(count)s 件商品，正品保障，满额包邮。")
        % {"category": category.display_name, "count": page.paginator.count},
        page_number=page.number,
    )
    return (
        "storefront/category.html",
        {
            "meta": meta,
            "category": category,
            "children": node.children,
            "page": page,
            "sort": sort,
            "sort_choices": _sort_choices(),
            "min_price": filters["min_price"],
            "max_price": filters["max_price"],
            "breadcrumbs": tree.path_to(category.id) or list_category_path(category),
            "facets": facet_links(request, facets, with_categories=False),
        },
        None,
    )


@require_GET
def search(request):
    return _cached(request, "search", lambda: _search(request))


def _search(request):
    q = " ".join((request.GET.get("q") or "").split())[:SEARCH_MAX_LENGTH]
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else RELEVANCE
    page, result, facets, suggestions = None, None, [], []
    if q and query_terms(q):
        filters = parse_filters(request)
        category = get_category_tree().find(filters["category"]) if filters["category"] else None
        listed = dict(
            category=category.category if category else None,
            min_price=filters["min_price"],
            max_price=filters["max_price"],
            brand=filters["brand"],
            attribute=filters["attribute"],
        )
        result = search_listed_products(search=q, sort=sort, in_stock=in_stock_expression(), **listed)
        counted = result.facets()  # one grouped query: the filters beside the list and the count
        page = _paginate(request, result.pages())
        if page.paginator.count:
            facets = facet_links(request, counted)
        else:
            suggestions = _with_stock_flags(list(list_listed_products(sort="bestselling")[:HOME_SHELF_SIZE]))
    title = _("搜索“%(q)s”") % {"q": q} if q else _("搜索商品")
    meta = page_meta(
        request, _page_title(title), _("在%(shop)s搜索商品。") % {"shop": get_shop_profile().name}, noindex=True
    )
    return (
        "storefront/search.html",
        {
            "meta": meta,
            "q": q,
            "page": page,
            "sort": sort,
            "sort_choices": _search_sort_choices(),
            "corrected_from": result.corrected_from if result else "",
            "searched": result.query if result else q,
            "facets": facets,
            "suggestions": suggestions,
        },
        None,
    )


@require_GET
def product(request, slug):
    return _cached(request, "product", lambda: _product(request, slug))


def _product(request, slug):
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
    meta = page_meta(
        request, _page_title(title), description, og_type="product", image=images[0].image.url if images else ""
    )
    return (
        "storefront/product.html",
        {
            "meta": meta,
            "product": product,
            "images": images,
            "choices": choices,
            "selected": selected,
            "in_stock": selected is not None,
            "breadcrumbs": get_category_tree().path_to(product.category_id),
            "json_ld": product_json_ld(
                product=product, variants=variants, available=available, url=url, image_urls=image_urls
            ),
            "form": AddToCartForm(initial={"quantity": 1}),
            "bought_together": _with_stock_flags(list_bought_together(product)),
            "promotions": list_promotions_for_product(product),
            **_product_reviews(request, product),
        },
        page_cache.seconds_until(get_next_promotion_change()),
    )


def _product_reviews(request, product) -> dict:
    """The product's visible reviews (reviews app): average, count, one page (?reviews=N). A new or
    hidden review bumps the page version (reviews migration 0002), so the cached page follows."""
    from dianpu.reviews import queries as reviews

    try:
        page = max(1, min(int(request.GET.get("reviews", 1)), reviews.MAX_PAGES))
    except (TypeError, ValueError):
        page = 1
    rating = reviews.get_product_rating(product.pk)
    pages = reviews.count_pages(rating.count)
    page = min(page, pages)
    return {
        "rating": rating,
        "reviews": reviews.list_product_reviews(product.pk, page=page),
        "reviews_page": page,
        "reviews_pages": pages,
    }


# --- cart -----------------------------------------------------------------------------------------


@require_GET
def cart(request):
    open_cart = get_open_cart(_cart_token(request))
    summary = get_cart_summary(open_cart) if open_cart else None
    meta = page_meta(request, _page_title(_("购物车")), noindex=True)
    return _render(
        request, "storefront/cart.html", {"meta": meta, "summary": summary, "pricing": price_summary(request, summary)}
    )


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
    try:
        shopping_cart, _line = add_to_open_cart(_cart_token(request), sku=sku, quantity=quantity, variant=variant)
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
            messages.success(request, _("已删除该商品。") if form.cleaned_data["quantity"] == 0 else _("数量已更新。"))
    return redirect("storefront:cart")


# --- checkout -------------------------------------------------------------------------------------


def _shipping_options(summary, province: str, pricing=None, methods=None) -> list[dict]:
    """Each method with its fee for this cart's weight and the province typed so far, and the
    order total with it after the cart's discounts (shipping discounts such as 包邮 are shown on
    the summary for the selected method). `methods`: the active methods, when just read."""
    weight = sum(ln.weight_grams * ln.quantity for ln in summary.lines)
    discount = pricing["result"].discount_total if pricing else 0
    # A method's "free over ¥X" counts the merchandise after discounts (as checkout charges it).
    options = list_shipping_options(
        summary.subtotal - discount, weight_grams=weight, province=province, methods=methods
    )
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
    return _(
        "很抱歉，「%(name)s」库存不足，目前只剩 %(available)s 件。请修改购物车中的数量后再提交，订单尚未创建。"
    ) % {"name": name, "available": exc.extra.get("available", 0)}


def _name_cart_lines(errors: dict[str, str], summary) -> dict[str, str]:
    """ "lines.0.sku: gone" becomes "纯棉T恤 S: gone", so the shopper knows which line."""
    named = {}
    for key, message in errors.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(summary.lines):
            line = summary.lines[int(parts[1])]
            message = f"{line.product_name} {line.variant_label}".strip() + f"：{message}"
        named[key] = message
    return named


def _is_phone(request) -> bool:
    return classify_device(request.headers.get("User-Agent", "")) in (Device.MOBILE, Device.TABLET)


def _payment_methods_for(request) -> list[dict]:
    methods = list_payment_methods()
    if is_wechat_browser(request):
        methods = [m for m in methods if m["code"] not in BLOCKED_IN_WECHAT]
    if _is_phone(request) or is_wechat_browser(request):
        rank = {code: i for i, code in enumerate(PHONE_FIRST_METHODS)}
        methods.sort(key=lambda m: rank.get(m["code"], len(rank)))  # stable: the others keep their order
    return methods


@require_http_methods(["GET", "POST"])
def checkout(request):
    open_cart = get_open_cart(_cart_token(request))
    # Placing an order needs only the SKUs and quantities (checkout reads prices and stock again):
    # the summary with pictures and stock is built for the page, when it is shown.
    summary = get_cart_summary(open_cart) if open_cart and request.method == "GET" else None
    items = summary.lines if summary else list_cart_items(open_cart) if open_cart else []
    if not items:
        messages.info(request, _("购物车是空的，先去挑选商品吧。"))
        return redirect("storefront:cart")
    errors: list[str] = []
    customer = current_customer(request)
    methods = None  # the active shipping methods with their rates, read once for the page
    if request.method == "GET":
        methods = list_shipping_methods()
        payment_methods = _payment_methods_for(request)
        record_server_event(request, "checkout_start")
        address = customer.addresses.first() if customer else None
        form = CheckoutForm(
            initial={
                "email": customer.email if customer else "",
                **(
                    {
                        k: getattr(address, k)
                        for k in ("name", "phone", "province", "city", "district", "line1", "line2", "postcode")
                    }
                    if address
                    else {}
                ),
                "country": address.country if address else "CN",
                "shipping_method": methods[0].code if methods else "",
                "payment_method": payment_methods[0]["code"] if payment_methods else "",
            }
        )
    else:
        form = CheckoutForm(request.POST)
        form.is_valid()  # every field is optional here: the checkout service judges the whole request
        data = form.cleaned_data
        checkout_request = request_from_cart(
            items,
            email=data.get("email", ""),
            shipping_address=form.shipping_address(),
            shipping_method=data.get("shipping_method", ""),
            payment_method=data.get("payment_method", ""),
            note=data.get("note", ""),
            language=get_language(),
            coupon_codes=coupon_codes(request),
            customer_id=customer.pk if customer else None,
            points=data.get("points") or 0,
        )
        jsapi = pays_by_jsapi(request, checkout_request.payment_method)
        openid = buyer_openid(request) if jsapi else ""
        try:
            placed = place_order(
                checkout_request,
                ip_address=client_ip(request),
                attribution=order_attribution(request),
                mobile=_is_phone(request),
                openid=openid,
                defer_payment=jsapi and not openid,
                # the cart becomes the order in the order's own transaction (one commit, not two)
                also=lambda order: mark_checked_out(open_cart, order_number=order.number, email=order.email),
            )
        except ValidationFailed as exc:
            summary = get_cart_summary(open_cart)
            errors = [str(exc.detail), *form.attach_errors(_name_cart_lines(exc.errors, summary))]
        except InsufficientStockError as exc:
            summary = get_cart_summary(open_cart)
            errors = [_out_of_stock_message(exc, summary)]
        except DomainError as exc:
            errors = [str(exc.detail)]
        else:
            number = placed.order.number
            record_server_event(request, "purchase", order_id=placed.order.pk)
            request.session.pop(SESSION_CART, None)
            request.session.pop("coupon_codes", None)
            _remember_order(request, number)
            return redirect("storefront:order-confirmation", number=number)
        if EMAIL.match((data.get("email") or "").strip()):
            remember_email(open_cart, data["email"].strip().lower())  # for abandoned-cart recovery
        summary = summary or get_cart_summary(open_cart)
        payment_methods = _payment_methods_for(request)
    meta = page_meta(request, _page_title(_("结算")), noindex=True)
    province = str(form["province"].value() or "")
    selected_shipping = form["shipping_method"].value()
    methods = list_shipping_methods() if methods is None else methods
    pricing = price_summary(
        request, summary, shipping_method=selected_shipping or "", province=province, shipping_methods=methods
    )
    options = _shipping_options(summary, province, pricing, methods)
    return _render(
        request,
        "storefront/checkout.html",
        {
            "pricing": pricing,
            "customer": customer,
            "meta": meta,
            "form": form,
            "summary": summary,
            "errors": errors,
            "shipping_options": options,
            "payment_methods": payment_methods,
            "selected_shipping": selected_shipping,
            "selected_payment": form["payment_method"].value(),
            "selected_option": next((o for o in options if o["method"].code == selected_shipping), None),
            "blocked_in_wechat": is_wechat_browser(request)
            and any(m["code"] in BLOCKED_IN_WECHAT for m in list_payment_methods()),
            "points_per_yuan": settings.POINTS_PER_YUAN,
        },
        status=422 if errors else 200,
    )


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
        rows.append(
            {
                "carrier": (carrier.name_en if english else carrier.name) if carrier else code,
                "number": number,
                "url": carrier.tracking_url(number) if carrier else "",
                "events": scans.get(shipment_id, []),
            }
        )
    return rows


def _shipping_method_name(code: str) -> str:
    try:
        return str(get_shipping_method(code).display_name)
    except DomainError:  # switched off or gone since: the code the order names
        return code


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
    awaiting = order.status == Order.Status.PENDING_PAYMENT
    jsapi = pays_by_jsapi(request, order.payment_method)
    payment = (
        payment_start_for(
            payment_method=order.payment_method,
            order_number=order.number,
            amount=order.grand_total,
            email=order.email,
            language=get_language(),
            client_ip=client_ip(request),
            mobile=_is_phone(request),
            openid=buyer_openid(request) if jsapi else "",
        )
        if awaiting
        else None
    )
    meta = page_meta(request, _page_title(_("下单成功")), noindex=True)
    wechat_oauth = awaiting and payment is None and needs_wechat_oauth(request, order.payment_method)
    return _render(
        request,
        "storefront/order_confirmation.html",
        {
            "meta": meta,
            "order": order,
            "payment": payment,
            "qr_svg": _qr_svg(payment),
            "wechat_oauth": wechat_oauth,
            "wechat_oauth_auto": wechat_oauth and request.session.pop("wechat_oauth_failed", None) != order.number,
            "pay_again": awaiting
            and payment is None
            and not wechat_oauth
            and can_pay_again(payment_method=order.payment_method, order_number=order.number),
            "payment_name": (gateway.name_en if get_language().startswith("en") else gateway.name) if gateway else "",
            "shipping_name": _shipping_method_name(order.shipping_method),
            "status_url": reverse("storefront:order-status")
            + "?"
            + urlencode({"number": order.number, "email": order.email}),
        },
    )


def _qr_svg(payment) -> str:
    """A WeChat Pay Native code_url drawn as an inline SVG QR code (made here, no outside service)."""
    code_url = payment.client_data.get("code_url", "") if payment else ""
    if not code_url:
        return ""
    import segno

    return segno.make(code_url, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff")


@require_POST
def order_pay(request, number):
    """ "Pay again": start the online payment of an order awaiting payment (the gateway did not
    answer at checkout). The buyer's own session, or the order's e-mail (order-status page)."""
    email = (request.POST.get("email") or "").strip()
    own = number in request.session.get(SESSION_ORDERS, [])
    if not own and _lookup_refused(request, number):
        return _not_found(request)
    order = get_order_for_customer(number, email) if email else None
    if order is None and own:
        try:
            order = get_order(number)
        except NotFoundError:
            order = None
    if order is None:
        _count_lookup_failure(request, number)
        return _not_found(request)
    jsapi = pays_by_jsapi(request, order.payment_method)
    if jsapi and not buyer_openid(request):  # inside WeChat: the order page leads to WeChat's OAuth first
        _remember_order(request, order.number)
        return redirect("storefront:order-confirmation", number=order.number)
    try:
        pay_order(
            order,
            language=get_language(),
            client_ip=client_ip(request),
            mobile=_is_phone(request),
            openid=buyer_openid(request) if jsapi else "",
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    if not own:
        _remember_order(request, order.number)  # the confirmation page shows how to pay it
    return redirect("storefront:order-confirmation", number=order.number)


def _pays_online(order: Order) -> bool:
    """Awaiting a payment at an online gateway: the order page offers to pay (again)."""
    gateway = get_gateway(order.payment_method)
    return order.status == Order.Status.PENDING_PAYMENT and gateway is not None and not gateway.offline


def _lookup_refused(request, number: str) -> bool:
    return throttling.is_order_lookup_refused(number, client_ip(request))


def _count_lookup_failure(request, number: str) -> None:
    throttling.record_order_lookup_failure(number, client_ip(request))


@require_http_methods(["GET", "POST"])
def order_status(request):
    source = request.POST if request.method == "POST" else request.GET
    order, error = None, ""
    if "number" in source or "email" in source:
        form = OrderLookupForm(source)
        if form.is_valid():
            number = form.cleaned_data["number"]
            if throttling.is_order_lookup_refused(number, client_ip(request)):
                error = _("查询失败次数过多，请 15 分钟后再试。")
            else:
                order = get_order_for_customer(number, form.cleaned_data["email"])
                if order is None:
                    throttling.record_order_lookup_failure(number, client_ip(request))
                    error = _("没有找到与该订单号和邮箱相符的订单，请核对后重试。")
    else:
        form = OrderLookupForm()
    context = {
        "form": form,
        "order": order,
        "error": error,
        "meta": page_meta(
            request,
            _page_title(_("订单查询")),
            _("输入订单号和下单邮箱，查看订单状态和物流信息。"),
            noindex=order is not None,
        ),
    }
    if order is not None:
        context.update(
            history=[{"status": _status_label(h.to_status), "at": h.created_at} for h in order.history.all()],
            tracking=_tracking(order),
            shipping_name=_shipping_method_name(order.shipping_method),
            after_sales=after_sales_context(order),
            lookup_email=form.cleaned_data["email"],
            pay_again=_pays_online(order),
            invoice=invoice_context(order),
        )
    return _render(request, "storefront/order_status.html", context, status=200)
