"""Products and categories: public reads, staff writes (role-checked)."""

import math

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from dianpu.accounts.auth import StaffToken, require_perm, user_from_bearer
from dianpu.accounts.domain import roles
from dianpu.core import clock
from dianpu.core.bounds import PageNumber
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.http import client_ip
from dianpu.core.uploads import read_upload
from dianpu.inventory.queries import (
    get_available_by_variant,
    get_in_stock_product_ids,
    get_on_hand_by_variant,
    in_stock_expression,
)
from dianpu.inventory.services import create_product_with_stock, update_product_and_stock

from . import bulk, exports, imports, queries, services, tasks
from .messages import MESSAGES, SEO_ISSUES
from .models import Category, ImportJob, MarginRule, Product
from .schemas import (
    AuditRowOut,
    BannedWordIn,
    BannedWordOut,
    BrandIn,
    BrandOut,
    BrandPatch,
    BulkActionIn,
    BulkPreviewOut,
    BulkResult,
    CategoryOut,
    ImageOrderIn,
    ImportJobOut,
    MarginRuleIn,
    MarginRuleOut,
    PriceHistoryOut,
    ProductDetail,
    ProductIn,
    ProductList,
    ProductPatch,
    StaffProductDetail,
)

IMPORT_PERMISSIONS = (roles.ADD_PRODUCT, roles.CHANGE_PRODUCT, roles.CHANGE_PRICE, roles.PUBLISH_PRODUCT)

router = Router(tags=["catalog"])
PAGE_SIZE = 24


class ProductFilters(Schema):
    search: str = ""
    category: str = ""
    sort: str = ""  # newest; a search ranks by relevance unless a sort is given
    page: PageNumber = 1
    page_size: int = PAGE_SIZE


def product_url(request: HttpRequest, product: Product) -> str:
    return request.build_absolute_uri(reverse("storefront:product", args=[product.slug]))


def _image_url(request, field) -> str:
    return request.build_absolute_uri(field.url) if field else ""


@router.get("/products", response=ProductList, summary="List listed products (search, category, sort, page)")
def list_products(request, filters: Query[ProductFilters]):
    category = queries.get_category(filters.category) if filters.category else None
    result = queries.search_listed_products(
        category=category, search=filters.search, sort=filters.sort, in_stock=in_stock_expression()
    )
    size = max(1, min(filters.page_size, 100))
    count = result.count()
    page = max(1, filters.page)
    rows = result.slice((page - 1) * size, page * size)
    in_stock = get_in_stock_product_ids([p.id for p in rows])
    items = []
    for p in rows:
        images = list(p.images.all())
        items.append(
            {
                "slug": p.slug,
                "name": p.name,
                "name_en": p.name_en,
                "price": p.min_price,
                "in_stock": p.id in in_stock,
                "url": product_url(request, p),
                "image": _image_url(request, images[0].thumbnail) if images else None,
                "category": p.category.slug if p.category else None,
            }
        )
    return {"items": items, "count": count, "page": page, "pages": max(1, math.ceil(count / size))}


def _detail(request, product: Product, staff: bool) -> dict:
    variants = list(product.variants.all())
    available = get_available_by_variant([v.id for v in variants])
    on_hand = get_on_hand_by_variant([v.id for v in variants]) if staff else {}
    return {
        "slug": product.slug,
        "name": product.name,
        "name_en": product.name_en,
        "description": product.description,
        "description_en": product.description_en,
        "brand": product.brand,
        "status": product.status,
        "category": product.category.slug if product.category else None,
        "tags": [t.name for t in product.tags.all()],
        "url": product_url(request, product),
        "price": product.min_price,
        "in_stock": any(available.get(v.id, 0) > 0 for v in variants if v.is_active),
        "version": product.version,
        "seo_title": product.seo_title,
        "seo_description": product.seo_description,
        "images": [
            {
                "id": i.pk,
                "url": _image_url(request, i.image),
                "thumbnail_url": _image_url(request, i.thumbnail),
                "alt": i.alt_text,
            }
            for i in product.images.all()
        ],
        "variants": [
            {
                "sku": v.sku,
                "options": v.options,
                "price": v.price,
                "selling_price": v.selling_price,
                "compare_at_price": v.compare_at_price,
                "stock_available": available.get(v.id, 0),
                "in_stock": available.get(v.id, 0) > 0,
                "weight_grams": v.weight_grams,
                "barcode": v.barcode,
                **(
                    {
                        "cost_price": v.cost_price,
                        "stock_on_hand": on_hand.get(v.id, 0),
                        "is_active": v.is_active,
                        "sale_price": v.sale_price,
                        "member_price": v.member_price,
                    }
                    if staff
                    else {}
                ),
            }
            for v in variants
        ],
        **(
            {
                "scheduled_list_at": product.scheduled_list_at,
                "scheduled_delist_at": product.scheduled_delist_at,
                "attributes": product.attributes or {},
                "banned_words": [
                    _finding(f, (get_language() or "").startswith("en")) for f in queries.get_listing_findings(product)
                ],
            }
            if staff
            else {}
        ),
    }


