"""Catalog reads for the storefront, the console and the API (no N+1: prefetches here)."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from dianpu.core.errors import NotFoundError

from .domain.search import has_cjk, query_terms
from .messages import MESSAGES
from .models import Category, Product, ProductImage, Variant
from .search import SearchResult, catalogue_version, search_products

SORTS = {
    "newest": ("-listed_at", "-id"),
    "price_asc": ("min_price", "id"),
    "price_desc": ("-min_price", "-id"),
    "bestselling": ("-sold_count", "-id"),
}
DEFAULT_SORT = "newest"
RELEVANCE = "relevance"  # the default order of a search: catalog.search ranks


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


def list_listed_products(
    *,
    category: Category | None = None,
    search: str = "",
    sort: str = "",
    min_price=None,
    max_price=None,
    brand: str = "",
    attribute: tuple[str, str] | None = None,
    in_stock=None,
) -> QuerySet:
    """Listed products as cards. With `search`, ranked by relevance (catalog.search) unless another
    sort is asked for; `in_stock` (an expression of the product, from inventory) breaks ties."""
    return search_listed_products(
        category=category,
        search=search,
        sort=sort,
        min_price=min_price,
        max_price=max_price,
        brand=brand,
        attribute=attribute,
        in_stock=in_stock,
    ).products


def filter_listed_products(
    *,
    category: Category | None = None,
    min_price=None,
    max_price=None,
    brand: str = "",
    attribute: tuple[str, str] | None = None,
) -> QuerySet:
    products = Product.objects.listed()
    if category is not None:
        products = products.filter(category_id__in=category_and_descendant_ids(category))
    if min_price is not None:
        products = products.filter(min_price__gte=min_price)
    if max_price is not None:
        products = products.filter(min_price__lte=max_price)
    if brand:
        products = products.filter(brand=brand)
    if attribute and attribute[0] and "__" not in attribute[0]:
        products = products.filter(**{f"attributes__{attribute[0]}": attribute[1]})
    return products


def search_listed_products(
    *,
    category: Category | None = None,
    search: str = "",
    sort: str = "",
    min_price=None,
    max_price=None,
    brand: str = "",
    attribute: tuple[str, str] | None = None,
    in_stock=None,
) -> SearchResult:
    """The ranked search (or the filtered list without a query), in the asked order. Its count,
    facets and pages are kept per catalogue version (catalog.search.kept): the same list asked
    again, by the storefront or the API, is not worked out again."""
    products = filter_listed_products(
        category=category, min_price=min_price, max_price=max_price, brand=brand, attribute=attribute
    )
    version = catalogue_version()
    scope = (
        "listed",
        category.pk if category is not None else None,
        str(min_price),
        str(max_price),
        brand,
        attribute,
        sort,
        in_stock is not None,
    )
    if search:
        result = search_products(products, search, scope=(*scope, search), version=version)
    else:
        result = SearchResult(products, "", matched=products, scope=scope, version=version)
    result.cards = _with_cards(Product.objects.all())
    order = list(SORTS[sort]) if sort in SORTS else None
    if order is None:
        stock = []
        if in_stock is not None:
            result.products = result.products.annotate(in_stock_rank=in_stock)
            result.stock_breaks_ties, result.stock_breaks_ties_by = bool(search), in_stock
            stock = ["-in_stock_rank"]
        order = ["-search_rank", "-sold_count", *stock, "-id"] if search else list(SORTS[DEFAULT_SORT])
    result.products = _with_cards(result.products.order_by(*order))
    return result


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


# --- SEO audit and listing compliance ---------------------------------------------------------------


def get_shop_banned_words() -> dict[str, str]:
    from .models import BannedWord

    return dict(BannedWord.objects.values_list("word", "reason"))


def _listing_texts(product_row: dict) -> dict[str, str]:
    from dianpu.core.sanitize import plain_text

    return {
        "name": product_row["name"],
        "name_en": product_row["name_en"],
        "seo_title": product_row["seo_title"],
        "seo_description": product_row["seo_description"],
        "description": plain_text(product_row["description"]),
        "description_en": plain_text(product_row["description_en"]),
    }


TEXT_COLUMNS = (
    "id",
    "slug",
    "name",
    "name_en",
    "seo_title",
    "seo_description",
    "description",
    "description_en",
    "status",
)


def get_listing_findings(product: Product, shop_words: dict[str, str] | None = None):
    """Advertising Law terms and shop banned words in one product's listing texts."""
    from .domain.compliance import find_banned_words

    row = {name: getattr(product, name) for name in TEXT_COLUMNS}
    return find_banned_words(_listing_texts(row), get_shop_banned_words() if shop_words is None else shop_words)


@dataclass
class AuditRow:
    product_id: int
    slug: str
    name: str
    status: str
    seo_issues: list
    findings: list


def get_catalog_audit(*, status: str = "", limit: int | None = None) -> list[AuditRow]:
    """Every product with an SEO issue or a compliance finding, worst first."""
    from django.db.models import Count, Q

    from dianpu.core.sanitize import plain_text

    from .domain.compliance import find_banned_words
    from .domain.seo import ProductFacts, audit_products

    products = Product.objects.all()
    if status:
        products = products.filter(status=status)
    rows = list(
        products.annotate(images_without_alt=Count("images", filter=Q(images__alt_text="")))
        .values(*TEXT_COLUMNS, "images_without_alt")
        .order_by("id")
    )
    facts = [
        ProductFacts(
            r["id"],
            r["slug"],
            r["name"],
            r["seo_title"],
            r["seo_description"],
            plain_text(r["description"]),
            r["images_without_alt"],
        )
        for r in rows
    ]
    issues: dict[int, list] = {}
    for issue in audit_products(facts):
        issues.setdefault(issue.product_id, []).append(issue)
    shop_words = get_shop_banned_words()
    result = []
    for r in rows:
        findings = find_banned_words(_listing_texts(r), shop_words)
        if issues.get(r["id"]) or findings:
            result.append(AuditRow(r["id"], r["slug"], r["name"], r["status"], issues.get(r["id"], []), findings))
    result.sort(key=lambda a: (-len(a.findings), -len(a.seo_issues), a.product_id))
    return result[:limit] if limit else result


def list_price_history(product: Product, limit: int = 200):
    from .models import PriceHistory

    return PriceHistory.objects.filter(variant__product=product).select_related("variant")[:limit]


def select_products(
    *, search: str = "", status: str = "", category: Category | None = None, slugs: list[str] | None = None
) -> QuerySet:
    """The selection a bulk action works on: explicit slugs, or everything matching the filters."""
    if slugs:
        return Product.objects.filter(slug__in=slugs).order_by("id")
    return list_products_for_staff(search=search, status=status, category=category).order_by("id")


def list_brands(slug: str | None = None):
    """Brands with the number of products that name them (one grouped query)."""
    from django.db.models import Count

    from .models import Brand

    counts = dict(
        Product.objects.exclude(brand="").values_list("brand").annotate(n=Count("id")).values_list("brand", "n")
    )
    brands = list(Brand.objects.filter(slug=slug) if slug else Brand.objects.all())
    for brand in brands:
        brand.product_count = counts.get(brand.name, 0)
    return brands


def get_brand(slug: str):
    from .models import Brand

    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:
        raise NotFoundError(MESSAGES["brand_not_found"], code="brand_not_found")
    return brand


def list_brand_names() -> list[str]:
    from .models import Brand

    return list(Brand.objects.values_list("name", flat=True))


def list_search_synonyms(limit: int = 500):
    from .models import SearchSynonym

    return list(SearchSynonym.objects.all()[:limit])
