"""The shop's settings as every app reads them: the saved row over the environment's defaults."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .models import ShopSettings

CACHE_KEY = "shop:profile:v1"


@dataclass(frozen=True)
class ShopProfile:
    name: str
    logo_url: str
    contact_email: str
    contact_phone: str
    business_hours: str
    sender_name: str
    sender_phone: str
    sender_address: str
    currency: str
    prices_include_tax: bool
    unpaid_timeout_hours: int

    @property
    def sender_line(self) -> str:
        """The sender as a label prints it: name, phone, address (the shop's name when unset)."""
        parts = [self.sender_name or self.name, self.sender_phone, self.sender_address]
        return " · ".join(p for p in parts if p)


def get_shop_settings() -> ShopSettings:
    """The row itself (unsaved defaults when none exists yet), for the settings page."""
    return ShopSettings.objects.filter(pk=1).first() or ShopSettings(pk=1)


def get_shop_profile() -> ShopProfile:
    """The effective settings, cached until the next save."""
    profile = cache.get(CACHE_KEY)
    if profile is None:
        profile = profile_of(ShopSettings.objects.filter(pk=1).first())
        cache.set(CACHE_KEY, profile, 300)
    return profile


def profile_of(row: ShopSettings | None) -> ShopProfile:
    row = row or ShopSettings(pk=1)
    return ShopProfile(
        name=row.name or settings.SHOP_NAME,
        logo_url=row.logo.url if row.logo else "",
        contact_email=row.contact_email, contact_phone=row.contact_phone, business_hours=row.business_hours,
        sender_name=row.sender_name, sender_phone=row.sender_phone, sender_address=row.sender_address,
        currency=row.currency or settings.SHOP_CURRENCY,
        prices_include_tax=row.prices_include_tax,
        unpaid_timeout_hours=row.unpaid_timeout_hours or settings.UNPAID_ORDER_TIMEOUT_HOURS,
    )


def forget_shop_profile() -> None:
    cache.delete(CACHE_KEY)
