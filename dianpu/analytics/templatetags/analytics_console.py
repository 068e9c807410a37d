"""{% table_rows table %}: a table's body rows (rates as percentages, links, flag badges);
{{ value|percent }}."""

from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from dianpu.core.tables import Table, format_cell

register = template.Library()


@register.simple_tag(takes_context=True)
def table_rows(context: Context, table: Table) -> SafeString:
    """The <tr> rows of the table's body, written in one pass: the same HTML the template loop
    wrote cell by cell (values localized and escaped as {{ }} does), without a template tag,
    a context push and a dozen variable look-ups per cell (a 200-row table was most of a page)."""
    columns = [(c, ' class="num"' if c.numeric or c.percent else "", table.links.get(c.key)) for c in table.columns]

    def shown(value: Any) -> str:
        return str(render_value_in_context(value, context))

    lines = []
    for row in table.rows:
        cells = []
        for column, css, url_key in columns:
            text = format_cell(row.get(column.key), column)
            url = row.get(url_key) if url_key else ""
            if url:
                inner = f'<a href="{shown(url)}">{shown(text)}</a>'
            elif column.key == "flag_label" and text:
                flag = shown(row["flag"]) if "flag" in row else ""  # as {{ row.flag }}: a missing key shows nothing
                inner = f'<span class="badge badge-flag-{flag}">{shown(text)}</span>'
            else:
                inner = shown(text)
            cells.append(f"<td{css}>{inner}</td>")
        lines.append(f"<tr>{''.join(cells)}</tr>\n    ")
    return mark_safe("".join(lines))  # every value went through render_value_in_context (escaped)


@register.filter
def percent(value) -> str:
    """0.1234 -> "12.3%"."""
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return "—"
