"""Saving the shop's settings (audited)."""

import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from dianpu.audit.services import record_audit
from dianpu.core.actors import Actor
from dianpu.core.errors import ValidationFailed

from .messages import MESSAGES
from .models import ShopSettings
from .queries import forget_shop_profile

MAX_LOGO_BYTES = 512 * 1024
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
FIELDS = (
    "name",
    "contact_email",
    "contact_phone",
    "business_hours",
    "sender_name",
    "sender_phone",
    "sender_address",
    "currency",
    "prices_include_tax",
    "unpaid_timeout_hours",
)
# Saved by the same call, edited by their own fields on the page (not the model form's).
OTHER_FIELDS = ("payment_methods", "languages", "default_language")


def check_logo_size(size: int) -> None:
    """Refuses a logo too large, by its declared size, before it is read."""
    if size > MAX_LOGO_BYTES:
        raise ValidationFailed({"logo": "too_large"}, detail=str(MESSAGES["logo_too_large"]))


def check_logo(data: bytes) -> str:
    """The file extension of an acceptable logo; refuses one too large or not a PNG, JPEG or WebP
    picture (an SVG could carry script)."""
    check_logo_size(len(data))
    try:
        with Image.open(io.BytesIO(data)) as img:
            kind = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationFailed({"logo": "invalid"}, detail=str(MESSAGES["logo_invalid"])) from exc
    if kind not in LOGO_FORMATS:
        raise ValidationFailed({"logo": "invalid"}, detail=str(MESSAGES["logo_invalid"]))
    return LOGO_FORMATS[kind]


@transaction.atomic
def save_shop_settings(
    *,
    actor: Actor,
    data: dict[str, Any],
    logo: bytes | None = None,
    remove_logo: bool = False,
    ip_address: str | None = None,
) -> ShopSettings:
    """Save the fields in `data` (names in FIELDS); `logo` is a checked picture's bytes."""
    ShopSettings.objects.get_or_create(pk=1)
    row = ShopSettings.objects.select_for_update().get(pk=1)
    changes = {}
    for field in FIELDS + OTHER_FIELDS:
        if field in data and getattr(row, field) != data[field]:
            changes[field] = (getattr(row, field), data[field])
            setattr(row, field, data[field])
    if logo is not None:
        extension = check_logo(logo)
        old = row.logo.name
        row.logo.save(f"logo.{extension}", ContentFile(logo), save=False)
        changes["logo"] = (old, row.logo.name)
    elif remove_logo and row.logo:
        changes["logo"] = (row.logo.name, "")
        row.logo = ""
    if changes:
        row.save()
        record_audit(actor=actor, action="shop.settings_changed", obj=row, changes=changes, ip_address=ip_address)
        forget_shop_profile()
        transaction.on_commit(forget_shop_profile)  # and again, lest a reader cached the old row meanwhile
    return row
