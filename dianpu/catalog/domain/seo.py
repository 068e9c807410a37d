"""SEO audit rules of a catalogue: pure, product facts in, issues out."""

import re
from collections import Counter
from dataclasses import dataclass

TITLE_MAX = 60
META_MIN = 50
META_MAX = 160
THIN_DESCRIPTION = 80  # visible characters
SLUG_MAX = 60
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE_SLUG = re.compile(r"^p-[0-9a-f]{8}(?:-\d+)?$")  # the fallback when a product has no English name

ISSUE_CODES = (
    "title_missing",
    "title_duplicate",
    "title_too_long",
    "meta_missing",
    "meta_too_short",
    "meta_too_long",
    "image_alt_missing",
    "description_thin",
    "slug_broken",
    "slug_not_descriptive",
)


@dataclass(frozen=True)
class ProductFacts:
    product_id: int
    slug: str
    name: str
    seo_title: str
    seo_description: str
    description_text: str
    images_without_alt: int


@dataclass(frozen=True)
class Issue:
    product_id: int
    code: str
    detail: str = ""


def audit_products(products: list[ProductFacts]) -> list[Issue]:
    issues: list[Issue] = []
    titles = Counter((p.seo_title or p.name).strip().casefold() for p in products)
    for p in products:
        title = (p.seo_title or "").strip()
        if not title:
            issues.append(Issue(p.product_id, "title_missing"))
        elif len(title) > TITLE_MAX:
            issues.append(Issue(p.product_id, "title_too_long", str(len(title))))
        if titles[(p.seo_title or p.name).strip().casefold()] > 1:
            issues.append(Issue(p.product_id, "title_duplicate", p.seo_title or p.name))
        meta = (p.seo_description or "").strip()
        if not meta:
            issues.append(Issue(p.product_id, "meta_missing"))
        elif len(meta) < META_MIN:
            issues.append(Issue(p.product_id, "meta_too_short", str(len(meta))))
        elif len(meta) > META_MAX:
            issues.append(Issue(p.product_id, "meta_too_long", str(len(meta))))
        if p.images_without_alt:
            issues.append(Issue(p.product_id, "image_alt_missing", str(p.images_without_alt)))
        if len((p.description_text or "").strip()) < THIN_DESCRIPTION:
            issues.append(Issue(p.product_id, "description_thin", str(len((p.description_text or "").strip()))))
        if not _SLUG.match(p.slug or "") or len(p.slug) > SLUG_MAX:
            issues.append(Issue(p.product_id, "slug_broken", p.slug))
        elif _CODE_SLUG.match(p.slug):
            issues.append(Issue(p.product_id, "slug_not_descriptive", p.slug))
    return issues
