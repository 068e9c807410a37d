"""Slugs for URLs: ASCII from the English name when there is one, else a stable code."""

import hashlib
import re
import unicodedata
from collections.abc import Callable

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def make_slug(name: str, name_en: str = "", fallback_prefix: str = "p") -> str:
    source = name_en or name
    ascii_text = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode().lower()
    slug = _NON_SLUG.sub("-", ascii_text).strip("-")[:60].strip("-")
    if len(slug) < 3:
        slug = f"{fallback_prefix}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"
    return slug


def first_free_slug(base: str, is_taken: Callable[[str], bool]) -> str:
    """`base`, or `base-2`, `base-3` … : the first that `is_taken(slug)` says is free."""
    slug, n = base, 2
    while is_taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


def is_valid_slug(slug: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug or "")) and len(slug) <= 80
