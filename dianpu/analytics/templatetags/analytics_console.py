"""{% cell row column table as value %}: a table cell's text (rates as percentages) and link."""

from django import template

from dianpu.core.tables import format_cell

register = template.Library()


@register.simple_tag
def cell(row, column, table):
    value = format_cell(row.get(column.key), column)
    url_key = table.links.get(column.key)
    return {"text": value, "url": row.get(url_key) if url_key else ""}


@register.filter
def percent(value) -> str:
    """0.1234 -> "12.3%"."""
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return "—"
