"""{% tracking_script %}: the storefront's first-party tracking script tag (nothing when tracking is off)."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def tracking_script():
    if not settings.ANALYTICS_TRACKING_ENABLED:
        return ""
    return format_html(
        '<script src="{}" data-collect="{}" data-consent-required="{}" data-consent-text="{}" '
        'data-consent-accept="{}" data-consent-decline="{}" defer></script>',
        static("analytics/track.js"),
        reverse("api:analytics_collect"),
        "1" if settings.ANALYTICS_CONSENT_REQUIRED else "0",
        _("本店使用自有的统计 Cookie（不含第三方脚本）了解访问情况，以改进商品和服务。是否同意？"),
        pgettext("consent", "同意"),
        pgettext("consent", "不同意"),
    )
