"""The shop's settings as every app reads them: the saved row over the environment's defaults."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache

from .models import ShopSettings

CACHE_KEY = "shop:profile:v2"


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
    payment_methods: dict = field(default_factory=dict)
    languages: tuple = ()
    default_language: str = ""

    def payment_method_on(self, code: str) -> bool:
        """A method the owner has not switched off (every method is on until then)."""
        return bool(self.payment_methods.get(code, {}).get("on", True))

    def payment_fee(self, code: str) -> tuple[Decimal, Decimal]:
        """The method's fee: (percent of the order total, fixed amount), both Decimal."""
        entry = self.payment_methods.get(code, {})
        return Decimal(entry.get("fee_percent") or "0"), Decimal(entry.get("fee_fixed") or "0")

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
        contact_email=row.contact_email,
        contact_phone=row.contact_phone,
        business_hours=row.business_hours,
        sender_name=row.sender_name,
        sender_phone=row.sender_phone,
        sender_address=row.sender_address,
        currency=row.currency or settings.SHOP_CURRENCY,
        prices_include_tax=row.prices_include_tax,
        unpaid_timeout_hours=row.unpaid_timeout_hours or settings.UNPAID_ORDER_TIMEOUT_HOURS,
        payment_methods=dict(row.payment_methods or {}),
        languages=tuple(offered_languages(row)),
        default_language=default_language_of(row),
    )


def offered_languages(row: ShopSettings) -> list[str]:
    """The storefront's languages in settings.LANGUAGES order: the chosen ones, or all."""
    known = [code for code, _name in settings.LANGUAGES]
    chosen = [code for code in known if code in (row.languages or [])]
    return chosen or known


def default_language_of(row: ShopSettings) -> str:
    """The owner's default storefront language; "" when unset (the browser's language is used)."""
    return row.default_language if row.default_language in offered_languages(row) else ""


def forget_shop_profile() -> None:
    cache.delete(CACHE_KEY)
