"""Knowledge-base and bot endpoints.

No token: the storefront bot (`POST /support/bot`, rating its answers) and the public help
articles. Staff token: articles (any staff reads, internal notes too; knowledge.manage_articles
writes and publishes) and the bot log (knowledge.manage_articles).
"""

from typing import Annotated

from django.utils.translation import get_language
from ninja import Field, Router, Schema, Status

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.bounds import PageNumber
from dianpu.core.http import client_ip
from dianpu.core.sanitize import plain_text

from . import queries, services
from .domain.ranking import excerpt

router = Router(tags=["knowledge"])
PAGE_SIZE = 50
BigId = Annotated[int, Field(ge=1, le=2**62)]


class Problem(Schema):
    code: str
    detail: str


class BotMessageIn(Schema):
    message: str = Field(max_length=2000)
    conversation_id: BigId | None = None
    token: str | None = Field(default=None, max_length=200)
    session: str | None = Field(
        default=None, max_length=64, description="the `session` of the previous reply: what the visitor told the bot"
    )


class BotSourceOut(Schema):
    title: str
    url: str


class BotReplyOut(Schema):
    answer: str
    sources: list[BotSourceOut]
    handed_over: bool
    answer_id: int = Field(description="rate it at /support/bot/answers/{answer_id}/rating")
    session: str = Field(description="send it back with the next message")
    conversation_id: int | None = Field(default=None, description="the support conversation after a hand-over")
    token: str | None = Field(default=None, description="that conversation's visitor token")


class BotRatingIn(Schema):
    session: str = Field(max_length=64)
    helpful: bool


class BotRatingOut(Schema):
    id: int
    rating: int


class HelpArticleOut(Schema):
    slug: str
    title: str
    url: str
    category: str
    language: str
    excerpt: str


class HelpArticleList(Schema):
    items: list[HelpArticleOut]


class HelpArticleDetailOut(Schema):
    slug: str
    title: str
    url: str
    category: str
    language: str
    body_html: str
    updated_at: str


class KnowledgeArticleIn(Schema):
    title: str = Field(max_length=400)
    body: str = Field(default="", max_length=60_000)
    slug: str = Field(default="", max_length=80)
    category: str = "other"
    audience: str = "public"
    language: str = "zh-hans"


class KnowledgeArticleOut(Schema):
    id: int
    slug: str
    title: str
    body: str
    body_html: str
    category: str
    audience: str
    language: str
    status: str
    updated_at: str


class KnowledgeArticleList(Schema):
    items: list[KnowledgeArticleOut]


class BotAnswerOut(Schema):
    id: int
    question: str
    answer: str
    kind: str
    sources: list[BotSourceOut]
    handed_over: bool
    order_looked_up: bool
    rating: int | None
    created_at: str


class BotAnswerList(Schema):
    items: list[BotAnswerOut]
    page: int


def _help_out(article, terms=()) -> dict:
    return {
        "slug": article.slug,
        "title": article.title,
        "url": queries.article_url(article),
        "category": article.category,
        "language": article.language,
        "excerpt": excerpt(plain_text(article.body_html), list(terms), 160),
    }


def _article_out(a) -> dict:
    return {
        "id": a.pk,
        "slug": a.slug,
        "title": a.title,
        "body": a.body,
        "body_html": a.body_html,
        "category": a.category,
        "audience": a.audience,
        "language": a.language,
        "status": a.status,
        "updated_at": a.updated_at.isoformat(),
    }


@router.post(
    "/support/bot",
    response={200: BotReplyOut, 422: Problem, 429: Problem},
    summary="Ask the storefront bot (no token)",
    description="Answers from public help articles (`sources`), order status and tracking once the message "
    "(or an earlier one in the same `session`) gave the order number and its e-mail or phone, "
    "or hands over to a person (`handed_over`). 429 `too_many_messages` over 20 a minute.",
)
def ask_bot(request, payload: BotMessageIn):
    reply = services.answer_bot_message(
        message=payload.message,
        session_key=payload.session or "",
        conversation_id=payload.conversation_id,
        token=payload.token,
        ip_address=client_ip(request),
        language=get_language() or "",
    )
    return {
        "answer": reply.answer,
        "sources": reply.sources,
        "handed_over": reply.handed_over,
        "answer_id": reply.answer_id,
        "session": reply.session,
        "conversation_id": reply.conversation_id,
        "token": reply.token,
    }


