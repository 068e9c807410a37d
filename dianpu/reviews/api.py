"""Product review endpoints.

Public: a listed product's visible reviews (paginated, with the average and count). A customer
with their bearer token (`cu_…`): the lines still to review, and a review of one of them (multipart:
rating, body, up to three images). Staff with reviews.moderate_reviews (owner, operator, agent): the
moderation list, hide and show.
"""

from datetime import datetime

from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.bounds import PageNumber
from dianpu.customers.auth import CustomerToken

from . import queries, services
from .models import Review

router = Router(tags=["reviews"])


class Problem(Schema):
    code: str
    detail: str


class ReviewImageOut(Schema):
    url: str
    width: int
    height: int


class ProductReviewOut(Schema):
    id: int
    author: str
    rating: int
    body: str  # raw text: show it as text, never as HTML
    variant: str
    created_at: datetime
    images: list[ReviewImageOut]


class ProductReviewPage(Schema):
    average: float | None
    count: int
    page: int
    pages: int
    items: list[ProductReviewOut]


class ReviewableLineOut(Schema):
    order_line_id: int
    order_number: str
    product: str
    variant: str


class StaffReviewOut(ProductReviewOut):
    product: str
    status: str
    hidden_reason: str


class StaffReviewList(Schema):
    items: list[StaffReviewOut]


class HideReviewIn(Schema):
    reason: str = Field("", max_length=200)


def _review_out(review: Review) -> dict:
    return {
        "id": review.pk,
        "author": review.author_name,
        "rating": review.rating,
        "body": review.body,
        "variant": review.variant_label,
        "created_at": review.created_at,
        "images": [{"url": i.file.url, "width": i.width, "height": i.height} for i in review.images.all()],
    }


def _staff_review_out(review: Review) -> dict:
    return {
        **_review_out(review),
        "product": review.product.slug,
        "status": review.status,
        "hidden_reason": review.hidden_reason,
    }


@router.get(
    "/products/{slug}/reviews",
    response={200: ProductReviewPage, 404: Problem},
    summary="A listed product's visible reviews, newest first, 10 a page, with the average and count",
)
def list_product_reviews(request, slug: str, page: PageNumber = 1):
    from dianpu.catalog.queries import get_listed_product

    product = get_listed_product(slug)
    rating = queries.get_product_rating(product.pk)
    return {
        "average": float(rating.average) if rating.average is not None else None,
        "count": rating.count,
        "page": page,
        "pages": queries.count_pages(rating.count),  # past the last page: no items
        "items": [_review_out(r) for r in queries.list_product_reviews(product.pk, page=page)],
    }


@router.get(
    "/me/reviewable-lines",
    response={200: list[ReviewableLineOut], 401: Problem},
    auth=CustomerToken(),
    summary="The signed-in customer's delivered order lines not reviewed yet (at most 50)",
)
def list_reviewable_lines(request):
    return [
        {
            "order_line_id": line.pk,
            "order_number": line.order.number,
            "product": line.product_name,
            "variant": line.variant_label,
        }
        for line in queries.list_reviewable_lines(request.customer)
    ]


@router.post(
    "/me/reviews",
    response={201: ProductReviewOut, 401: Problem, 404: Problem, 409: Problem, 413: Problem, 422: Problem},
    auth=CustomerToken(),
    summary="Review a line of a delivered order, once: rating 1–5, text, up to 3 images (5 MB each)",
)
def submit_review(
    request,
    order_line_id: int = Form(..., ge=1, le=2**62),
    rating: int = Form(..., ge=1, le=5),
    body: str = Form("", max_length=2000),
    images: list[UploadedFile] = File(None),
):
    from dianpu.core.uploads import UploadLimits, check_request_size

    check_request_size(request, UploadLimits(max_bytes=4 * services.MAX_IMAGE_BYTES))
    review = services.submit_review(
        customer=request.customer, order_line_id=order_line_id, rating=rating, body=body, images=images or []
    )
    return Status(201, _review_out(review))


@router.get(
    "/reviews",
    auth=StaffToken(),
    response={200: StaffReviewList, 403: Problem},
    summary="Reviews for moderation (max 100): filter by status, rating, product slug",
)
def list_reviews(
    request,
    status: str = Query("", max_length=10),
    rating: int = Query(0, ge=0, le=5),
    product: str = Query("", max_length=200),
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
):
    require_perm(request.user, roles.MODERATE_REVIEWS)
    from dianpu.catalog.models import Product

    product_id = Product.objects.filter(slug=product).values_list("pk", flat=True).first() if product else None
    rows = queries.list_reviews(
        status=status, rating=rating or None, product_id=product_id if product else None, limit=limit, offset=offset
    )
    if product and product_id is None:
        rows = []
    return {"items": [_staff_review_out(r) for r in rows]}


@router.post(
    "/reviews/{review_id}/hide",
    auth=StaffToken(),
    response={200: StaffReviewOut, 403: Problem, 404: Problem},
    summary="Hide a review from the storefront (moderation, audited)",
)
def hide_review(request, review_id: int, payload: HideReviewIn):
    require_perm(request.user, roles.MODERATE_REVIEWS)
    return _staff_review_out(services.hide_review(review_id=review_id, actor=request.user, reason=payload.reason))


@router.post(
    "/reviews/{review_id}/show",
    auth=StaffToken(),
    response={200: StaffReviewOut, 403: Problem, 404: Problem},
    summary="Show a hidden review again (audited)",
)
def show_review(request, review_id: int):
    require_perm(request.user, roles.MODERATE_REVIEWS)
    return _staff_review_out(services.show_review(review_id=review_id, actor=request.user))
