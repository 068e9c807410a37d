"""What search engines and link previews read: title, description, canonical, Open Graph,
schema.org Product data."""

from dataclasses import dataclass

from django.utils.text import Truncator

from dianpu.core.sanitize import plain_text
from dianpu.shop.queries import get_shop_profile

DESCRIPTION_LENGTH = 160


@dataclass
class PageMeta:
    title: str
    description: str
    canonical: str
    og_type: str = "website"
    image: str = ""
    noindex: bool = False


def describe(text: str, fallback: str = "") -> str:
    """A meta description: plain text, one line, at most 160 characters."""
    text = plain_text(text) or fallback
    return Truncator(text).chars(DESCRIPTION_LENGTH)


def canonical_url(request, page_number: int | None = None) -> str:
    """The page's absolute URL without its query string, except a page number above 1."""
    url = request.build_absolute_uri(request.path)
    if page_number and page_number > 1:
        url += f"?page={page_number}"
    return url


def page_meta(
    request,
    title: str,
    description: str = "",
    *,
    page_number: int | None = None,
    og_type: str = "website",
    image: str = "",
    noindex: bool = False,
) -> PageMeta:
    return PageMeta(
        title=title,
        description=describe(description, fallback=title),
        canonical=canonical_url(request, page_number),
        og_type=og_type,
        image=request.build_absolute_uri(image) if image else "",
        noindex=noindex,
    )


def product_json_ld(*, product, variants, available: dict[int, int], url: str, image_urls: list[str]) -> dict:
    """schema.org Product: one Offer per SKU (an AggregateOffer when there are several)."""
    offers = [
        {
            "@type": "Offer",
            "sku": v.sku,
            "price": f"{v.selling_price:.2f}",
            "priceCurrency": get_shop_profile().currency,
            "availability": "https://schema.org/" + ("InStock" if available.get(v.id, 0) > 0 else "OutOfStock"),
            "url": url,
        }
        for v in variants
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.display_name,
        "sku": variants[0].sku if variants else "",
        "description": describe(product.display_description, fallback=product.display_name),
        "url": url,
    }
    if image_urls:
        data["image"] = image_urls
    if product.brand:
        data["brand"] = {"@type": "Brand", "name": product.brand}
    if len(offers) == 1:
        data["offers"] = offers[0]
    elif offers:
        prices = [v.selling_price for v in variants]
        in_stock = any(available.get(v.id, 0) > 0 for v in variants)
        data["offers"] = {
            "@type": "AggregateOffer",
            "lowPrice": f"{min(prices):.2f}",
            "highPrice": f"{max(prices):.2f}",
            "priceCurrency": get_shop_profile().currency,
            "offerCount": len(offers),
            "availability": "https://schema.org/" + ("InStock" if in_stock else "OutOfStock"),
            "offers": offers,
        }
    return data
