"""When a snapshot raises an alert, what changed since the previous one, and the suggested price."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
UNDERCUT = "undercut"
PROMOTION = "promotion"


def is_undercut(their_price: Decimal, our_price: Decimal, margin_percent: Decimal) -> bool:
    """They sell below ours by more than `margin_percent` % of our price (exact decimal arithmetic)."""
    if their_price is None or our_price is None or our_price <= 0:
        return False
    return (our_price - their_price) * 100 > our_price * margin_percent


def starts_promotion(previous_text: str | None, current_text: str | None) -> bool:
    """A promotion text appears, or changes to a new one."""
    current = (current_text or "").strip()
    return bool(current) and current != (previous_text or "").strip()


def suggest_price(*, their_price: Decimal, our_price: Decimal, floor: Decimal) -> Decimal:
    """Match their price when it is lower than ours, never below our floor."""
    target = min(their_price, our_price)
    return max(target, floor).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Reading:
    price: Decimal | None
    promotion_text: str = ""
    sales_count: int | None = None
    rating: Decimal | None = None
    review_count: int | None = None
    main_image_url: str = ""
    detail_hash: str = ""


def changes_between(previous: Reading | None, current: Reading) -> list[str]:
    """What changed since the previous reading: price, promotion, main_image, detail, sales, rating."""
    if previous is None:
        return []
    found = []
    if current.price is not None and previous.price is not None and current.price != previous.price:
        found.append("price")
    if starts_promotion(previous.promotion_text, current.promotion_text):
        found.append("promotion")
    if current.main_image_url and current.main_image_url != previous.main_image_url:
        found.append("main_image")
    if current.detail_hash and current.detail_hash != previous.detail_hash:
        found.append("detail")
    if (
        current.sales_count is not None
        and previous.sales_count is not None
        and current.sales_count != previous.sales_count
    ):
        found.append("sales")
    if current.rating is not None and previous.rating is not None and current.rating != previous.rating:
        found.append("rating")
    return found


def trend(values: list[Decimal | int]) -> str:
    """'rising', 'falling' or 'flat' from the first to the last value over a period."""
    points = [v for v in values if v is not None]
    if len(points) < 2 or points[-1] == points[0]:
        return "flat"
    return "rising" if points[-1] > points[0] else "falling"
