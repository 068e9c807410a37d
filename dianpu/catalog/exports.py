"""Exporting products to a file (native, Shopify or WooCommerce; CSV or XLSX): a read.

What is exported imports back unchanged (the round trip writes nothing)."""

from collections.abc import Callable
from dataclasses import replace

from django.db.models import Prefetch

from .domain import product_files as pf
from .models import Product, ProductImage, Variant
from .spreadsheets import write_csv, write_xlsx

CHUNK = 1000
FILE_KINDS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _category_path(category) -> tuple[str, ...]:
    path = []
    while category is not None and len(path) < 10:
        path.append(category.name)
        category = category.parent
    return tuple(reversed(path))


def iter_products_out(
    products=None,
    *,
    stock_by_variant: Callable[[list[int]], dict[int, int]] | None = None,
    image_url: Callable[[str], str] = lambda url: url,
    progress=None,
):
    """ProductOut for every product of `products` (default: all), read in chunks;
    `progress(done, total)` is told after each chunk."""
    products = (products if products is not None else Product.objects.all()).order_by("id")
    ids = list(products.values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        if progress:
            progress(start, len(ids))
        chunk = (
            Product.objects.filter(pk__in=ids[start : start + CHUNK])
            .order_by("id")
            .select_related("category__parent__parent")
            .prefetch_related(
                "tags",
                Prefetch("variants", queryset=Variant.objects.order_by("position", "id")),
                Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
            )
        )
        rows = list(chunk)
        variant_ids = [v.id for p in rows for v in p.variants.all()]
        stock = stock_by_variant(variant_ids) if stock_by_variant else {}
        for p in rows:
            variants = tuple(
                {
                    "sku": v.sku,
                    "options": v.options or {},
                    "price": v.price,
                    "sale_price": v.sale_price,
                    "member_price": v.member_price,
                    "compare_at_price": v.compare_at_price,
                    "cost_price": v.cost_price,
                    "weight_grams": v.weight_grams,
                    "barcode": v.barcode,
                    "stock": stock.get(v.id) if stock_by_variant else None,
                }
                for v in p.variants.all()
            )
            if not variants:
                continue
            yield pf.ProductOut(
                handle=p.slug,
                name=p.name,
                name_en=p.name_en,
                description=p.description,
                description_en=p.description_en,
                brand=p.brand,
                category=p.category.slug if p.category else "",
                category_path=_category_path(p.category),
                tags=tuple(t.name for t in p.tags.all()),
                status=p.status,
                seo_title=p.seo_title,
                seo_description=p.seo_description,
                ref=p.pk,
                variants=variants,
                attributes=p.attributes or {},
                images=tuple((image_url(i.image.url), i.alt_text) for i in p.images.all() if i.image),
            )


def export_products(
    file_format: str,
    kind: str = "csv",
    products=None,
    *,
    stock_by_variant: Callable[[list[int]], dict[int, int]] | None = None,
    image_url: Callable[[str], str] = lambda url: url,
    progress=None,
) -> bytes:
    if file_format not in pf.FORMATS or kind not in FILE_KINDS:
        raise ValueError(file_format)

    def rows():
        for product in iter_products_out(
            products, stock_by_variant=stock_by_variant, image_url=image_url, progress=progress
        ):
            if file_format == pf.SHOPIFY:
                product = _with_category_name(product)
            yield from pf.rows_for(file_format, product)

    header = pf.header_for(file_format)
    if kind == "xlsx":
        return write_xlsx(header, rows())
    return write_csv(header, rows(), bom=file_format == pf.NATIVE)


def _with_category_name(product: pf.ProductOut) -> pf.ProductOut:
    """Shopify's Type is a name, not our slug."""
    return replace(product, category=product.category_path[-1] if product.category_path else "")


def export_filename(file_format: str, kind: str, today) -> str:
    return f"products-{file_format}-{today:%Y%m%d}.{kind}"
