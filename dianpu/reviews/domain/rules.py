"""Who may review what, and how a reviewer's name is shown. Pure."""

from typing import TypeGuard

REVIEWABLE_ORDER_STATUSES = frozenset({"delivered", "completed"})
LOW_RATING = 2  # 1–2 stars: the low-rated reviews of the themes
HIGH_RATING = 4  # 4–5 stars: the high-rated ones
MAX_BODY_CHARS = 2000
MAX_IMAGES = 3


def is_valid_rating(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5


def can_review(order_status: str) -> bool:
    return order_status in REVIEWABLE_ORDER_STATUSES


def mask_name(name: str) -> str:
    """ "王小明" -> "王**", "alice" -> "a***"; nothing -> "匿名" is left to the caller."""
    name = " ".join((name or "").split())
    if not name:
        return ""
    return name[0] + "*" * min(max(len(name) - 1, 2), 4)
