"""Catalog reads for the storefront, the console and the API (no N+1: prefetches here)."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from dianpu.core.errors import NotFoundError

from .domain.search import has_cjk, query_terms
from .messages import MESSAGES
from .models import Category, Product, ProductImage, Variant

SORTS = {
    "newest": ("-listed_at", "-id"),
    "price_asc": ("min_price", "id"),
    "price_desc": ("-min_price", "-id"),
    "bestselling": ("-sold_count", "-id"),
}
DEFAULT_SORT = "newest"


def _with_cards(products: QuerySet) -> QuerySet:
    """What a product card shows: category, first image."""
    return products.select_related("category").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
    )


def category_and_descendant_ids(category: Category) -> list[int]:
    ids, frontier = [category.id], [category.id]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    return ids


def filter_by_search(products: QuerySet, search: str) -> QuerySet:
    """Every term of the query must match: Chinese anywhere, a Latin word at a token's start."""
    for term in query_terms(search):
        products = products.filter(search_document__contains=term if has_cjk(term) else f" {term}")
    return products


def list_listed_products(*, category: Category | None = None, search: str = "", sort: str = DEFAULT_SORT,
                         min_price=None, max_price=None) -> QuerySet:
    products = Product.objects.listed()
    if category is not None:
        products = products.filter(category_id__in=category_and_descendant_ids(category))
    if search:
        products = filter_by_search(products, search)
    if min_price is not None:
        products = products.filter(min_price__gte=min_price)
    if max_price is not None:
        products = products.filter(min_price__lte=max_price)
    return _with_cards(products.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])))


def list_products_for_staff(*, search: str = "", status: str = "", category: Category | None = None) -> QuerySet:
    products = Product.objects.all()
    if status:
        products = products.filter(status=status)
    if category is not None:
        products = products.filter(category_id__in=category_and_descendant_ids(category))
    if search:
        sku_match = Variant.objects.filter(sku__iexact=search.strip()).values("product_id")
        products = filter_by_search(products, search) | products.filter(pk__in=sku_match)
    return _with_cards(products.order_by("-updated_at", "-id")).prefetch_related("variants")


def get_listed_product(slug: str) -> Product:
    product = (
        _with_cards(Product.objects.listed().filter(slug=slug))
        .prefetch_related(Prefetch("variants", queryset=Variant.objects.filter(is_active=True)), "tags")
        .first()
    )
    if product is None:
        raise NotFoundError(MESSAGES["product_not_found"], code="product_not_found")
    return product


def get_product(slug: str) -> Product:
    product = _with_cards(Product.objects.filter(slug=slug)).prefetch_related("variants", "tags").first()
    if product is None:
        raise NotFoundError(MESSAGES["product_not_found"], code="product_not_found")
    return product


def get_category(slug: str) -> Category:
    category = Category.objects.filter(slug=slug).select_related("parent").first()
    if category is None:
        raise NotFoundError(MESSAGES["category_not_found"], code="category_not_found")
    return category


@dataclass
class CategoryNode:
    category: Category
    children: list["CategoryNode"]


def list_category_tree() -> list[CategoryNode]:
    nodes = {c.id: CategoryNode(c, []) for c in Category.objects.all()}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.category.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def list_category_path(category: Category) -> list[Category]:
    """The breadcrumb: root first."""
    path, seen = [category], {category.id}
    while path[0].parent_id and path[0].parent_id not in seen:
        parent = Category.objects.get(pk=path[0].parent_id)
        seen.add(parent.id)
        path.insert(0, parent)
    return path


def get_variants_by_sku(skus: list[str]) -> dict[str, Variant]:
    return {v.sku: v for v in Variant.objects.select_related("product").filter(sku__in=skus)}