@router.post(
    "/support/bot/answers/{answer_id}/rating",
    response={200: BotRatingOut, 404: Problem, 422: Problem},
    summary="Rate a bot answer: helpful or not (no token; the session that got it)",
)
def rate_bot_answer(request, answer_id: BigId, payload: BotRatingIn):
    answer = services.rate_bot_answer(answer_id=answer_id, session_key=payload.session, helpful=payload.helpful)
    return {"id": answer.pk, "rating": answer.rating}


@router.get("/help/articles", response=HelpArticleList, summary="Public help articles, or those matching `q`")
def list_help_articles(request, q: str = "", language: str = ""):
    q, language = q[:200], language[:10]
    if q.strip():
        return {"items": [_help_out(f.article, f.terms) for f in queries.search_articles(q, language=language)]}
    return {"items": [_help_out(a) for a in queries.list_public_articles(language=language)[: PAGE_SIZE * 4]]}


@router.get(
    "/help/articles/{slug}", response={200: HelpArticleDetailOut, 404: Problem}, summary="One public help article"
)
def get_help_article(request, slug: str):
    a = queries.get_public_article(slug)
    return {**_help_out(a), "body_html": a.body_html, "updated_at": a.updated_at.isoformat()}


@router.get(
    "/knowledge/articles",
    response=KnowledgeArticleList,
    auth=StaffToken(),
    summary="Every article, internal notes and drafts included (staff)",
)
def list_knowledge_articles(request, status: str = "", audience: str = "", page: PageNumber = 1):
    rows = queries.list_articles(status=status, audience=audience)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {"items": [_article_out(a) for a in rows]}


@router.post(
    "/knowledge/articles",
    response={201: KnowledgeArticleOut, 403: Problem, 422: Problem},
    auth=StaffToken(),
    summary="Write an article (a draft until published)",
)
def create_knowledge_article(request, payload: KnowledgeArticleIn):
    require_perm(request.user, roles.MANAGE_KNOWLEDGE)
    article = services.save_article(**payload.dict(), actor=request.user, ip_address=client_ip(request))
    return Status(201, _article_out(article))


@router.put(
    "/knowledge/articles/{article_id}",
    response={200: KnowledgeArticleOut, 403: Problem, 404: Problem, 422: Problem},
    auth=StaffToken(),
    summary="Change an article",
)
def update_knowledge_article(request, article_id: BigId, payload: KnowledgeArticleIn):
    require_perm(request.user, roles.MANAGE_KNOWLEDGE)
    return _article_out(
        services.save_article(
            article_id=article_id, **payload.dict(), actor=request.user, ip_address=client_ip(request)
        )
    )


@router.post(
    "/knowledge/articles/{article_id}/publish",
    response={200: KnowledgeArticleOut, 403: Problem, 404: Problem},
    auth=StaffToken(),
    summary="Publish an article (audited)",
)
def publish_knowledge_article(request, article_id: BigId):
    require_perm(request.user, roles.MANAGE_KNOWLEDGE)
    return _article_out(
        services.publish_article(article_id=article_id, actor=request.user, ip_address=client_ip(request))
    )


@router.post(
    "/knowledge/articles/{article_id}/unpublish",
    response={200: KnowledgeArticleOut, 403: Problem, 404: Problem},
    auth=StaffToken(),
    summary="Take an article back to draft (audited)",
)
def unpublish_knowledge_article(request, article_id: BigId):
    require_perm(request.user, roles.MANAGE_KNOWLEDGE)
    return _article_out(
        services.unpublish_article(article_id=article_id, actor=request.user, ip_address=client_ip(request))
    )


@router.get(
    "/knowledge/bot-answers",
    response={200: BotAnswerList, 403: Problem},
    auth=StaffToken(),
    summary="The bot log: `show` = unanswered | handed_over | unhelpful | orders",
)
def list_bot_answers(request, show: str = "", page: PageNumber = 1):
    require_perm(request.user, roles.MANAGE_KNOWLEDGE)
    rows = queries.list_bot_answers(show=show)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {
        "page": page,
        "items": [
            {
                "id": a.pk,
                "question": a.question,
                "answer": a.answer,
                "kind": a.kind,
                "sources": a.sources or [],
                "handed_over": a.handed_over,
                "order_looked_up": a.order_looked_up,
                "rating": a.rating,
                "created_at": a.created_at.isoformat(),
            }
            for a in rows
        ],
    }
