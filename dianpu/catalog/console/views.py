"""Product pages of the console. Each view parses the form, checks the permission of every field
the user actually changed (like the API), calls one service and maps its errors to messages."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import forbidden, staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.catalog import queries, services
from dianpu.catalog.messages import MESSAGES
from dianpu.catalog.models import Product
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.http import client_ip
from dianpu.core.uploads import MB, UploadLimits, read_upload
from dianpu.inventory.queries import get_available_by_variant, get_on_hand_by_variant
from dianpu.inventory.services import (
    create_product_with_stock,
    get_default_warehouse,
    update_product_and_stock,
)

from .forms import (
    PRICE_FIELDS,
    PRODUCT_HTML_FIELDS,
    PRODUCT_TEXT_FIELDS,
    ExistingVariantForm,
    ImageForm,
    ProductFilterForm,
    ProductForm,
    VariantForm,
    format_options,
    normalize_text,
    parse_tags,
    variant_formset,
)

PAGE_SIZE = 25
CreateVariantFormSet = variant_formset(VariantForm, extra=1, min_num=1)
ExistingVariantFormSet = variant_formset(ExistingVariantForm, extra=0)
NewVariantFormSet = variant_formset(VariantForm, extra=1)

IMAGE_LIMITS = UploadLimits(max_bytes=20 * MB)


def _get_product(slug: str) -> Product:
    try:
        return queries.get_product(slug)
    except NotFoundError as exc:
        raise Http404(str(exc.detail)) from exc


def _grants(user) -> dict[str, bool]:
    return {
        "change_product": user.has_perm(roles.CHANGE_PRODUCT),
        "change_price": user.has_perm(roles.CHANGE_PRICE),
        "publish": user.has_perm(roles.PUBLISH_PRODUCT),
        "adjust_stock": user.has_perm(roles.ADJUST_STOCK),
        "delete": user.has_perm(roles.DELETE_PRODUCT),
        "add": user.has_perm(roles.ADD_PRODUCT),
        "view_stock": user.has_perm(roles.VIEW_STOCK),
    }


# --- list -----------------------------------------------------------------------------------


@staff_permission_required(roles.VIEW_CATALOG)
def product_list(request):
    filters = ProductFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    products = queries.list_products_for_staff(
        search=cleaned.get("q") or "", status=cleaned.get("status") or "", category=cleaned.get("category")
    )
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    on_hand = get_on_hand_by_variant([v.id for p in rows for v in p.variants.all()])
    items = []
    for product in rows:
        variants = list(product.variants.all())
        prices = [v.price for v in variants if v.is_active] or [v.price for v in variants]
        images = list(product.images.all())
        items.append(
            {
                "product": product,
                "image": images[0] if images else None,
                "min_price": min(prices) if prices else None,
                "max_price": max(prices) if prices else None,
                "stock": sum(on_hand.get(v.id, 0) for v in variants),
                "sku_count": len(variants),
                "first_sku": variants[0].sku if variants else "",
            }
        )
    return render(
        request,
        "catalog/console/product_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "items": items,
            "can": _grants(request.user),
        },
    )


# --- create ---------------------------------------------------------------------------------


def _variant_inputs(rows) -> list[services.VariantInput]:
    return [
        services.VariantInput(
            sku=r["sku"],
            price=r["price"],
            options=r["options"],
            options_en=r.get("options_en") or {},
            compare_at_price=r.get("compare_at_price"),
            cost_price=r.get("cost_price") or 0,
            weight_grams=r.get("weight_grams") or 0,
            barcode=r.get("barcode") or "",
        )
        for r in rows
    ]


def _filled_rows(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and f.cleaned_data.get("sku")]


def _with_extra_row(data, prefix: str):
    """The same POST with one more (blank) row: "add a SKU row" without JavaScript."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(int(data.get(key, "0")) + 1)
    except ValueError:
        pass
    return data


