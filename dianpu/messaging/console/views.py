"""Notification templates in the console: the list, an editor with a live preview, reset."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.template import TemplateSyntaxError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip
from dianpu.messaging import queries, services
from dianpu.messaging.domain.defaults import KIND_LABELS, KINDS, LANGUAGES, VARIABLES

COMMON_VARIABLES = (
    "order.number",
    "order.customer_name",
    "order.grand_total",
    "order.shipping_total",
    "order.lines",
    "shop_name",
    "status_url",
)


def _check(kind: str, language: str) -> None:
    if kind not in KINDS or language not in LANGUAGES:
        raise Http404()


def _english() -> bool:
    return (get_language() or "").startswith("en")


@staff_permission_required(roles.EDIT_TEMPLATES)
def template_list(request):
    return render(
        request, "messaging/console/template_list.html", {"templates": queries.list_templates(english=_english())}
    )


def _editor_context(kind, language, subject, body, edited) -> dict:
    return {
        "kind": kind,
        "language": language,
        "label": KIND_LABELS[kind][1 if _english() else 0],
        "subject": subject,
        "body": body,
        "edited": edited,
        "variables": COMMON_VARIABLES + VARIABLES.get(kind, ()),
        "preview": _preview(kind, language, subject, body),
    }


def _preview(kind, language, subject, body) -> dict:
    try:
        rendered = services.render_notification(
            kind, language, queries.preview_context(kind, language), subject=subject, body=body
        )
    except TemplateSyntaxError as exc:
        return {"error": str(exc)}
    return {"subject": rendered.subject, "text": rendered.text}


@staff_permission_required(roles.EDIT_TEMPLATES)
def template_edit(request, kind, language):
    _check(kind, language)
    if request.method == "POST":
        subject, body = request.POST.get("subject", ""), request.POST.get("body", "")
        try:
            services.save_template(
                kind=kind,
                language=language,
                subject=subject,
                body=body,
                actor=request.user,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            return render(
                request,
                "messaging/console/template_edit.html",
                {**_editor_context(kind, language, subject, body, True), "error": str(exc.detail)},
                status=422,
            )
        messages.success(request, _("通知模板已保存。"))
        return redirect("console:messaging:template-edit", kind=kind, language=language)
    subject, body, edited = queries.get_template_text(kind, language)
    return render(
        request, "messaging/console/template_edit.html", _editor_context(kind, language, subject, body, edited)
    )


@require_POST
@staff_permission_required(roles.EDIT_TEMPLATES)
def template_preview(request, kind, language):
    """htmx: the preview of unsaved edits, rendered with sample data."""
    _check(kind, language)
    return render(
        request,
        "messaging/console/_preview.html",
        {"preview": _preview(kind, language, request.POST.get("subject", ""), request.POST.get("body", ""))},
    )


@require_POST
@staff_permission_required(roles.EDIT_TEMPLATES)
def template_reset(request, kind, language):
    _check(kind, language)
    services.reset_template(kind=kind, language=language, actor=request.user, ip_address=client_ip(request))
    messages.success(request, _("已恢复默认模板。"))
    return redirect("console:messaging:template-edit", kind=kind, language=language)
