"""Platform order import (multipart file) and tracking export (CSV)."""

import json

from django.http import HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip
from dianpu.core.uploads import read_upload

from . import services
from .messages import MESSAGES

router = Router(tags=["channels"], auth=StaffToken())


class ImportOut(Schema):
    created: list[str]
    skipped: list[str]
    rows: int


@router.post("/channel-imports", response=ImportOut,
             summary="Import a Shopify orders export CSV (channel=shopify) or any CSV/XLSX with a column mapping "
                     "(channel=generic, channel_code, mapping JSON); all or nothing, 422 import_refused lists "
                     "row/column/reason; orders already imported from the channel are skipped")
def import_orders(request, file: File[UploadedFile], channel: Form[str], shipping_method: Form[str] = "standard",
                  channel_code: Form[str] = "", mapping: Form[str] = ""):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.IMPORT_CHANNEL_ORDERS)
    try:
        parsed = json.loads(mapping) if mapping.strip() else {}
        if not isinstance(parsed, dict):
            raise ValueError
    except ValueError:
        raise DomainError(MESSAGES["mapping_missing"], code="mapping_invalid", status=422, field="mapping") from None
    result = services.import_channel_orders(
        channel=channel, content=read_upload(file, services.UPLOAD_LIMITS), filename=file.name or "upload.csv", actor=request.auth,
        shipping_method=shipping_method, mapping={str(k): str(v) for k, v in parsed.items()},
        channel_code=channel_code, ip_address=client_ip(request))
    return {"created": result.created, "skipped": result.skipped, "rows": result.rows}


@router.get("/channel-exports/tracking", response={200: None},
            summary="Tracking numbers of a channel's shipped orders as Shopify's fulfillment CSV")
def export_tracking(request, channel: str = "shopify"):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.IMPORT_CHANNEL_ORDERS)
    return HttpResponse(services.export_tracking_csv(channel=channel.strip().lower()[:20]),
                        content_type="text/csv; charset=utf-8")
