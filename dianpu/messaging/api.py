"""Notification templates: list, edit, reset (staff with the template permission)."""

from datetime import datetime

from ninja import Field, Router, Schema

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.http import client_ip

from . import queries, services

router = Router(tags=["notifications"], auth=StaffToken())


class TemplateOut(Schema):
    kind: str
    label: str
    language: str
    subject: str
    body: str
    edited: bool
    updated_at: datetime | None = None


class TemplateIn(Schema):
    subject: str = Field(max_length=200)
    body: str = Field(max_length=20000)


def _out(kind: str, language: str) -> dict:
    row = next(t for t in queries.list_templates() if t["kind"] == kind and t["language"] == language)
    subject, body, edited = queries.get_template_text(kind, language)
    return {**row, "subject": subject, "body": body, "edited": edited}


@router.get(
    "/notification-templates",
    response=list[TemplateOut],
    summary="Customer notification templates per kind and language (edited or default)",
)
def list_templates(request):
    require_perm(request.auth, roles.EDIT_TEMPLATES)
    return [_out(t["kind"], t["language"]) for t in queries.list_templates()]


@router.put(
    "/notification-templates/{kind}/{language}",
    response=TemplateOut,
    summary="Replace a template's subject and body (Django template syntax; 422 if it does not compile)",
)
def save_template(request, kind: str, language: str, payload: TemplateIn):
    require_perm(request.auth, roles.EDIT_TEMPLATES)
    services.save_template(
        kind=kind,
        language=language,
        subject=payload.subject,
        body=payload.body,
        actor=request.auth,
        ip_address=client_ip(request),
    )
    return _out(kind, language)


@router.delete(
    "/notification-templates/{kind}/{language}", response=TemplateOut, summary="Back to the default template"
)
def reset_template(request, kind: str, language: str):
    require_perm(request.auth, roles.EDIT_TEMPLATES)
    services.reset_template(kind=kind, language=language, actor=request.auth, ip_address=client_ip(request))
    return _out(kind, language)