@router.get(
    "/products/{slug}",
    response=StaffProductDetail | ProductDetail,
    summary="One product with its variants and stock (staff with a token also see drafts, cost and on-hand)",
)
def get_product(request, slug: str):
    staff = user_from_bearer(request)
    if staff is not None and staff.has_perm(roles.VIEW_CATALOG):
        return _detail(request, queries.get_product(slug), staff=True)
    return _detail(request, queries.get_listed_product(slug), staff=False)


@router.get("/categories", response=list[CategoryOut], summary="All categories (a tree by parent slug)")
def list_categories(request):
    return [
        {"slug": c.slug, "name": c.name, "name_en": c.name_en, "parent": c.parent.slug if c.parent else None}
        for c in Category.objects.select_related("parent")
    ]


@router.post("/products", response={201: StaffProductDetail}, auth=StaffToken(), summary="Create a product")
def create_product(request, payload: ProductIn):
    require_perm(request.auth, roles.ADD_PRODUCT)
    if payload.status == Product.Status.LISTED:
        require_perm(request.auth, roles.PUBLISH_PRODUCT)
    if any(v.stock for v in payload.variants):
        require_perm(request.auth, roles.ADJUST_STOCK)
    category = queries.get_category(payload.category) if payload.category else None
    product = create_product_with_stock(
        actor=request.auth,
        stock_by_sku={v.sku: v.stock for v in payload.variants},
        ip_address=client_ip(request),
        name=payload.name,
        name_en=payload.name_en,
        description=payload.description,
        description_en=payload.description_en,
        brand=payload.brand,
        category=category,
        tags=payload.tags,
        status=payload.status,
        slug=payload.slug,
        seo_title=payload.seo_title,
        seo_description=payload.seo_description,
        variants=[
            services.VariantInput(
                sku=v.sku,
                price=v.price,
                options=v.options,
                compare_at_price=v.compare_at_price,
                cost_price=v.cost_price,
                weight_grams=v.weight_grams,
                barcode=v.barcode,
                sale_price=v.sale_price,
                member_price=v.member_price,
            )
            for v in payload.variants
        ],
    )
    return Status(201, _detail(request, queries.get_product(product.slug), staff=True))


PRICE_FIELDS = ("price", "sale_price", "member_price", "compare_at_price", "cost_price", "override_floor")


@router.patch(
    "/products/{slug}",
    response=StaffProductDetail,
    auth=StaffToken(),
    summary="Change a product: fields need change_product, status publish_product, prices change_price, stock adjust_stock",
)
def patch_product(request, slug: str, payload: ProductPatch):
    user = request.auth
    if not any(
        user.has_perm(p) for p in (roles.CHANGE_PRODUCT, roles.PUBLISH_PRODUCT, roles.CHANGE_PRICE, roles.ADJUST_STOCK)
    ):
        require_perm(user, roles.CHANGE_PRODUCT)  # none of them: 403 before anything is looked up
    product = queries.get_product(slug)
    data = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in data.items() if k not in {"variants", "version", "reason"}}
    schedule = {"status", "scheduled_list_at", "scheduled_delist_at"}
    if set(changes) & schedule:
        require_perm(user, roles.PUBLISH_PRODUCT)
    if set(changes) - schedule:
        require_perm(user, roles.CHANGE_PRODUCT)
    if "category" in changes:
        changes["category"] = queries.get_category(changes["category"]) if changes["category"] else None
    variant_changes, stock = {}, {}
    for v in data.get("variants") or []:
        fields = {k: val for k, val in v.items() if k not in {"sku", "stock"}}
        if not fields.get("override_floor"):
            fields.pop("override_floor", None)
        if any(f in fields for f in PRICE_FIELDS):
            require_perm(user, roles.CHANGE_PRICE)
        if set(fields) - set(PRICE_FIELDS):
            require_perm(user, roles.CHANGE_PRODUCT)
        if v.get("stock") is not None:
            require_perm(user, roles.ADJUST_STOCK)
            stock[v["sku"]] = v["stock"]
        if fields:
            variant_changes[v["sku"]] = fields
    if not changes and not variant_changes and not stock:
        raise DomainError(MESSAGES["nothing_to_change"], code="nothing_to_change", status=422)
    update_product_and_stock(
        actor=user,
        product=product,
        changes=changes,
        variant_changes=variant_changes,
        stock_by_sku=stock,
        expected_version=payload.version,
        reason=payload.reason,
        ip_address=client_ip(request),
    )
    return _detail(request, queries.get_product(product.slug), staff=True)


