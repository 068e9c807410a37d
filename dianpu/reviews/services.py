"""Product review use cases: a buyer reviews a line of a delivered order (once), staff hide and
show reviews. Each owns its transaction. Nothing here waits on the network."""

import secrets
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.actors import Actor
from dianpu.customers.models import Customer
from dianpu.orders.models import OrderLine

from .domain import rules
from .domain.errors import ReviewError
from .models import Review, ReviewImage

MAX_IMAGE_BYTES = 5 * 1024 * 1024


def _checked_image(upload: "UploadedFile[bytes]") -> tuple[bytes, str, str, int, int]:
    """An image refused by its declared size before a byte is read, then by what Pillow finds
    inside (not by its name or declared type)."""
    from dianpu.core.uploads import NotAnImage, UploadRefused, read_image

    try:
        image = read_image(upload, max_bytes=MAX_IMAGE_BYTES)
    except UploadRefused:
        raise ReviewError("review_image_too_large", status=413, limit=MAX_IMAGE_BYTES // (1024 * 1024)) from None
    except NotAnImage:
        raise ReviewError("review_image_invalid") from None
    return image.data, image.content_type, image.extension, image.width, image.height


def submit_review(
    *,
    customer: Customer | None,
    order_line_id: int,
    rating: object,
    body: str = "",
    images: "Iterable[UploadedFile[bytes]]" = (),
) -> Review:
    """The buyer's review of one line of their delivered (or completed) order: rating 1–5, text,
    up to three images; once per line (the table's one-to-one key decides a race). The customer's
    first review earns the CRM's "first review" points (once, whatever came first)."""
    if not rules.is_valid_rating(rating):
        raise ReviewError("review_rating_invalid")
    body = (body or "").strip()
    if len(body) > rules.MAX_BODY_CHARS:
        raise ReviewError("review_body_too_long", limit=rules.MAX_BODY_CHARS)
    images = list(images or [])
    if len(images) > rules.MAX_IMAGES:
        raise ReviewError("review_too_many_images", limit=rules.MAX_IMAGES)
    checked = [_checked_image(upload) for upload in images]
    if customer is None:
        raise ReviewError("review_line_not_found", status=404)
    line = (
        OrderLine.objects.select_related("order", "variant").filter(pk=order_line_id, order__customer=customer).first()
    )
    if line is None or line.variant is None:
        raise ReviewError("review_line_not_found", status=404)
    if not rules.can_review(line.order.status):
        raise ReviewError("review_order_not_delivered", status=409)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product_id=line.variant.product_id,
                order_line=line,
                customer=customer,
                author_name=rules.mask_name(customer.name or customer.email.split("@")[0]),
                rating=rating,
                body=body,
                variant_label=line.variant_label[:120],
                created_at=clock.now(),
            )
            for data, content_type, extension, width, height in checked:
                image = ReviewImage(
                    review=review, content_type=content_type, size=len(data), width=width, height=height
                )
                image.file.save(f"{secrets.token_hex(16)}.{extension}", ContentFile(data), save=False)
                image.save()
            from dianpu.customers.rewards import reward_first_review

            reward_first_review(customer.pk)  # once: the points ledger's unique reference
    except IntegrityError:
        if Review.objects.filter(order_line=line).exists():
            raise ReviewError("review_already_given", status=409) from None
        raise
    return review


def _moderate(*, review_id: int, actor: Actor, status: str, reason: str = "") -> Review:
    review = Review.objects.filter(pk=review_id).first()
    if review is None:
        raise ReviewError("review_not_found", status=404)
    with transaction.atomic():
        Review.objects.filter(pk=review.pk).update(
            status=status, hidden_reason=(reason or "").strip()[:200], moderated_by=actor, moderated_at=clock.now()
        )
        record_audit(
            actor=actor,
            action=f"reviews.{'hidden' if status == Review.Status.HIDDEN else 'shown'}",
            obj=review,
            changes={"status": (review.status, status)},
            reason=(reason or "")[:200],
        )
    review.refresh_from_db()
    return review


def hide_review(*, review_id: int, actor: Actor, reason: str = "") -> Review:
    """Moderation: the review no longer shows on the storefront nor counts in its average."""
    return _moderate(review_id=review_id, actor=actor, status=Review.Status.HIDDEN, reason=reason)


def show_review(*, review_id: int, actor: Actor) -> Review:
    return _moderate(review_id=review_id, actor=actor, status=Review.Status.VISIBLE)
