from django.conf import settings

from .queries import get_shop_profile


def shop(request):
    profile = get_shop_profile()
    return {
        "SHOP_NAME": profile.name,
        "SHOP_LOGO_URL": profile.logo_url,
        "SHOP_CURRENCY": profile.currency,
        "SHOP": profile,
        "SITE_URL": settings.SITE_URL,
    }