@staff_permission_required(roles.ADD_PRODUCT)
def product_create(request):
    can = _grants(request.user)
    error, show_errors, status = "", True, 200
    if request.method == "POST":
        data = request.POST.copy()
        data.setdefault("status", Product.Status.DRAFT)
        if "add_row" in data:
            data, show_errors = _with_extra_row(data, "variants"), False
        form = ProductForm(data)
        formset = CreateVariantFormSet(data, prefix="variants")
        if show_errors and form.is_valid() and formset.is_valid():
            rows = _filled_rows(formset)
            stock_by_sku = {r["sku"]: r.get("stock") or 0 for r in rows}
            needed = []
            if form.cleaned_data["status"] == Product.Status.LISTED and not can["publish"]:
                needed.append(roles.PUBLISH_PRODUCT)
            if any(stock_by_sku.values()) and not can["adjust_stock"]:
                needed.append(roles.ADJUST_STOCK)
            if needed:
                return forbidden(request, *needed)
            c = form.cleaned_data
            try:
                product = create_product_with_stock(
                    actor=request.user,
                    stock_by_sku=stock_by_sku,
                    ip_address=client_ip(request),
                    name=c["name"],
                    name_en=c["name_en"],
                    description=c["description"],
                    description_en=c["description_en"],
                    brand=c["brand"],
                    category=c["category"],
                    tags=parse_tags(c["tags"]),
                    status=c["status"],
                    seo_title=c["seo_title"],
                    seo_description=c["seo_description"],
                    variants=_variant_inputs(rows),
                )
            except DomainError as exc:
                error, status = str(exc.detail), exc.status
            else:
                messages.success(request, _("商品「%(name)s」已创建。") % {"name": product.name})
                return redirect("console:catalog:product-edit", slug=product.slug)
        elif show_errors:
            status = 422
    else:
        form = ProductForm(initial={"status": Product.Status.DRAFT})
        formset = CreateVariantFormSet(prefix="variants")
    if not can["publish"]:
        form.fields["status"].choices = [c for c in Product.Status.choices if c[0] != Product.Status.LISTED]
    if not can["adjust_stock"]:
        for f in [*formset.forms, formset.empty_form]:
            f.lock(["stock"])
    return render(
        request,
        "catalog/console/product_form.html",
        {
            "form": form,
            "formset": formset,
            "creating": True,
            "can": can,
            "error": error,
            "show_errors": show_errors,
            "brand_names": queries.list_brand_names(),
        },
        status=status,
    )


# --- edit -----------------------------------------------------------------------------------


def _default_on_hand(variants) -> dict[int, int]:
    """On hand in the default warehouse (the one a console edit sets) per variant id."""
    return get_on_hand_by_variant([v.id for v in variants], warehouse=get_default_warehouse())


def _product_initial(product: Product) -> dict:
    return {
        "name": product.name,
        "name_en": product.name_en,
        "brand": product.brand,
        "category": product.category_id or "",
        "tags": ", ".join(t.name for t in product.tags.all()),
        "status": product.status,
        "description": product.description,
        "description_en": product.description_en,
        "seo_title": product.seo_title,
        "seo_description": product.seo_description,
        "version": product.version,
        "reason": "",
    }


def _variant_initial(variants, on_hand) -> list[dict]:
    return [
        {
            "sku": v.sku,
            "options": format_options(v.options),
            "options_en": format_options(v.options_en),
            "price": v.price,
            "compare_at_price": v.compare_at_price if v.compare_at_price is not None else "",
            "cost_price": v.cost_price,
            "weight_grams": v.weight_grams,
            "barcode": v.barcode,
            "stock": on_hand.get(v.id, 0),
        }
        for v in variants
    ]


def _merged_post(post, product_initial: dict, variant_initial: list[dict]) -> dict:
    """The POST, with fields a browser did not send (disabled inputs) taken as unchanged."""
    data = {k: "" if v is None else str(v) for k, v in product_initial.items()}
    for i, row in enumerate(variant_initial):
        data.update({f"variants-{i}-{k}": "" if v is None else str(v) for k, v in row.items()})
    data.update(
        {
            "variants-TOTAL_FORMS": str(len(variant_initial)),
            "variants-INITIAL_FORMS": str(len(variant_initial)),
            "new-TOTAL_FORMS": "0",
            "new-INITIAL_FORMS": "0",
        }
    )
    data.update({key: post.get(key) for key in post})
    return data


class Changes:
    """What an edit changes, and the permissions those changes need."""

    def __init__(self):
        self.product: dict = {}
        self.variants: dict[str, dict] = {}
        self.stock: dict[str, int] = {}
        self.new_rows: list[dict] = []
        self.needed: set[str] = set()

    def __bool__(self):
        return bool(self.product or self.variants or self.stock or self.new_rows)


