"""Help centre (帮助中心): public knowledge-base articles by category, their search (Chinese and
English), one article, and the bot, which is the
storefront's one customer-service box (support/static/support/chat.js, POST /api/v1/support/bot)."""

from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from dianpu.core.errors import NotFoundError
from dianpu.core.sanitize import plain_text
from dianpu.knowledge.domain.ranking import excerpt
from dianpu.knowledge.messages import HELP_DESCRIPTION, HELP_TITLE
from dianpu.knowledge.models import Article
from dianpu.knowledge.queries import get_public_article, list_public_articles, search_articles

from .seo import page_meta

SEARCH_MAX_LENGTH = 100


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def _render(request, template, context, status=200):
    from .views import _page_title
    from .views import _render as render_page

    return render_page(
        request,
        template,
        {**context, "meta": page_meta(request, _page_title(context["title"]), context.get("description", ""))},
        status=status,
    )


@require_GET
def help_home(request):
    q = " ".join((request.GET.get("q") or "").split())[:SEARCH_MAX_LENGTH]
    results, groups = [], []
    if q:
        results = [
            {"article": f.article, "excerpt": excerpt(plain_text(f.article.body_html), f.terms, 160)}
            for f in search_articles(q, language=_language(), limit=20)
        ]
    else:
        labels = dict(Article.Category.choices)
        by_category: dict[str, list] = {}
        for article in list_public_articles(language=_language())[:500]:
            by_category.setdefault(article.category, []).append(article)
        groups = [{"label": labels.get(code, code), "articles": articles} for code, articles in by_category.items()]
    return _render(
        request,
        "knowledge/help/home.html",
        {
            "title": str(HELP_TITLE),
            "description": str(HELP_DESCRIPTION),
            "q": q,
            "results": results,
            "groups": groups,
        },
    )


@require_GET
def help_article(request, slug):
    try:
        article = get_public_article(slug)
    except NotFoundError:
        from .views import _not_found

        return _not_found(request)
    return _render(
        request,
        "knowledge/help/article.html",
        {
            "title": article.title,
            "description": plain_text(article.body_html)[:150],
            "article": article,
        },
    )
