"""Products and categories: public reads, staff writes (role-checked)."""

import math

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status

from dianpu.accounts.auth import StaffToken, require_perm, user_from_bearer
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError
from dianpu.inventory.queries import get_available_by_variant, get_in_stock_product_ids, get_on_hand_by_variant
from dianpu.inventory.services import create_product_with_stock, update_product_and_stock

from . import queries, services
from .messages import MESSAGES
from .models import Category, Product
from .schemas import CategoryOut, ProductDetail, ProductIn, ProductList, ProductPatch, StaffProductDetail

router = Router(tags=["catalog"])
PAGE_SIZE = 24


class ProductFilters(Schema):
    search: str = ""
    category: str = ""
    sort: str = "newest"
    page: int = 1
    page_size: int = PAGE_SIZE


def product_url(request: HttpRequest, product: Product) -> str:
    return request.build_absolute_uri(reverse("storefront:product", args=[product.slug]))


def _image_url(request, field) -> str:
    return request.build_absolute_uri(field.url) if field else ""


@router.get("/products", response=ProductList, summary="List listed products (search, category, sort, page)")
def list_products(request, filters: Query[ProductFilters]):
    category = queries.get_category(filters.category) if filters.category else None
    products = queries.list_listed_products(category=category, search=filters.search, sort=filters.sort)
    size = max(1, min(filters.page_size, 100))
    count = products.count()
    page = max(1, filters.page)
    rows = list(products[(page - 1) * size: page * size])
    in_stock = get_in_stock_product_ids([p.id for p in rows])
    items = []
    for p in rows:
        images = list(p.images.all())
        items.append({
            "slug": p.slug, "name": p.name, "name_en": p.name_en, "price": p.min_price, "in_stock": p.id in in_stock,
            "url": product_url(request, p), "image": _image_url(request, images[0].thumbnail) if images else None,
            "category": p.category.slug if p.category else None,
        })
    return {"items": items, "count": count, "page": page, "pages": max(1, math.ceil(count / size))}


def _detail(request, product: Product, staff: bool) -> dict:
    variants = list(product.variants.all())
    available = get_available_by_variant([v.id for v in variants])
    on_hand = get_on_hand_by_variant([v.id for v in variants]) if staff else {}
    return {
        "slug": product.slug, "name": product.name, "name_en": product.name_en,
        "description": product.description, "description_en": product.description_en, "brand": product.brand,
        "status": product.status, "category": product.category.slug if product.category else None,
        "tags": [t.name for t in product.tags.all()], "url": product_url(request, product),
        "price": product.min_price, "in_stock": any(available.get(v.id, 0) > 0 for v in variants if v.is_active),
        "version": product.version, "seo_title": product.seo_title, "seo_description": product.seo_description,
        "images": [{"url": _image_url(request, i.image), "thumbnail_url": _image_url(request, i.thumbnail),
                    "alt": i.alt_text} for i in product.images.all()],
        "variants": [{
            "sku": v.sku, "options": v.options, "price": v.price, "compare_at_price": v.compare_at_price,
            "stock_available": available.get(v.id, 0), "in_stock": available.get(v.id, 0) > 0,
            "weight_grams": v.weight_grams, "barcode": v.barcode,
            **({"cost_price": v.cost_price, "stock_on_hand": on_hand.get(v.id, 0), "is_active": v.is_active} if staff else {}),
        } for v in variants],
    }


@router.get("/products/{slug}", response=StaffProductDetail | ProductDetail,
            summary="One product with its variants and stock (staff with a token also see drafts, cost and on-hand)")
def get_product(request, slug: str):
    staff = user_from_bearer(request)
    if staff is not None and staff.has_perm(roles.VIEW_CATALOG):
        return _detail(request, queries.get_product(slug), staff=True)
    return _detail(request, queries.get_listed_product(slug), staff=False)


@router.get("/categories", response=list[CategoryOut], summary="All categories (a tree by parent slug)")
def list_categories(request):
    return [{"slug": c.slug, "name": c.name, "name_en": c.name_en, "parent": c.parent.slug if c.parent else None}
            for c in Category.objects.select_related("parent")]


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


@router.post("/products", response={201: StaffProductDetail}, auth=StaffToken(), summary="Create a product")
def create_product(request, payload: ProductIn):
    require_perm(request.auth, roles.ADD_PRODUCT)
    if payload.status == Product.Status.LISTED:
        require_perm(request.auth, roles.PUBLISH_PRODUCT)
    if any(v.stock for v in payload.variants):
        require_perm(request.auth, roles.ADJUST_STOCK)
    category = queries.get_category(payload.category) if payload.category else None
    product = create_product_with_stock(
        actor=request.auth, stock_by_sku={v.sku: v.stock for v in payload.variants}, ip_address=_ip(request), name=payload.name, name_en=payload.name_en, description=payload.description,
        description_en=payload.description_en, brand=payload.brand, category=category, tags=payload.tags,
        status=payload.status, slug=payload.slug, seo_title=payload.seo_title, seo_description=payload.seo_description,
        variants=[services.VariantInput(sku=v.sku, price=v.price, options=v.options, compare_at_price=v.compare_at_price,
                                        cost_price=v.cost_price, weight_grams=v.weight_grams, barcode=v.barcode)
                  for v in payload.variants],
    )
    return Status(201, _detail(request, queries.get_product(product.slug), staff=True))


PRICE_FIELDS = ("price", "compare_at_price", "cost_price")


@router.patch("/products/{slug}", response=StaffProductDetail, auth=StaffToken(),
              summary="Change a product: fields need change_product, status publish_product, prices change_price, stock adjust_stock")
def patch_product(request, slug: str, payload: ProductPatch):
    user = request.auth
    product = queries.get_product(slug)
    data = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in data.items() if k not in {"variants", "version", "reason"}}
    if "status" in changes:
        require_perm(user, roles.PUBLISH_PRODUCT)
    if set(changes) - {"status"}:
        require_perm(user, roles.CHANGE_PRODUCT)
    if "category" in changes:
        changes["category"] = queries.get_category(changes["category"]) if changes["category"] else None
    variant_changes, stock = {}, {}
    for v in data.get("variants") or []:
        fields = {k: val for k, val in v.items() if k not in {"sku", "stock"}}
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
    update_product_and_stock(actor=user, product=product, changes=changes, variant_changes=variant_changes,
                             stock_by_sku=stock, expected_version=payload.version, reason=payload.reason,
                             ip_address=_ip(request))
    return _detail(request, queries.get_product(product.slug), staff=True)


@router.delete("/products/{slug}", response={204: None}, auth=StaffToken(), summary="Delete a product")
def delete_product(request, slug: str):
    require_perm(request.auth, roles.DELETE_PRODUCT)
    services.delete_product(actor=request.auth, product=queries.get_product(slug), ip_address=_ip(request))
    return Status(204, None)
