"""Rendering and sending customer notifications; editing their templates (audited)."""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils.html import escape, linebreaks

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.actors import Actor, person_of
from dianpu.core.errors import DomainError
from dianpu.core.outbound import ensure_outside_transaction

from .domain.defaults import KINDS, LANGUAGES, normalize_language
from .messages import MESSAGES
from .models import NotificationTemplate
from .queries import get_template_text, preview_context

# A notification is one self-contained text: it may not pull in other templates or files
# ({% include %}, {% extends %}), load tag libraries, or dump its context ({% debug %}).
REFUSED_TAGS = frozenset({"include", "extends", "load", "debug"})
# Plain text out: no HTML escaping (the HTML part escapes the rendered text itself).
_ENGINE = Engine(autoescape=False)
# A link ends at white space or at Chinese punctuation (a URL often follows "：" without a space).
_URL = re.compile(r"https?://[^\s<>\"'，。；、）】]+")


def _html_body(text: str) -> str:
    """The text, escaped, with its URLs as links and its line breaks as paragraphs."""
    parts, pos = [], 0
    for match in _URL.finditer(text):
        url = escape(match.group(0))
        parts += [escape(text[pos : match.start()]), f'<a href="{url}">{url}</a>']
        pos = match.end()
    parts.append(escape(text[pos:]))
    return linebreaks("".join(parts), autoescape=False)


@dataclass(frozen=True)
class RenderedNotification:
    subject: str
    text: str
    html: str


def _render(source: str, context: dict[str, Any]) -> str:
    return _ENGINE.from_string(source).render(Context(context, autoescape=False))


def render_notification(
    kind: str, language: str, context: dict[str, Any], *, subject: str | None = None, body: str | None = None
) -> RenderedNotification:
    """Subject, text and HTML of a notification from the template in force (or the given
    subject/body: a preview of unsaved edits)."""
    language = normalize_language(language)
    if subject is None or body is None:
        subject, body, _edited = get_template_text(kind, language)
    text = _render(body, context).strip() + "\n"
    subject_text = " ".join(_render(subject, context).split())
    html = (
        f'<!doctype html><html lang="{escape(language)}"><body style="font-family:system-ui,sans-serif;'
        f'color:#222">{_html_body(text)}</body></html>'
    )
    return RenderedNotification(subject=subject_text, text=text, html=html)


def send_notification(*, to: str, kind: str, language: str, context: dict[str, Any]) -> None:
    """Send one notification through Django's e-mail backend (SMTP in production). Never inside a
    database transaction (queue it on commit): the mail server may be slow."""
    ensure_outside_transaction(f"e-mail {kind}")
    rendered = render_notification(kind, language, context)
    message = EmailMultiAlternatives(rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(rendered.html, "text/html")
    message.send()


def _check(kind: str, language: str, subject: str, body: str) -> None:
    if kind not in KINDS or language not in LANGUAGES:
        raise DomainError(str(MESSAGES["template_kind_unknown"]), code="template_kind_unknown", status=404)
    if not subject.strip() or not body.strip():
        raise DomainError(str(MESSAGES["template_subject_required"]), code="template_subject_required", status=422)
    for source in (subject, body):
        for token in Lexer(source).tokenize():
            tag = token.split_contents()[0] if token.token_type == TokenType.BLOCK and token.contents else ""
            if tag in REFUSED_TAGS:
                raise DomainError(
                    str(MESSAGES["template_tag_refused"]) % {"tag": tag},
                    code="template_tag_refused",
                    status=422,
                    tag=tag,
                )
    try:
        render_notification(kind, language, preview_context(kind, language), subject=subject, body=body)
    except (TemplateSyntaxError, TemplateDoesNotExist) as exc:
        raise DomainError(
            str(MESSAGES["template_invalid"]) % {"error": exc}, code="template_invalid", status=422
        ) from None


@transaction.atomic
def save_template(
    *, kind: str, language: str, subject: str, body: str, actor: Actor = None, ip_address: str | None = None
) -> NotificationTemplate:
    """Replace the subject and body of one kind in one language. A template that does not
    compile is refused (422) and the one in force stays."""
    subject = subject.strip()[:200]
    _check(kind, language, subject, body)
    old_subject, old_body, _edited = get_template_text(kind, language)
    person = person_of(actor)
    row, _created = NotificationTemplate.objects.update_or_create(
        kind=kind,
        language=language,
        defaults={"subject": subject, "body": body, "updated_by": person, "updated_at": clock.now()},
    )
    record_audit(
        actor=actor,
        action="notification_template.saved",
        obj=row,
        object_repr=f"{kind} / {language}",
        changes={"subject": (old_subject, subject), "body": (old_body, body)},
        ip_address=ip_address,
    )
    return row


@transaction.atomic
def reset_template(*, kind: str, language: str, actor: Actor = None, ip_address: str | None = None) -> None:
    """Back to the default text shipped with dianpu."""
    if kind not in KINDS or language not in LANGUAGES:
        raise DomainError(str(MESSAGES["template_kind_unknown"]), code="template_kind_unknown", status=404)
    row = NotificationTemplate.objects.filter(kind=kind, language=language).first()
    if row is None:
        return
    record_audit(
        actor=actor,
        action="notification_template.reset",
        obj=row,
        object_repr=f"{kind} / {language}",
        changes={"subject": (row.subject, None)},
        ip_address=ip_address,
    )
    row.delete()
