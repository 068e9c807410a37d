"""The storefront speaks only the languages the shop offers (shop settings), in the owner's default
language unless the visitor chose another with the language switcher (its cookie)."""

from django.conf import settings
from django.utils import translation

from .queries import get_shop_profile

NOT_STOREFRONT = ("/console/", "/api/", "/admin/", "/static/", "/media/")


def storefront_language(*, chosen: str | None, negotiated: str, offered: tuple, default: str) -> str:
    if chosen in offered:
        return chosen
    if default:
        return default
    return negotiated if negotiated in offered else offered[0]


class StorefrontLanguageMiddleware:
    """After LocaleMiddleware: corrects the language it picked for storefront pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(NOT_STOREFRONT):
            profile = get_shop_profile()
            language = storefront_language(
                chosen=request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
                negotiated=translation.get_language(),
                offered=profile.languages,
                default=profile.default_language,
            )
            if language != translation.get_language():
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