def _diff(product: Product, variants, on_hand, form, existing, new) -> Changes:
    changes = Changes()
    c = form.cleaned_data
    for name in (*PRODUCT_TEXT_FIELDS, *PRODUCT_HTML_FIELDS):
        if normalize_text(c[name]) != normalize_text(getattr(product, name)):
            changes.product[name] = c[name].replace("\r\n", "\n")
            changes.needed.add(roles.CHANGE_PRODUCT)
    if (c["category"].pk if c["category"] else None) != product.category_id:
        changes.product["category"] = c["category"]
        changes.needed.add(roles.CHANGE_PRODUCT)
    tags = parse_tags(c["tags"])
    if sorted(tags) != sorted(t.name for t in product.tags.all()):
        changes.product["tags"] = tags
        changes.needed.add(roles.CHANGE_PRODUCT)
    if c["status"] != product.status:
        changes.product["status"] = c["status"]
        changes.needed.add(roles.PUBLISH_PRODUCT)
    by_sku = {v.sku: v for v in variants}
    for row in _filled_rows(existing):
        variant = by_sku[row["sku"]]
        fields = {}
        for name in PRICE_FIELDS:
            value = row.get(name)
            if name == "cost_price" and value is None:
                value = variant.cost_price
            if value != getattr(variant, name):
                fields[name] = value
                changes.needed.add(roles.CHANGE_PRICE)
        for name in ("options", "options_en"):
            if (row.get(name) or {}) != (getattr(variant, name) or {}):
                fields[name] = row.get(name) or {}
                changes.needed.add(roles.CHANGE_PRODUCT)
        if row.get("weight_grams") is not None and row["weight_grams"] != variant.weight_grams:
            fields["weight_grams"] = row["weight_grams"]
            changes.needed.add(roles.CHANGE_PRODUCT)
        if normalize_text(row.get("barcode")) != variant.barcode:
            fields["barcode"] = row.get("barcode") or ""
            changes.needed.add(roles.CHANGE_PRODUCT)
        if fields:
            changes.variants[variant.sku] = fields
        if row.get("stock") is not None and row["stock"] != on_hand.get(variant.id, 0):
            changes.stock[variant.sku] = row["stock"]
            changes.needed.add(roles.ADJUST_STOCK)
    for row in _filled_rows(new):
        changes.new_rows.append(row)
        changes.needed.update({roles.CHANGE_PRODUCT, roles.CHANGE_PRICE})
        if row.get("stock"):
            changes.needed.add(roles.ADJUST_STOCK)
    return changes


def _lock_fields(can, form, existing, new) -> None:
    if not can["change_product"]:
        form.lock([*PRODUCT_TEXT_FIELDS, *PRODUCT_HTML_FIELDS, "category", "tags"])
    if not can["publish"]:
        form.lock(["status"])
    locked = []
    if not can["change_price"]:
        locked += list(PRICE_FIELDS)
    if not can["change_product"]:
        locked += ["options", "options_en", "weight_grams", "barcode"]
    if not can["adjust_stock"]:
        locked.append("stock")
    for f in existing.forms:
        f.lock(locked)


def _apply(request, product, form, changes: Changes) -> None:
    reason = form.cleaned_data.get("reason") or ""
    if form.cleaned_data.get("override_floor"):
        for fields in changes.variants.values():
            if any(name in fields for name in PRICE_FIELDS):
                fields["override_floor"] = True
    new_variants = list(
        zip(_variant_inputs(changes.new_rows), (row.get("stock") or 0 for row in changes.new_rows), strict=True)
    )
    update_product_and_stock(
        actor=request.user,
        product=product,
        changes=changes.product,
        variant_changes=changes.variants,
        stock_by_sku=changes.stock,
        expected_version=form.cleaned_data.get("version"),
        reason=reason,
        ip_address=client_ip(request),
        new_variants=new_variants,
    )


