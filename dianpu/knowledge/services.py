"""Knowledge-base use cases: writing and publishing articles, and the storefront bot.

The bot (`answer_bot_message`) never reveals anything about an order to a visitor who has not
given the order's number AND the e-mail or phone it was placed with: a wrong e-mail and an order
that does not exist get the same words, and every failed proof counts against the order look-up
budget that the order-status page also spends (accounts.throttling), per order and per address.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from dianpu.accounts import throttling
from dianpu.audit.services import record_audit
from dianpu.catalog.domain.search import build_search_document
from dianpu.catalog.domain.slugs import first_free_slug, is_valid_slug, make_slug
from dianpu.core import clock, ratelimit
from dianpu.core.actors import Actor, person_of
from dianpu.core.errors import DomainError, NotFoundError, ValidationFailed
from dianpu.core.sanitize import clean_text, plain_text, sanitize_html
from dianpu.core.visitor_tokens import hash_token, new_token
from dianpu.fulfillment.queries import list_tracking_events
from dianpu.orders.models import Order

from . import queries
from .answerers import Passage, get_answerer
from .domain.bot import Memory, Step, decide, forget_proof, remember
from .domain.parsing import parse_message, proof_matches
from .domain.ranking import excerpt, is_confident
from .messages import BOT, MESSAGES
from .models import Article, BotAnswer, BotSession

MAX_TITLE = 200
MAX_BODY = 50_000
# Visitor floods: bot messages per client address per minute.
BOT_MESSAGES = ratelimit.Limit("bot-messages", 20, 60)
EVENTS_SHOWN = 3
SESSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")  # visitor_tokens.new_token(): 43 such characters

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render_body(source: str) -> str:
    """Markdown to safe HTML: HTML typed in the text is escaped (shown as text), then sanitised."""
    return sanitize_html(_markdown.render(source or ""))


# --- articles ---------------------------------------------------------------------------------------


def _choice(value: str, choices: Iterable[tuple[str, Any]], name: str, errors: dict[str, str]) -> str:
    if value not in {c for c, _label in choices}:
        errors[name] = str(MESSAGES["choice_invalid"])
    return value


@transaction.atomic
def save_article(
    *,
    article_id: int | None = None,
    title: str,
    body: str,
    category: str = "other",
    audience: str = "public",
    language: str = "zh-hans",
    slug: str = "",
    actor: Actor = None,
    ip_address: str | None = None,
) -> Article:
    """Create or change an article (its status is changed only by publish/unpublish)."""
    errors: dict[str, str] = {}
    codes: dict[str, str] = {}
    title = clean_text(title)
    if not title:
        errors["title"], codes["title"] = str(MESSAGES["title_required"]), "title_required"
    elif len(title) > MAX_TITLE:
        errors["title"], codes["title"] = str(MESSAGES["title_too_long"]), "title_too_long"
    body = (body or "").replace("\r\n", "\n")
    if len(body) > MAX_BODY:
        errors["body"], codes["body"] = str(MESSAGES["body_too_long"]), "body_too_long"
    _choice(category, Article.Category.choices, "category", errors)
    _choice(audience, Article.Audience.choices, "audience", errors)
    _choice(language, Article.Language.choices, "language", errors)
    slug = (slug or "").strip().lower()
    if slug and not is_valid_slug(slug):
        errors["slug"], codes["slug"] = str(MESSAGES["slug_invalid"]), "slug_invalid"
    article = None
    if article_id is not None:
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise NotFoundError(MESSAGES["article_not_found"], code="article_not_found")
    if slug and not errors and Article.objects.filter(slug=slug).exclude(pk=article_id or 0).exists():
        errors["slug"], codes["slug"] = str(MESSAGES["slug_taken"]), "slug_taken"
    if errors:
        raise ValidationFailed(errors, codes=codes)
    now = clock.now()
    if article is None:
        base = slug or make_slug(title, fallback_prefix="help")
        slug = slug or first_free_slug(base, lambda s: Article.objects.filter(slug=s).exists())
        article = Article(created_at=now)
    before = {f: getattr(article, f) for f in ("title", "slug", "category", "audience", "language")}
    body_html = render_body(body)
    article.title, article.body, article.body_html = title, body, body_html
    article.slug = slug or article.slug
    article.category, article.audience, article.language = category, audience, language
    article.search_title = build_search_document(title)
    article.search_document = build_search_document(plain_text(body_html))
    article.updated_at, article.updated_by = now, person_of(actor)
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        raise ValidationFailed({"slug": str(MESSAGES["slug_taken"])}, codes={"slug": "slug_taken"}) from None
    changes = {f: (old, getattr(article, f)) for f, old in before.items() if old != getattr(article, f)}
    record_audit(
        actor=actor,
        action="knowledge.article_created" if article_id is None else "knowledge.article_changed",
        obj=article,
        changes=changes,
        ip_address=ip_address,
    )
    return article


def _set_status(article_id: int, status: str, action: str, actor: Actor, ip_address: str | None) -> Article:
    with transaction.atomic():
        article = Article.objects.filter(pk=article_id).first()
        if article is None:
            raise NotFoundError(MESSAGES["article_not_found"], code="article_not_found")
        now = clock.now()
        changed = {"status": status, "updated_at": now}
        if status == Article.Status.PUBLISHED:
            changed["published_at"] = now
        # Conditional: only a change of status is written and audited (two clicks, one entry).
        if Article.objects.filter(pk=article_id).exclude(status=status).update(**changed):
            record_audit(
                actor=actor,
                action=action,
                obj=article,
                changes={"status": (article.status, status)},
                ip_address=ip_address,
            )
        article.refresh_from_db()
        return article


def publish_article(*, article_id: int, actor: Actor = None, ip_address: str | None = None) -> Article:
    return _set_status(article_id, Article.Status.PUBLISHED, "knowledge.article_published", actor, ip_address)


def unpublish_article(*, article_id: int, actor: Actor = None, ip_address: str | None = None) -> Article:
    return _set_status(article_id, Article.Status.DRAFT, "knowledge.article_unpublished", actor, ip_address)


# --- the bot ----------------------------------------------------------------------------------------


@dataclass
class BotReply:
    answer: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    handed_over: bool = False
    answer_id: int = 0
    session: str = ""
    conversation_id: int | None = None
    token: str | None = None


@dataclass
class _Outcome:
    answer: str
    kind: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.0
    handed_over: bool = False
    order_looked_up: bool = False
    order_proved: bool = False


def _is_session_key(key: str) -> bool:
    return bool(SESSION_KEY.fullmatch(key or ""))


def _session(key: str) -> tuple[BotSession, str]:
    """The visitor's bot session and its key (a new session, with a new key, for a missing or
    unknown one)."""
    now = clock.now()
    session = BotSession.objects.filter(key_hash=hash_token(key)).first() if _is_session_key(key) else None
    if session is None:
        key = new_token()
        session = BotSession.objects.create(key_hash=hash_token(key), created_at=now, last_seen_at=now)
    return session, key


def _order_answer(order: Order) -> str:
    lines = [BOT["order_status"] % {"number": order.number, "status": order.get_status_display()}]
    shipments = list(order.shipments.all().order_by("shipped_at", "id"))
    if not shipments:
        if order.status not in (Order.Status.CANCELLED, Order.Status.COMPLETED, Order.Status.DELIVERED):
            lines.append(str(BOT["order_not_shipped"]))
        return "\n".join(lines)
    events = list_tracking_events([s.pk for s in shipments])
    for shipment in shipments:
        lines.append(
            BOT["order_parcel"]
            % {
                "carrier": shipment.carrier.upper(),
                "tracking": shipment.tracking_number,
                "parcel_status": shipment.get_status_display(),
            }
        )
        shown = events.get(shipment.pk, [])[:EVENTS_SHOWN]
        if not shown:
            lines.append(str(BOT["order_no_events"]))
        for event in shown:
            lines.append(
                (
                    BOT["order_event"]
                    % {
                        "time": timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M"),
                        "location": event.location,
                        "description": event.description or event.get_status_display(),
                    }
                ).strip()
            )
    return "\n".join(lines)


def _look_up_order(memory: Memory, ip: str | None) -> tuple[_Outcome, Memory]:
    number = memory.order_number
    if throttling.is_order_lookup_refused(number, ip):
        return _Outcome(str(BOT["order_throttled"]), BotAnswer.Kind.THROTTLED, order_looked_up=True), forget_proof(
            memory
        )
    order = Order.objects.filter(number=number).only("number", "email", "ship_phone", "status").first()
    if order is None or not proof_matches(
        given_email=memory.email, given_phone=memory.phone, order_email=order.email, order_phone=order.ship_phone
    ):
        throttling.record_order_lookup_failure(number, ip)
        # The same words whether the order exists or not.
        return _Outcome(str(BOT["order_not_matched"]), BotAnswer.Kind.ORDER, order_looked_up=True), forget_proof(memory)
    return _Outcome(_order_answer(order), BotAnswer.Kind.ORDER, order_looked_up=True, order_proved=True), memory


def _articles_outcome(question: str, language: str) -> _Outcome | None:
    found = queries.search_articles(question, language=language, limit=3)
    if not found or not is_confident(found[0].ranked):
        return None
    best = found[0]
    terms = found[0].terms
    sources = [{"title": best.article.title, "url": queries.article_url(best.article)}]
    text = excerpt(plain_text(best.article.body_html), terms)
    answer = BOT["article_answer"] % {"excerpt": text, "title": best.article.title}
    passages = [
        Passage(r.article.title, plain_text(r.article.body_html)[:2000], queries.article_url(r.article)) for r in found
    ]
    composed = get_answerer().compose(question=question, passages=passages, language=language)
    if composed:
        answer = composed
    return _Outcome(answer, BotAnswer.Kind.ARTICLE, sources, best.ranked.confidence)


def _hand_over(
    session: BotSession,
    memory: Memory,
    *,
    conversation_id: int | None,
    token: str | None,
    question: str,
    bot_answer: str,
) -> tuple[int, str] | None:
    """A conversation for a person (support app), when that app offers it; else None (the hand-over
    is still in the bot log, where the console lists it)."""
    try:
        from dianpu.support.services import hand_over_from_bot
    except (ImportError, AttributeError):
        return None
    try:
        result = hand_over_from_bot(
            conversation_id=conversation_id or session.conversation_id,
            token=token or session.conversation_token or None,
            name=_("访客"),
            email=memory.email,
            question=question,
            bot_answer=bot_answer,
        )
    except DomainError:
        return None
    return (int(result[0]), str(result[1])) if result else None


def answer_bot_message(
    *,
    message: str,
    session_key: str = "",
    conversation_id: int | None = None,
    token: str | None = None,
    ip_address: str | None = None,
    language: str = "zh-hans",
) -> BotReply:
    """One visitor message to the bot -> its answer, logged. Over 20 a minute per address: 429."""
    if not ratelimit.take(BOT_MESSAGES, ratelimit.client_key(ip_address)):
        raise DomainError(MESSAGES["too_many_messages"], code="too_many_messages", status=429)
    parsed = parse_message(message)
    if not parsed.text:
        raise ValidationFailed({"message": str(MESSAGES["message_required"])}, codes={"message": "message_required"})
    session, session_key = _session(session_key)
    memory = remember(Memory(session.order_number, session.email, session.phone), parsed)
    step = decide(parsed, memory)
    handover = None
    # The message's language; for a bare order number or e-mail, the conversation's (else the page's).
    language = parsed.language or (
        session.answers.order_by("-id").values_list("language", flat=True).first()
        or ("en" if (language or "").startswith("en") else "zh-hans")
    )
    outcome: _Outcome | None
    with translation.override(language):
        if step == Step.LOOK_UP_ORDER:
            outcome, memory = _look_up_order(memory, ip_address)
        elif step == Step.ASK_ORDER_NUMBER:
            outcome = _Outcome(str(BOT["ask_order_number"]), BotAnswer.Kind.ASK_PROOF)
        elif step == Step.ASK_PROOF:
            outcome = _Outcome(BOT["ask_proof"] % {"number": memory.order_number}, BotAnswer.Kind.ASK_PROOF)
        elif step == Step.GREETING:
            outcome = _Outcome(str(BOT["greeting"]), BotAnswer.Kind.GREETING, confidence=1.0)
        else:
            outcome = None if step == Step.HUMAN else _articles_outcome(parsed.text, language)
            if outcome is None and step != Step.HUMAN and parsed.mentions_order:
                # About orders, and no article answers it: the visitor may mean their own order.
                outcome = _Outcome(str(BOT["ask_order_number"]), BotAnswer.Kind.ASK_PROOF)
            if outcome is None:
                asked = step == Step.HUMAN
                outcome = _Outcome(
                    str(BOT["handed_over" if asked else "handed_over_unsure"]),
                    BotAnswer.Kind.HANDED_OVER if asked else BotAnswer.Kind.UNANSWERED,
                    handed_over=True,
                )
                handover = _hand_over(
                    session,
                    memory,
                    conversation_id=conversation_id,
                    token=token,
                    question=parsed.text,
                    bot_answer=outcome.answer,
                )
    now = clock.now()
    with transaction.atomic():
        session_changes = {
            "order_number": memory.order_number,
            "email": memory.email,
            "phone": memory.phone,
            "last_seen_at": now,
        }
        if handover:
            session_changes.update(conversation_id=handover[0], conversation_token=handover[1])
        BotSession.objects.filter(pk=session.pk).update(**session_changes)
        logged = BotAnswer.objects.create(
            session=session,
            question=parsed.text,
            answer=outcome.answer,
            kind=outcome.kind,
            sources=outcome.sources,
            confidence=outcome.confidence,
            handed_over=outcome.handed_over,
            order_looked_up=outcome.order_looked_up,
            order_proved=outcome.order_proved,
            language=language,
            created_at=now,
        )
    conversation = handover or (
        (session.conversation_id, session.conversation_token) if session.conversation_id else None
    )
    return BotReply(
        answer=outcome.answer,
        sources=outcome.sources,
        handed_over=outcome.handed_over,
        answer_id=logged.pk,
        session=session_key,
        conversation_id=conversation[0] if conversation else None,
        token=conversation[1] if conversation else None,
    )


def rate_bot_answer(*, answer_id: int, session_key: str, helpful: bool) -> BotAnswer:
    """The visitor who got the answer rates it (thumbs up or down; a second rating replaces the first)."""
    if not _is_session_key(session_key):
        raise NotFoundError(MESSAGES["answer_not_found"], code="answer_not_found")
    updated = BotAnswer.objects.filter(pk=answer_id, session__key_hash=hash_token(session_key)).update(
        rating=1 if helpful else -1, rated_at=clock.now()
    )
    if not updated:
        raise NotFoundError(MESSAGES["answer_not_found"], code="answer_not_found")
    return BotAnswer.objects.get(pk=answer_id)


# What a visitor told the bot (order number, e-mail, phone) is kept while the chat goes on, then dropped.
IDLE_SESSION_HOURS = 24


def forget_idle_bot_sessions() -> int:
    """Clear the order number, e-mail and phone of bot sessions idle for a day; the number cleared.
    The log of questions and answers stays (operators read it); one statement, safe to run twice."""
    cutoff = clock.now() - timedelta(hours=IDLE_SESSION_HOURS)
    return (
        BotSession.objects.filter(last_seen_at__lt=cutoff)
        .exclude(order_number="", email="", phone="")
        .update(order_number="", email="", phone="")
    )
