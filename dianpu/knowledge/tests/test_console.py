"""Console pages: articles (any staff reads, agents write and publish), the bot log and its filters."""

import pytest
from django.test import Client

from dianpu.knowledge.models import Article, BotAnswer

from .builders import make_article

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_agent_writes_and_publishes_an_article(staff):
    client = signed_in(staff("agent"))
    created = client.post(
        "/console/knowledge/new/",
        {
            "title": "发票怎么开",
            "body": "下单后在订单页申请**电子发票**。",
            "category": "payment",
            "audience": "public",
            "language": "zh-hans",
        },
    )
    article = Article.objects.get(title="发票怎么开")
    assert created.status_code == 302 and article.status == "draft"
    assert "<strong>电子发票</strong>" in client.get(f"/console/knowledge/{article.pk}/").content.decode()
    client.post(f"/console/knowledge/{article.pk}/publish/", {"action": "publish"})
    assert Article.objects.get(pk=article.pk).status == "published"
    edited = client.post(
        f"/console/knowledge/{article.pk}/edit/",
        {
            "title": "发票怎么开？",
            "slug": article.slug,
            "body": "新内容",
            "category": "payment",
            "audience": "public",
            "language": "both",
        },
    )
    assert edited.status_code == 302
    assert (Article.objects.get(pk=article.pk).title, Article.objects.get(pk=article.pk).language) == (
        "发票怎么开？",
        "both",
    )


def test_a_refused_form_shows_the_errors_and_saves_nothing(staff):
    page = signed_in(staff("operator")).post(
        "/console/knowledge/new/", {"title": "", "body": "x", "category": "x", "audience": "public", "language": "en"}
    )
    assert page.status_code == 422 and "请填写标题。" in page.content.decode()
    assert Article.objects.count() == 0


def test_internal_notes_are_for_staff_and_only_writers_may_change_them(staff):
    note = make_article("仓库退货地址", "内部：退货寄到杭州仓。", audience="internal")
    warehouse = signed_in(staff("warehouse"))
    assert "仓库退货地址" in warehouse.get("/console/knowledge/").content.decode()
    assert warehouse.get(f"/console/knowledge/{note.pk}/").status_code == 200
    assert warehouse.get(f"/console/knowledge/{note.pk}/edit/").status_code == 403
    assert warehouse.post(f"/console/knowledge/{note.pk}/publish/", {"action": "unpublish"}).status_code == 403
    assert Article.objects.get(pk=note.pk).status == "published"
    assert Client().get("/console/knowledge/").status_code == 302  # visitors: the sign-in page


def test_console_search_finds_drafts_in_chinese(staff):
    make_article("退款多久到账", "退款一般 1-3 个工作日原路退回。", publish=False)
    page = signed_in(staff("agent")).get("/console/knowledge/", {"q": "退款到账"}).content.decode()
    assert "退款多久到账" in page


def test_the_bot_log_lists_questions_ratings_and_filters_unanswered(staff, api):
    make_article()
    answered = api.post("support/bot", {"message": "退货运费谁出"}).json()
    api.post(f"support/bot/answers/{answered['answer_id']}/rating", {"session": answered["session"], "helpful": False})
    api.post("support/bot", {"message": "<b>你们的仓库在哪个城市</b>"})
    client = signed_in(staff("agent"))
    everything = client.get("/console/knowledge/bot/").content.decode()
    assert "退货运费谁出" in everything and "👎" in everything
    assert "&lt;b&gt;你们的仓库在哪个城市&lt;/b&gt;" in everything  # HTML in a question shown as text
    unanswered = client.get("/console/knowledge/bot/", {"show": "unanswered"}).content.decode()
    assert "仓库在哪个城市" in unanswered and "退货运费谁出" not in unanswered
    assert signed_in(staff("warehouse")).get("/console/knowledge/bot/").status_code == 403
    assert BotAnswer.objects.count() == 2