@router.delete("/products/{slug}", response={204: None}, auth=StaffToken(), summary="Delete a product")
def delete_product(request, slug: str):
    require_perm(request.auth, roles.DELETE_PRODUCT)
    services.delete_product(actor=request.auth, product=queries.get_product(slug), ip_address=client_ip(request))
    return Status(204, None)


# --- import and export ------------------------------------------------------------------------------


def _job_out(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "filename": job.filename,
        "file_format": job.file_format,
        "state": job.state,
        "dry_run": job.dry_run,
        "skip_bad_rows": job.skip_bad_rows,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "percent": job.percent,
        "summary": job.summary,
        "errors": imports.list_job_errors(job, 1000),
    }


@router.post(
    "/product-imports",
    response={202: ImportJobOut},
    auth=StaffToken(),
    summary="Upload a product file (CSV/XLSX: native, Shopify or WooCommerce); the worker imports it",
)
def create_import(
    request,
    file: File[UploadedFile],
    file_format: Form[str] = "auto",
    skip_bad_rows: Form[bool] = False,
    dry_run: Form[bool] = False,
):
    require_perm(request.auth, *IMPORT_PERMISSIONS)
    job = imports.create_import_job(
        actor=request.auth,
        filename=file.name or "products.csv",
        data=read_upload(file, imports.IMPORT_LIMITS),
        file_format=file_format,
        skip_bad_rows=skip_bad_rows,
        dry_run=dry_run,
        schedule=tasks.run_import_job,
    )
    job.refresh_from_db()
    return Status(202, _job_out(job))


@router.get(
    "/product-imports",
    response=list[ImportJobOut],
    auth=StaffToken(),
    summary="The 50 most recent imports, newest first (errors trimmed to the first 20 each)",
)
def list_imports(request):
    require_perm(request.auth, roles.VIEW_CATALOG)
    return [{**_job_out(job), "errors": imports.list_job_errors(job, 20)} for job in ImportJob.objects.all()[:50]]


@router.get(
    "/product-imports/{job_id}",
    response=ImportJobOut,
    auth=StaffToken(),
    summary="An import's state, progress, summary and errors (line, column, reason)",
)
def get_import(request, job_id: int):
    require_perm(request.auth, roles.VIEW_CATALOG)
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(MESSAGES["job_not_found"], code="job_not_found")
    return _job_out(job)


@router.post(
    "/product-imports/{job_id}/cancel",
    response=ImportJobOut,
    auth=StaffToken(),
    summary="Cancel a queued or running import: it stops at its next progress report and writes nothing "
    "(409 job_finished once it has ended)",
)
def cancel_import(request, job_id: int):
    require_perm(request.auth, *IMPORT_PERMISSIONS)
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(MESSAGES["job_not_found"], code="job_not_found")
    return _job_out(imports.cancel_import_job(job=job, actor=request.auth, ip_address=client_ip(request)))


@router.get(
    "/product-exports",
    auth=StaffToken(),
    summary="Download the catalogue as a file",
    description="file_format: native | shopify | woocommerce; kind: csv | xlsx. Stock is included for "
    "staff who may view stock.",
)
def export_products(request, file_format: str = "native", kind: str = "csv"):
    require_perm(request.auth, roles.VIEW_CATALOG)
    if file_format not in ("native", "shopify", "woocommerce") or kind not in exports.FILE_KINDS:
        raise DomainError(MESSAGES["export_format_invalid"], code="export_format_invalid", status=422)
    stock = get_on_hand_by_variant if request.auth.has_perm(roles.VIEW_STOCK) else None
    data = exports.export_products(file_format, kind, stock_by_variant=stock, image_url=request.build_absolute_uri)
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[kind])
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.export_filename(file_format, kind, clock.now())}"'
    )
    return response


# --- prices -------------------------------------------------------------------------------------------


