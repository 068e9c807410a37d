"""Reads: articles for the console and the help pages, article search, the bot log.

Search: a help centre holds tens to a few thousand articles, so the database narrows the articles
to those holding any of the question's terms (a LIKE on the token documents, the same on SQLite
and PostgreSQL, at most CANDIDATES rows) and domain.ranking orders them (idf-weighted, title
three times the body) — no full-text index or extra search service to keep in step.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from dianpu.catalog.domain.search import has_cjk
from dianpu.core import clock
from dianpu.core.errors import NotFoundError

from .domain.ranking import Candidate, Ranked, plan_terms, rank, widen_terms
from .messages import MESSAGES
from .models import Article, BotAnswer

CANDIDATES = 300
MAX_RESULTS = 50
LANGUAGES = ("zh-hans", "en")


def _known(value: str, choices) -> str:
    """A filter value the column can hold, or "" (no filter): never a stray value sent to the database."""
    return value if value in {code for code, _label in choices} else ""


@dataclass(frozen=True)
class Found:
    article: Article
    ranked: Ranked
    terms: list[str]


def article_url(article: Article) -> str:
    return reverse("storefront:help-article", args=[article.slug])


def _term_filter(term: str) -> Q:
    needle = term if has_cjk(term) else " " + term
    return Q(search_title__contains=needle) | Q(search_document__contains=needle)


def search_articles(
    query: str, *, staff: bool = False, language: str = "", limit: int = 20, include_drafts: bool = False
) -> list[Found]:
    """Published articles matching `query`, best first: public ones (internal ones too for `staff`,
    drafts too with `include_drafts`: the console). With `language`, only articles in that language
    or both when any of them match."""
    terms = plan_terms(query or "")
    if not terms:
        return []
    language = language if language in LANGUAGES else ""
    articles = Article.objects.all() if include_drafts else Article.objects.filter(status=Article.Status.PUBLISHED)
    if not staff:
        articles = articles.filter(audience=Article.Audience.PUBLIC)
    from dianpu.catalog.queries import list_search_synonyms

    alternatives = widen_terms(terms, [s.word_list for s in list_search_synonyms()])
    words = list(dict.fromkeys(t for ways in alternatives.values() for way in ways for t in way))
    match = Q()
    for term in words:
        match |= _term_filter(term)
    pool = articles.filter(match)
    if language:
        in_language = pool.filter(language__in=[language, Article.Language.BOTH])
        if in_language.exists():
            pool = in_language
    rows = {a.pk: a for a in pool.order_by("-updated_at", "-id")[:CANDIDATES]}
    ranked = rank(terms, [Candidate(a.pk, a.search_title, a.search_document) for a in rows.values()], alternatives)
    return [Found(rows[r.id], r, words) for r in ranked[: min(limit, MAX_RESULTS)]]


def list_public_articles(*, language: str = "") -> QuerySet:
    articles = Article.objects.filter(status=Article.Status.PUBLISHED, audience=Article.Audience.PUBLIC)
    if language in LANGUAGES:
        articles = articles.filter(language__in=[language, Article.Language.BOTH])
    return articles.order_by("category", "title", "id")


def get_public_article(slug: str) -> Article:
    article = Article.objects.filter(
        slug=slug, status=Article.Status.PUBLISHED, audience=Article.Audience.PUBLIC
    ).first()
    if article is None:
        raise NotFoundError(MESSAGES["article_not_found"], code="article_not_found")
    return article


def list_articles(*, status: str = "", audience: str = "", category: str = "") -> QuerySet:
    """Every article for the console (staff see internal notes and drafts)."""
    articles = Article.objects.select_related("updated_by")
    status, audience = _known(status, Article.Status.choices), _known(audience, Article.Audience.choices)
    category = _known(category, Article.Category.choices)
    if status:
        articles = articles.filter(status=status)
    if audience:
        articles = articles.filter(audience=audience)
    if category:
        articles = articles.filter(category=category)
    return articles.order_by("-updated_at", "-id")


def get_article(pk: int) -> Article:
    article = Article.objects.select_related("updated_by").filter(pk=pk).first()
    if article is None:
        raise NotFoundError(MESSAGES["article_not_found"], code="article_not_found")
    return article


BOT_FILTERS = {
    "": Q(),
    "unanswered": Q(kind=BotAnswer.Kind.UNANSWERED),
    "handed_over": Q(handed_over=True),
    "unhelpful": Q(rating=-1),
    "orders": Q(order_looked_up=True),
}


def list_bot_answers(*, show: str = "") -> QuerySet:
    """The bot log, newest first: question, answer, sources, hand-over, rating."""
    return BotAnswer.objects.filter(BOT_FILTERS.get(show, Q())).order_by("-created_at", "-id")


def summarize_bot(days: int = 7) -> dict:
    """The last `days`: answers, how many from articles, handed over, unanswered, rated up / down."""
    since = clock.now() - timedelta(days=days)
    row = BotAnswer.objects.filter(created_at__gte=since).aggregate(
        total=Count("id"),
        from_articles=Count("id", filter=Q(kind=BotAnswer.Kind.ARTICLE)),
        handed_over=Count("id", filter=Q(handed_over=True)),
        unanswered=Count("id", filter=Q(kind=BotAnswer.Kind.UNANSWERED)),
        helpful=Count("id", filter=Q(rating=1)),
        unhelpful=Count("id", filter=Q(rating=-1)),
    )
    return {k: v or 0 for k, v in row.items()}
