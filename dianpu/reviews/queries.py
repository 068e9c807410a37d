"""Reads of product reviews: the storefront's page of visible reviews with the average, the
buyer's lines still to review, the console's moderation list, a product's review themes."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q

from .domain import rules
from .domain.themes import find_themes
from .models import Review

PAGE_SIZE = 10
MAX_PAGES = 500
THEME_REVIEWS = 500  # the latest reviews of each side that the themes read


@dataclass(frozen=True)
class Rating:
    average: Decimal | None  # one decimal, e.g. 4.3
    count: int


@dataclass(frozen=True)
class Themes:
    low: list  # [(phrase, reviews)], from 1–2 star reviews
    high: list  # from 4–5 star reviews
    low_count: int
    high_count: int


def visible_reviews(product_id: int):
    return Review.objects.filter(product_id=product_id, status=Review.Status.VISIBLE)


def get_product_rating(product_id: int) -> Rating:
    row = visible_reviews(product_id).aggregate(average=Avg("rating"), count=Count("id"))
    average = row["average"]
    if average is None:
        return Rating(None, 0)
    return Rating(Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), row["count"])


def list_product_reviews(product_id: int, *, page: int = 1) -> list[Review]:
    """One page (newest first) of a product's visible reviews, with their images."""
    page = max(1, int(page))
    if page > MAX_PAGES:
        return []
    return list(visible_reviews(product_id).prefetch_related("images")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])


def count_pages(count: int) -> int:
    return max(1, min(MAX_PAGES, (count + PAGE_SIZE - 1) // PAGE_SIZE))


def list_reviewable_lines(customer, limit: int = 50) -> list:
    """The customer's order lines of delivered or completed orders not reviewed yet, newest first."""
    from dianpu.orders.models import OrderLine

    if customer is None:
        return []
    return list(
        OrderLine.objects.select_related("order", "variant__product")
        .filter(
            order__customer=customer,
            order__status__in=rules.REVIEWABLE_ORDER_STATUSES,
            variant__isnull=False,
            review__isnull=True,
        )
        .order_by("-order__placed_at", "id")[:limit]
    )


def list_reviews(
    *, status: str = "", rating: int | None = None, product_id: int | None = None, limit: int = 50, offset: int = 0
) -> list[Review]:
    """The console's moderation list, newest first, bounded."""
    qs = Review.objects.select_related("product", "moderated_by")
    if status in Review.Status.values:
        qs = qs.filter(status=status)
    if rating in (1, 2, 3, 4, 5):
        qs = qs.filter(rating=rating)
    if product_id:
        qs = qs.filter(product_id=product_id)
    return list(qs[offset : offset + min(limit, 100)])


def get_review_themes(product_id: int) -> Themes:
    """The frequent phrases of a product's low-rated (1–2) and high-rated (4–5) visible reviews."""
    reviews = visible_reviews(product_id)
    low = list(reviews.filter(rating__lte=rules.LOW_RATING).values_list("body", flat=True)[:THEME_REVIEWS])
    high = list(reviews.filter(rating__gte=rules.HIGH_RATING).values_list("body", flat=True)[:THEME_REVIEWS])
    return Themes(find_themes(low), find_themes(high), len(low), len(high))


def count_reviews(product_id: int) -> dict:
    return Review.objects.filter(product_id=product_id).aggregate(
        visible=Count("id", filter=Q(status=Review.Status.VISIBLE)),
        hidden=Count("id", filter=Q(status=Review.Status.HIDDEN)),
    )