@router.get(
    "/products/{slug}/price-history",
    response=list[PriceHistoryOut],
    auth=StaffToken(),
    summary="Price changes of a product's SKUs, newest first",
)
def price_history(request, slug: str):
    require_perm(request.auth, roles.VIEW_CATALOG)
    return [
        {
            "sku": h.variant.sku,
            "kind": h.kind,
            "old_amount": h.old_amount,
            "new_amount": h.new_amount,
            "below_floor": h.below_floor,
            "reason": h.reason,
            "actor": h.actor_label,
            "source": h.source,
            "created_at": h.created_at,
        }
        for h in queries.list_price_history(queries.get_product(slug))
    ]


def _rules() -> list[dict]:
    return [
        {"category": r.category.slug if r.category else None, "min_margin_percent": r.min_margin_percent}
        for r in MarginRule.objects.select_related("category").order_by("category_id")
    ]


@router.get(
    "/margin-rules",
    response=list[MarginRuleOut],
    auth=StaffToken(),
    summary="Price floor rules: floor = cost x (1 + minimum margin); a category's rule wins over the shop's",
)
def list_margin_rules(request):
    require_perm(request.auth, roles.VIEW_CATALOG)
    return _rules()


@router.put(
    "/margin-rules",
    response=list[MarginRuleOut],
    auth=StaffToken(),
    summary="Set or remove the shop's or a category's minimum margin (change_price)",
)
def put_margin_rule(request, payload: MarginRuleIn):
    require_perm(request.auth, roles.CHANGE_PRICE)
    category = queries.get_category(payload.category) if payload.category else None
    services.set_margin_rule(
        actor=request.auth,
        category=category,
        min_margin_percent=payload.min_margin_percent,
        ip_address=client_ip(request),
    )
    return _rules()


# --- bulk actions ----------------------------------------------------------------------------------


def _bulk(payload: BulkActionIn):
    category = queries.get_category(payload.category) if payload.category else None
    selection = queries.select_products(
        search=payload.search, status=payload.status, category=category, slugs=payload.slugs
    )
    target = queries.get_category(payload.category_to) if payload.category_to else None
    action = bulk.parse_bulk_action(
        payload.action,
        category=target,
        tag=payload.tag,
        price_kind=payload.price_kind,
        mode=payload.mode,
        value=payload.value if payload.value is not None else "",
    )
    return selection, action


BULK_PERMISSIONS = {
    "list": roles.PUBLISH_PRODUCT,
    "delist": roles.PUBLISH_PRODUCT,
    "move_category": roles.CHANGE_PRODUCT,
    "add_tag": roles.CHANGE_PRODUCT,
    "change_price": roles.CHANGE_PRICE,
}


@router.post(
    "/product-bulk-actions/preview",
    response=BulkPreviewOut,
    auth=StaffToken(),
    summary="What a bulk action would change: old -> new per product or SKU (writes nothing)",
)
def preview_bulk(request, payload: BulkActionIn):
    require_perm(request.auth, roles.VIEW_CATALOG)
    selection, action = _bulk(payload)
    rows = bulk.preview_bulk_action(selection, action)
    return {
        "token": bulk.preview_token(rows),
        "rows": [
            {
                "slug": r.slug,
                "sku": r.sku,
                "field": r.field,
                "old": r.old,
                "new": r.new,
                "below_floor": r.below_floor,
                "floor": r.floor,
                "banned_words": [f.word for f in r.findings],
            }
            for r in rows
        ],
    }


@router.post(
    "/product-bulk-actions",
    response=BulkResult,
    auth=StaffToken(),
    summary="Apply a bulk action to the selection, all or nothing (list/delist: publish_product; "
    "move_category/add_tag: change_product; change_price: change_price)",
)
def apply_bulk(request, payload: BulkActionIn):
    require_perm(request.auth, BULK_PERMISSIONS.get(payload.action, roles.CHANGE_PRODUCT))
    selection, action = _bulk(payload)
    count = bulk.apply_bulk_action(
        actor=request.auth,
        selection=selection,
        action=action,
        reason=payload.reason,
        override_floor=payload.override_floor,
        ip_address=client_ip(request),
        expected_token=payload.preview_token,
    )
    return {"changed_products": count}


# --- SEO and compliance ----------------------------------------------------------------------------


def _finding(f, english: bool) -> dict:
    return {"field": f.field, "word": f.word, "reason": f.reason_en if english else f.reason_zh, "source": f.source}


