"""{{ p.ends_at|window_end:"Y-m-d H:i" }}: the end of a promotion's window, or "no end"."""

from django import template
from django.template.defaultfilters import date as format_date
from django.utils.translation import pgettext

from dianpu.promotions.domain.window import is_open_end

register = template.Library()


@register.filter
def window_end(ends_at, fmt="Y-m-d H:i"):
    if is_open_end(ends_at):
        return pgettext("end date", "不限")
    return format_date(ends_at, fmt)


@register.filter
def has_end(ends_at) -> bool:
    return not is_open_end(ends_at)
