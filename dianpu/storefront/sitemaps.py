"""sitemap.xml and robots.txt, written here because django.contrib.sitemaps is not installed."""

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from dianpu.catalog.queries import list_listed_products
from dianpu.knowledge.queries import list_public_articles

from .navigation import get_category_tree

# One sitemap file may list at most 50,000 URLs.
MAX_URLS = 50_000
MAX_HELP_URLS = 2_000
CACHE_SECONDS = 300
DISALLOWED = ("/console/", "/cart/", "/checkout/", "/api/")


@require_GET
def sitemap_xml(request):
    absolute = request.build_absolute_uri
    key = f"storefront:sitemap:{absolute('/')}"
    body = cache.get(key)
    if body is None:
        urls = [{"loc": absolute(reverse("storefront:home")), "changefreq": "daily", "priority": "1.0"}]
        urls += [
            {"loc": absolute(reverse("storefront:category", args=[c.slug])), "changefreq": "daily", "priority": "0.8"}
            for c in sorted(get_category_tree().all_categories(), key=lambda c: c.id)
        ]
        urls.append({"loc": absolute(reverse("storefront:help")), "changefreq": "weekly", "priority": "0.5"})
        urls += [
            {
                "loc": absolute(reverse("storefront:help-article", args=[slug])),
                "lastmod": updated_at.date().isoformat(),
                "changefreq": "monthly",
                "priority": "0.4",
            }
            for slug, updated_at in list_public_articles().values_list("slug", "updated_at")[:MAX_HELP_URLS]
        ]
        products = (
            list_listed_products(sort="newest")
            .prefetch_related(None)
            .select_related(None)
            .values_list("slug", "updated_at")[: MAX_URLS - len(urls)]
        )
        urls += [
            {
                "loc": absolute(reverse("storefront:product", args=[slug])),
                "lastmod": updated_at.date().isoformat(),
                "changefreq": "weekly",
                "priority": "0.6",
            }
            for slug, updated_at in products
        ]
        body = render_to_string("storefront/sitemap.xml", {"urls": urls})
        cache.set(key, body, CACHE_SECONDS)
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('storefront:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
