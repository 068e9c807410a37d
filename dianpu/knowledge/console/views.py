"""Knowledge-base pages of the console: articles (any staff reads, internal notes included; agents
and operators write and publish), and the bot log with the visitors' ratings."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError, NotFoundError, ValidationFailed
from dianpu.core.http import client_ip
from dianpu.core.paging import BoundedPaginator
from dianpu.knowledge import queries, services
from dianpu.knowledge.models import Article, BotAnswer

PAGE_SIZE = 50
FIELDS = ("title", "slug", "body", "category", "audience", "language")


def _choices():
    return {
        "categories": Article.Category.choices,
        "audiences": Article.Audience.choices,
        "languages": Article.Language.choices,
        "statuses": Article.Status.choices,
    }


@staff_permission_required()
def article_list(request):
    q = " ".join((request.GET.get("q") or "").split())[:100]
    filters = {k: request.GET.get(k, "")[:20] for k in ("status", "audience", "category")}
    if q:
        found = queries.search_articles(q, staff=True, limit=queries.MAX_RESULTS, include_drafts=True)
        rows = [f.article for f in found if all(not v or getattr(f.article, k) == v for k, v in filters.items())]
        page = Paginator(rows, PAGE_SIZE).get_page(1)
    else:
        page = BoundedPaginator(queries.list_articles(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/console/article_list.html",
        {
            "page_obj": page,
            "q": q,
            "filters": filters,
            "can_edit": request.user.has_perm(roles.MANAGE_KNOWLEDGE),
            **_choices(),
        },
    )


def _form_values(post) -> dict:
    return {f: post.get(f, "") for f in FIELDS}


@staff_permission_required(roles.MANAGE_KNOWLEDGE)
def article_create(request):
    values = {"category": "other", "audience": "public", "language": "zh-hans", "title": "", "slug": "", "body": ""}
    errors = {}
    if request.method == "POST":
        values = _form_values(request.POST)
        try:
            article = services.save_article(**values, actor=request.user, ip_address=client_ip(request))
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            messages.success(request, _("文章「%(title)s」已保存为草稿。") % {"title": article.title})
            return redirect("console:knowledge:article-detail", pk=article.pk)
    return render(
        request,
        "knowledge/console/article_form.html",
        {"values": values, "errors": errors, "article": None, **_choices()},
        status=422 if errors else 200,
    )


def _article(pk: int) -> Article:
    try:
        return queries.get_article(pk)
    except NotFoundError:
        raise Http404 from None


@staff_permission_required()
def article_detail(request, pk: int):
    article = _article(pk)
    return render(
        request,
        "knowledge/console/article_detail.html",
        {
            "article": article,
            "can_edit": request.user.has_perm(roles.MANAGE_KNOWLEDGE),
            "public_url": queries.article_url(article) if article.is_public else "",
        },
    )


@staff_permission_required(roles.MANAGE_KNOWLEDGE)
def article_edit(request, pk: int):
    article = _article(pk)
    values = {f: getattr(article, f) for f in FIELDS}
    errors = {}
    if request.method == "POST":
        values = _form_values(request.POST)
        try:
            services.save_article(article_id=article.pk, **values, actor=request.user, ip_address=client_ip(request))
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            messages.success(request, _("文章已保存。"))
            return redirect("console:knowledge:article-detail", pk=article.pk)
    return render(
        request,
        "knowledge/console/article_form.html",
        {"values": values, "errors": errors, "article": article, **_choices()},
        status=422 if errors else 200,
    )


@require_POST
@staff_permission_required(roles.MANAGE_KNOWLEDGE)
def article_publish(request, pk: int):
    article = _article(pk)
    try:
        if request.POST.get("action") == "unpublish":
            services.unpublish_article(article_id=article.pk, actor=request.user, ip_address=client_ip(request))
            messages.success(request, _("文章已撤回为草稿。"))
        else:
            services.publish_article(article_id=article.pk, actor=request.user, ip_address=client_ip(request))
            messages.success(request, _("文章已发布。"))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    return redirect("console:knowledge:article-detail", pk=article.pk)


BOT_SHOW = {
    "": gettext_lazy("全部"),
    "unanswered": gettext_lazy("未能回答"),
    "handed_over": gettext_lazy("转人工"),
    "unhelpful": gettext_lazy("没帮助"),
    "orders": gettext_lazy("订单查询"),
}


@staff_permission_required(roles.MANAGE_KNOWLEDGE)
def bot_log(request):
    show = request.GET.get("show", "")
    show = show if show in queries.BOT_FILTERS else ""
    page = BoundedPaginator(queries.list_bot_answers(show=show), PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = list(BOT_SHOW.items())
    return render(
        request,
        "knowledge/console/bot_log.html",
        {
            "page_obj": page,
            "show": show,
            "tabs": tabs,
            "summary": queries.summarize_bot(7),
            "kinds": dict(BotAnswer.Kind.choices),
        },
    )
