"""Template helpers for every console page: the navigation, money, stored changes."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from dianpu.console.navigation import section_of, sections_for

register = template.Library()


@register.inclusion_tag("console/_nav.html", takes_context=True)
def console_nav(context):
    """The sections this user may open; the current one (from the URL namespace) highlighted."""
    request = context["request"]
    match = getattr(request, "resolver_match", None)
    namespaces = match.namespaces if match else []
    active = section_of(namespaces)
    return {"sections": sections_for(request.user), "active": active}


@register.filter
def money(value) -> str:
    """¥1,234.50"""
    if value in (None, ""):
        return "—"
    return "¥" + number_format(Decimal(value), decimal_pos=2, force_grouping=True)
