"""The filters beside a product list (search and category pages): links that add or drop one
facet value, built from catalog.search.count_facets and the request's query string."""

from decimal import Decimal
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from .forms import parse_price

FILTER_PARAMS = ("category", "brand", "min_price", "max_price", "attr")


def parse_filters(request) -> dict:
    """The facet filters of a request: brand, attribute ("name:value"), price range, category slug."""
    get = request.GET
    attribute = None
    name, sep, value = (get.get("attr") or "").partition(":")
    if sep and name.strip() and value.strip():
        attribute = (name.strip()[:30], value.strip()[:50])
    min_price, max_price = parse_price(get.get("min_price", "")), parse_price(get.get("max_price", ""))
    if min_price is not None and max_price is not None and min_price > max_price:
        min_price, max_price = max_price, min_price
    return {
        "brand": (get.get("brand") or "").strip()[:80],
        "attribute": attribute,
        "min_price": min_price,
        "max_price": max_price,
        "category": (get.get("category") or "").strip()[:80],
    }


def _url(request, **changes) -> str:
    params = {k: v for k, v in request.GET.items() if k != "page"}
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(params) if params else "?"


def _yuan(amount: Decimal) -> str:
    return f"¥{amount:.0f}"


def facet_links(request, facets, *, with_categories: bool = True) -> list[dict]:
    """Groups of links: {"title", "options": [{"label", "count", "url", "active"}]}."""
    get = request.GET
    groups = []
    if with_categories and facets.categories:
        groups.append(
            {
                "title": _("分类"),
                "clear": _url(request, category=None) if get.get("category") else "",
                "options": [
                    {
                        "label": c["category"].display_name,
                        "count": c["count"],
                        "url": _url(request, category=c["category"].slug),
                        "active": get.get("category") == c["category"].slug,
                    }
                    for c in facets.categories
                ],
            }
        )
    if facets.brands:
        groups.append(
            {
                "title": _("品牌"),
                "clear": _url(request, brand=None) if get.get("brand") else "",
                "options": [
                    {
                        "label": b["brand"],
                        "count": b["count"],
                        "url": _url(request, brand=b["brand"]),
                        "active": get.get("brand") == b["brand"],
                    }
                    for b in facets.brands
                ],
            }
        )
    if facets.price_bands:
        options = []
        for band in facets.price_bands:
            low, high = band["min"], band["max"]
            label = f"{_yuan(low)}–{_yuan(high)}" if high is not None else _("%(low)s 以上") % {"low": _yuan(low)}
            # max_price is inclusive: a band's upper bound is one fen below the next band.
            high_param = str(high - Decimal("0.01")) if high is not None else None
            options.append(
                {
                    "label": label,
                    "count": band["count"],
                    "url": _url(request, min_price=str(low), max_price=high_param),
                    "active": get.get("min_price") == str(low),
                }
            )
        active = get.get("min_price") or get.get("max_price")
        groups.append(
            {
                "title": _("价格"),
                "clear": _url(request, min_price=None, max_price=None) if active else "",
                "options": options,
            }
        )
    for attribute in facets.attributes:
        name = attribute["name"]
        groups.append(
            {
                "title": name,
                "clear": "",
                "options": [
                    {
                        "label": v["value"],
                        "count": v["count"],
                        "url": _url(request, attr=f"{name}:{v['value']}"),
                        "active": get.get("attr") == f"{name}:{v['value']}",
                    }
                    for v in attribute["values"]
                ],
            }
        )
    return groups
