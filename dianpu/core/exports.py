"""Exports of console list tables (?export=csv|xlsx), the HTTP side of dianpu.core.tables.

The view checks the page's permission and applies the page's filters before calling; rows are
streamed from the query (CSV as a streaming response, XLSX written row by row)."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from dianpu.core.tables import Column, Table, csv_lines, xlsx_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

__all__ = ["Column", "Table", "export_response", "wants_export", "local_time"]


def wants_export(request) -> bool:
    return request.GET.get("export") in ("csv", "xlsx")


def local_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_response(request, table: Table):
    """The file for ?export=csv|xlsx, else None."""
    fmt = request.GET.get("export")
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(table), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_file(table), content_type=XLSX)
    else:
        return None
    response["Content-Disposition"] = f'attachment; filename="{table.key}.{fmt}"'
    return response
