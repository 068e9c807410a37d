"""Ranking articles for a question in Chinese and English (no database)."""

from dianpu.catalog.domain.search import build_search_document
from dianpu.knowledge.domain.ranking import Candidate, excerpt, is_confident, plan_terms, rank


def article(pk, title, body):
    return Candidate(pk, build_search_document(title), build_search_document(body))


ARTICLES = [
    article(1, "退货运费谁承担？", "七天无理由退货：质量问题由我们承担运费，非质量问题买家承担退货运费。"),
    article(2, "配送时间和运费", "江浙沪一般 1–2 天送达，其他地区 3–5 天；满 99 元包邮。"),
    article(3, "Returns and refunds", "You can return unworn items within 7 days. Refunds are paid within 3 days."),
    article(4, "Shipping times", "Orders ship within 24 hours; delivery takes 2 to 5 days."),
]


def test_question_words_are_dropped_and_english_words_stemmed():
    assert plan_terms("请问怎么退货？") == ["退货"]
    assert plan_terms("How do refunds work?") == ["refund", "work"]


def test_a_chinese_question_finds_the_article_about_it_first():
    ranked = rank(plan_terms("退货的运费谁出"), ARTICLES)
    assert ranked[0].id == 1
    assert is_confident(ranked[0])


def test_an_english_question_finds_the_article_about_it_first():
    ranked = rank(plan_terms("how long does delivery take?"), ARTICLES)
    assert ranked[0].id == 4
    ranked = rank(plan_terms("Can I get a refund?"), ARTICLES)
    assert ranked[0].id == 3 and is_confident(ranked[0])


def test_a_question_no_article_covers_is_not_confident():
    ranked = rank(plan_terms("你们有没有实体店地址"), ARTICLES)
    assert not ranked or not is_confident(ranked[0])
    assert rank(plan_terms("the a of"), ARTICLES) == []


def test_the_excerpt_is_the_passage_holding_the_term():
    text = "第一句讲别的事情。" * 30 + "退货运费由买家承担。" + "后面还有很多别的内容。" * 20
    passage = excerpt(text, ["运费"], 60)
    assert passage.startswith("…退货运费由买家承担。")


def test_a_chinese_word_cut_differently_matches_by_its_characters_at_half_weight():
    articles = [
        article(1, "下单后可以修改收货地址吗？", "发货前可以修改。"),
        article(2, "退货运费谁承担？", "买家承担。"),
    ]
    best = rank(plan_terms("能改地址吗"), articles)[0]
    assert best.id == 1 and 0.5 < best.confidence < 1 and best.title_hit and is_confident(best)


def test_a_synonym_counts_as_the_word_itself_and_a_several_word_synonym_needs_all_its_words():
    from dianpu.knowledge.domain.ranking import Candidate, rank, widen_terms

    alternatives = widen_terms(
        ["快递", "price"], [["快递", "物流"], ["price", "unit cost", "how much"], ["手机", "电话"]]
    )
    assert alternatives == {"快递": [["快递"], ["物流"]], "price": [["price"], ["unit", "cost"]]}
    docs = [
        Candidate(1, " 物流 ", " 物流 信息 "),
        Candidate(2, " 手机 ", " 电话 "),
        Candidate(3, " cost ", " the cost "),
        Candidate(4, " unit ", " unit cost "),
    ]
    assert [r.id for r in rank(["快递"], docs, alternatives)] == [1]
    assert [r.id for r in rank(["price"], docs, alternatives)] == [4]
    assert rank(["快递"], docs) == []
    assert rank(["快递"], docs, alternatives)[0].confidence == 1.0
