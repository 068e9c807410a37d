"""Articles: writing (Markdown, HTML shown as text), publishing (audited), search in Chinese and
English, the help pages and who sees internal notes."""

import pytest
from django.test import Client

from dianpu.audit.models import AuditEntry
from dianpu.core.errors import ValidationFailed
from dianpu.knowledge import queries, services
from dianpu.knowledge.models import Article

from .builders import make_article

pytestmark = pytest.mark.django_db


def titles(found):
    return [f.article.title for f in found]


@pytest.fixture
def library():
    return [
        make_article(
            "退货运费谁承担？",
            "七天无理由退货：质量问题由我们承担运费，非质量问题买家承担退货运费。",
            category="returns",
        ),
        make_article(
            "配送时间和运费", "江浙沪一般 1-2 天送达，其他地区 3-5 天；订单满 99 元包邮。", category="shipping"
        ),
        make_article(
            "如何选择尺码", "请参考商品页的尺码表，按胸围和衣长选择；介于两个尺码之间时建议选大一码。", category="sizes"
        ),
        make_article(
            "Returns and refunds",
            "You can return unworn items within 7 days. Refunds go back to the "
            "original payment method within 3 working days.",
            language="en",
            category="returns",
        ),
        make_article(
            "Shipping times",
            "Orders ship within 24 hours; delivery takes 2 to 5 days. Free shipping over 99 yuan.",
            language="en",
            category="shipping",
        ),
    ]


def test_chinese_search_is_tokenised_and_ranked(library):
    assert titles(queries.search_articles("尺码怎么选"))[0] == "如何选择尺码"
    assert titles(queries.search_articles("退货运费"))[0] == "退货运费谁承担？"
    assert titles(queries.search_articles("包邮"))[0] == "配送时间和运费"


def test_english_search_matches_word_starts_and_plurals(library):
    assert titles(queries.search_articles("refund"))[0] == "Returns and refunds"
    assert titles(queries.search_articles("How long does shipping take?"))[0] == "Shipping times"
    assert queries.search_articles("zebra") == []


def test_markdown_is_rendered_and_html_typed_in_an_article_is_shown_as_text():
    article = services.save_article(
        title="<b>标题</b>", body="**加粗**\n\n<script>alert(1)</script><img src=x onerror=alert(1)>"
    )
    assert article.title == "标题"
    assert "<strong>加粗</strong>" in article.body_html
    assert "<script" not in article.body_html and "<img" not in article.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article.body_html


def test_a_title_is_required_and_a_slug_unique_and_nothing_is_saved():
    make_article(slug="returns")
    with pytest.raises(ValidationFailed) as refused:
        services.save_article(title="  ", body="x", slug="returns", category="nonsense")
    assert set(refused.value.errors) == {"title", "category"}
    with pytest.raises(ValidationFailed) as taken:
        services.save_article(title="另一篇", body="x", slug="returns")
    assert taken.value.extra["error_codes"] == {"slug": "slug_taken"}
    assert Article.objects.count() == 1


def test_publishing_and_unpublishing_are_audited_once(staff):
    agent = staff("agent")
    article = make_article(publish=False, actor=agent)
    services.publish_article(article_id=article.pk, actor=agent)
    services.publish_article(article_id=article.pk, actor=agent)  # a second click changes nothing
    services.unpublish_article(article_id=article.pk, actor=agent)
    actions = list(
        AuditEntry.objects.filter(object_type="knowledge.article", object_id=str(article.pk))
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [
        ("knowledge.article_created", agent.pk),
        ("knowledge.article_published", agent.pk),
        ("knowledge.article_unpublished", agent.pk),
    ]
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_help_pages_list_and_search_public_articles_only(library):
    make_article("退货内部口径", "退货运费内部口径", audience="internal")
    make_article("退货草稿", "退货运费草稿", publish=False)
    page = Client().get("/help/", {"q": "退货运费"}).content.decode()
    assert "退货运费谁承担？" in page and "内部口径" not in page and "退货草稿" not in page
    home = Client().get("/help/").content.decode()
    assert "如何选择尺码" in home and "退货内部口径" not in home
    slug = library[0].slug
    article = Client().get(f"/help/{slug}/")
    assert article.status_code == 200 and "非质量问题买家承担退货运费" in article.content.decode()
    internal = Article.objects.get(title="退货内部口径")
    assert Client().get(f"/help/{internal.slug}/").status_code == 404


def test_english_help_page_searches_english_articles(library):
    page = Client(headers={"Accept-Language": "en"}).get("/help/", {"q": "refunds"}).content.decode()
    assert "Returns and refunds" in page and "Help centre" in page


def test_an_article_page_shows_html_in_the_text_as_text():
    article = make_article("安全测试", "<script>alert('x')</script> 正文")
    page = Client().get(f"/help/{article.slug}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_public_help_api_and_staff_article_api(api, staff_api, library):
    internal = make_article("内部备注：退货", "退货仓库地址", audience="internal")
    found = api.get("help/articles", q="退货").json()["items"]
    assert found[0]["title"] == "退货运费谁承担？" and internal.title not in [i["title"] for i in found]
    assert api.get(f"help/articles/{internal.slug}").status_code == 404
    assert internal.title in [a["title"] for a in staff_api("warehouse").get("knowledge/articles").json()["items"]]
    refused = staff_api("warehouse").post("knowledge/articles", {"title": "x"})
    assert refused.status_code == 403 and Article.objects.filter(title="x").count() == 0
    created = staff_api("agent").post("knowledge/articles", {"title": "新文章", "body": "内容", "category": "payment"})
    assert created.status_code == 201 and created.json()["status"] == "draft"
    published = staff_api("agent").post(f"knowledge/articles/{created.json()['id']}/publish")
    assert published.json()["status"] == "published"
    bad = staff_api("agent").post("knowledge/articles", {"title": "", "body": "x"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"


def test_public_help_articles_are_in_the_sitemap_and_internal_ones_are_not():
    public = make_article("配送时间", "一般 3-5 天。", slug="delivery-time")
    make_article("内部备注", "仅员工。", audience="internal", slug="staff-only")
    body = Client().get("/sitemap.xml").content.decode()
    assert f"/help/{public.slug}/" in body and "/help/</loc>" in body and "staff-only" not in body


def test_links_keep_safe_addresses_only():
    article = services.save_article(title="链接", body="[好](https://example.com/a) [坏](javascript:alert(1))")
    assert 'href="https://example.com/a"' in article.body_html
    assert 'href="javascript' not in article.body_html


def test_help_search_honours_the_shops_search_synonyms(library, staff):
    """The storefront search's synonyms (one list, edited by the shop) widen the help search too."""
    from dianpu.catalog.services import add_search_synonym

    assert queries.search_articles("快递要几天") == []
    assert queries.search_articles("parcel") == []
    add_search_synonym(actor=staff("owner"), words="快递, 配送, 送达")
    add_search_synonym(actor=staff("owner"), words="parcel = delivery")
    assert titles(queries.search_articles("快递要几天"))[0] == "配送时间和运费"
    assert titles(queries.search_articles("When will my parcel arrive?"))[0] == "Shipping times"
    # A word outside every group still ranks by itself only.
    assert titles(queries.search_articles("尺码"))[0] == "如何选择尺码"
