"""User paths: the page sequences visits take before a purchase and before leaving. Pure."""

import re
from collections import Counter
from collections.abc import Iterable

PAGE_TYPES = (
    (re.compile(r"^/(en/)?$"), "home"),
    (re.compile(r"^/(en/)?c/"), "category"),
    (re.compile(r"^/(en/)?products/"), "product"),
    (re.compile(r"^/(en/)?search/"), "search"),
    (re.compile(r"^/(en/)?cart/"), "cart"),
    (re.compile(r"^/(en/)?checkout/"), "checkout"),
    (re.compile(r"^/(en/)?orders/"), "order"),
)


def page_type(path: str) -> str:
    """ "/products/cotton-tee/" -> "product"; paths of no known kind stay as they are."""
    for pattern, name in PAGE_TYPES:
        if pattern.search(path or "/"):
            return name
    return path or "/"


def summarize_paths(
    visits: Iterable[tuple[list[str], bool]], *, steps: int = 3
) -> tuple[Counter[tuple[str, ...]], Counter[tuple[str, ...]]]:
    """From (page types in order, purchased?) per visit: Counters of the last `steps` pages before
    the purchase, and before leaving without one. Repeated pages in a row count once."""
    before_purchase: Counter[tuple[str, ...]] = Counter()
    before_leaving: Counter[tuple[str, ...]] = Counter()
    for pages, purchased in visits:
        collapsed = [p for i, p in enumerate(pages) if i == 0 or p != pages[i - 1]]
        if not collapsed:
            continue
        tail = tuple(collapsed[-steps:])
        (before_purchase if purchased else before_leaving)[tail] += 1
    return before_purchase, before_leaving