@staff_permission_required(roles.VIEW_CATALOG)
def product_edit(request, slug):
    product = _get_product(slug)
    variants = list(product.variants.all())
    on_hand = _default_on_hand(variants)
    can = _grants(request.user)
    product_initial = _product_initial(product)
    variant_initial = _variant_initial(variants, on_hand)
    error, show_errors, status = "", True, 200
    if request.method == "POST":
        data = _merged_post(request.POST, product_initial, variant_initial)
        if "add_row" in data:
            data, show_errors = _with_extra_row(data, "new"), False
        form = ProductForm(data)
        existing = ExistingVariantFormSet(data, prefix="variants")
        new = NewVariantFormSet(data, prefix="new")
        known = {v.sku for v in variants}
        valid = form.is_valid() & existing.is_valid() & new.is_valid()
        if valid:
            for f in existing.forms:
                if f.cleaned_data.get("sku") and f.cleaned_data["sku"] not in known:
                    f.add_error(None, _("未知的 SKU：%(sku)s") % {"sku": f.cleaned_data["sku"]})
                    valid = False
            for f in new.forms:
                if f.cleaned_data.get("sku") in known:
                    f.add_error("sku", MESSAGES["sku_taken"])
                    valid = False
        if show_errors and valid:
            changes = _diff(product, variants, on_hand, form, existing, new)
            missing = sorted(p for p in changes.needed if not request.user.has_perm(p))
            if missing:
                return forbidden(request, *missing)
            if not changes:
                messages.info(request, MESSAGES["nothing_to_change"])
                return redirect("console:catalog:product-edit", slug=product.slug)
            try:
                _apply(request, product, form, changes)
            except DomainError as exc:
                error, status = str(exc.detail), exc.status
            else:
                messages.success(request, _("商品「%(name)s」已保存。") % {"name": product.name})
                return redirect("console:catalog:product-edit", slug=product.slug)
        elif show_errors:
            status = 422
    else:
        form = ProductForm(initial=product_initial)
        existing = ExistingVariantFormSet(initial=variant_initial, prefix="variants")
        new = NewVariantFormSet(prefix="new")
    _lock_fields(can, form, existing, new)
    available = get_available_by_variant([v.id for v in variants])
    rows = [
        {"form": f, "variant": v, "available": available.get(v.id, 0)}
        for f, v in zip(existing.forms, variants, strict=True)
    ]
    return render(
        request,
        "catalog/console/product_form.html",
        {
            "product": product,
            "form": form,
            "formset": existing,
            "new_formset": new,
            "rows": rows,
            "creating": False,
            "can": can,
            "error": error,
            "show_errors": show_errors,
            "can_add_variants": can["change_product"] and can["change_price"],
            "image_form": ImageForm(),
            "images": list(product.images.all()),
            "findings": queries.get_listing_findings(product),
            "brand_names": queries.list_brand_names(),
            "english": (request.LANGUAGE_CODE or "").startswith("en"),
            **_complaints(request.user, product),
            **_review_themes(product),
        },
        status=status,
    )


def _complaints(user, product) -> dict:
    """Customers' complaints about this product (the service desk's classification), for those who
    may read conversations."""
    if not user.has_perm(roles.ANSWER_CONVERSATIONS):
        return {}
    from dianpu.support.queries import count_product_complaints, list_product_complaints

    return {
        "complaints": list_product_complaints(product, limit=20),
        "complaint_count": count_product_complaints(product),
    }


def _review_themes(product) -> dict:
    """What the product's low- and high-rated reviews keep saying (reviews app), beside its complaints."""
    if product is None or not product.pk:
        return {}
    from dianpu.reviews.queries import get_product_rating, get_review_themes

    return {"review_themes": get_review_themes(product.pk), "review_rating": get_product_rating(product.pk)}


@require_POST
@staff_permission_required(roles.CHANGE_PRODUCT)
def product_image_add(request, slug):
    product = _get_product(slug)
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("console:catalog:product-edit", slug=product.slug)
    upload = form.cleaned_data["image"]
    upload.seek(0)
    try:
        services.add_product_image(
            actor=request.user,
            product=product,
            filename=upload.name,
            data=read_upload(upload, IMAGE_LIMITS),
            alt_text=form.cleaned_data["alt_text"],
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("图片已上传。"))
    return redirect("console:catalog:product-edit", slug=product.slug)


@staff_permission_required(roles.DELETE_PRODUCT)
def product_delete(request, slug):
    product = _get_product(slug)
    if request.method == "POST":
        name = product.name
        try:
            services.delete_product(actor=request.user, product=product, ip_address=client_ip(request))
        except DomainError as exc:
            messages.error(request, exc.detail)
            return redirect("console:catalog:product-edit", slug=product.slug)
        messages.success(request, _("商品「%(name)s」已删除。") % {"name": name})
        return redirect("console:catalog:product-list")
    return render(request, "catalog/console/product_delete.html", {"product": product})
