"""{% ab_attributes product %}: on a storefront product card, the data attributes the browser needs
to show this visitor their image of a running main-image A/B test (nothing when none runs).
{% ab_attributes product full_size=True %}: the same on the product page's main image (the arms'
full-size images), so a visitor sees on the product page the image their card showed.

The page is cached for every shopper alike, so the choice is made in the browser by
design/static/design/ab.js with the same hash as domain/abtest.py; the running experiments are
read once per request."""

from django import template
from django.utils.html import format_html

from dianpu.design.queries import running_experiment_images

register = template.Library()


@register.simple_tag(takes_context=True)
def ab_attributes(context, product, full_size=False) -> str:
    request = context.get("request")
    kept = "_design_ab_full" if full_size else "_design_ab"
    running = getattr(request, kept, None) if request is not None else None
    if running is None:
        running = running_experiment_images(full_size=bool(full_size))
        if request is not None:
            setattr(request, kept, running)
    entry = running.get(getattr(product, "pk", None))
    if not entry:
        return ""
    experiment_id, urls = entry
    return format_html(' data-dp-ab="{}" data-dp-ab-images="{}"', experiment_id, " ".join(urls))