@router.get(
    "/catalog-audit",
    response=list[AuditRowOut],
    auth=StaffToken(),
    summary="SEO issues and banned words (Advertising Law terms and the shop's own) per product",
)
def catalog_audit(request, status: str = ""):
    require_perm(request.auth, roles.VIEW_CATALOG)
    english = (get_language() or "").startswith("en")
    return [
        {
            "slug": r.slug,
            "name": r.name,
            "status": r.status,
            "seo_issues": [
                {"code": i.code, "text": str(SEO_ISSUES.get(i.code, i.code)), "detail": i.detail} for i in r.seo_issues
            ],
            "banned_words": [_finding(f, english) for f in r.findings],
        }
        for r in queries.get_catalog_audit(status=status)
    ]


@router.get("/banned-words", response=list[BannedWordOut], auth=StaffToken(), summary="The shop's own banned words")
def list_banned_words(request):
    require_perm(request.auth, roles.VIEW_CATALOG)
    return [{"word": w, "reason": r} for w, r in queries.get_shop_banned_words().items()]


@router.post("/banned-words", response={201: BannedWordOut}, auth=StaffToken(), summary="Add a banned word")
def add_banned_word(request, payload: BannedWordIn):
    require_perm(request.auth, roles.MANAGE_BANNED_WORDS)
    word = services.add_banned_word(
        actor=request.auth, word=payload.word, reason=payload.reason, ip_address=client_ip(request)
    )
    return Status(201, {"word": word.word, "reason": word.reason})


@router.delete("/banned-words/{word}", response={204: None}, auth=StaffToken(), summary="Remove a banned word")
def remove_banned_word(request, word: str):
    require_perm(request.auth, roles.MANAGE_BANNED_WORDS)
    services.remove_banned_word(actor=request.auth, word=word, ip_address=client_ip(request))
    return Status(204, None)


# --- duplication and images ------------------------------------------------------------------------


@router.post(
    "/products/{slug}/duplicate",
    response={201: StaffProductDetail},
    auth=StaffToken(),
    summary="Copy a product as a draft with new SKUs (add_product)",
)
def duplicate_product(request, slug: str):
    require_perm(request.auth, roles.ADD_PRODUCT)
    copy = services.duplicate_product(actor=request.auth, product=queries.get_product(slug))
    return Status(201, _detail(request, queries.get_product(copy.slug), staff=True))


@router.put(
    "/products/{slug}/images",
    response=StaffProductDetail,
    auth=StaffToken(),
    summary="Reorder a product's images and set their alt texts (change_product)",
)
def put_images(request, slug: str, payload: ImageOrderIn):
    require_perm(request.auth, roles.CHANGE_PRODUCT)
    product = queries.get_product(slug)
    alt_texts = {}
    for key, text in payload.alt_texts.items():
        if key.isdigit():
            alt_texts[int(key)] = text
    services.update_product_images(actor=request.auth, product=product, order=payload.order, alt_texts=alt_texts)
    return _detail(request, queries.get_product(slug), staff=True)


# --- brands --------------------------------------------------------------------------------------


def _brands(slug: str | None = None) -> list[dict]:
    return [
        {"slug": b.slug, "name": b.name, "name_en": b.name_en, "product_count": b.product_count}
        for b in queries.list_brands(slug=slug)
    ]


@router.get("/brands", response=list[BrandOut], auth=StaffToken(), summary="Brands and how many products name each")
def list_brands(request):
    require_perm(request.auth, roles.VIEW_CATALOG)
    return _brands()


@router.post("/brands", response={201: BrandOut}, auth=StaffToken(), summary="Add a brand (change_product)")
def create_brand(request, payload: BrandIn):
    require_perm(request.auth, roles.CHANGE_PRODUCT)
    brand = services.create_brand(
        actor=request.auth,
        name=payload.name,
        name_en=payload.name_en,
        description=payload.description,
        ip_address=client_ip(request),
    )
    return Status(201, _brands(brand.slug)[0])


@router.patch(
    "/brands/{slug}",
    response=BrandOut,
    auth=StaffToken(),
    summary="Rename a brand; its products are renamed with it (change_product)",
)
def rename_brand(request, slug: str, payload: BrandPatch):
    require_perm(request.auth, roles.CHANGE_PRODUCT)
    services.rename_brand(
        actor=request.auth,
        brand=queries.get_brand(slug),
        name=payload.name,
        name_en=payload.name_en,
        ip_address=client_ip(request),
    )
    return _brands(slug)[0]
