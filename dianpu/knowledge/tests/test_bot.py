"""The storefront bot: order answers only with proof, articles with their source, hand-over, floods."""

import pytest

from dianpu.core.visitor_tokens import hash_token
from dianpu.knowledge.models import BotAnswer, BotSession
from dianpu.knowledge.services import BOT_MESSAGES

from .builders import make_article, shipped_order

pytestmark = pytest.mark.django_db
NOT_MATCHED_ZH = "没有找到与这个订单号和邮箱或手机号相符的订单。请核对后再试，或者输入“人工”联系客服。"


def ask(api, message, **extra):
    response = api.post("support/bot", {"message": message, **extra})
    assert response.status_code == 200, response.content
    return response.json()


def test_where_is_my_order_with_the_right_email_answers_status_and_tracking(api):
    order = shipped_order()
    reply = ask(api, f"我的订单 {order.number} 到哪了？邮箱 BUYER@example.com")
    assert reply["handed_over"] is False and reply["sources"] == []
    assert f"订单 {order.number} 当前状态：已发货。" in reply["answer"]
    assert "SF SF1234567890123" in reply["answer"]
    assert "上海 快递员正在派送" in reply["answer"]
    logged = BotAnswer.objects.get(pk=reply["answer_id"])
    assert (logged.order_looked_up, logged.order_proved) == (True, True)


def test_where_is_my_order_in_english_with_the_phone(api_en):
    order = shipped_order()
    reply = ask(api_en, f"where is order {order.number}? my phone is 138 0013 8000")
    assert f"Order {order.number}" in reply["answer"]
    assert "Shipped" in reply["answer"]


def test_a_wrong_email_and_a_missing_order_get_the_same_words_and_reveal_nothing(api):
    order = shipped_order()
    wrong = ask(api, f"订单 {order.number} 到哪了 邮箱 thief@example.com")
    missing = ask(api, "订单 DP261207999999 到哪了 邮箱 thief@example.com")
    assert wrong["answer"] == missing["answer"] == NOT_MATCHED_ZH
    for reply in (wrong, missing):
        assert "SF" not in reply["answer"] and "已发货" not in reply["answer"]
        logged = BotAnswer.objects.get(pk=reply["answer_id"])
        assert (logged.order_looked_up, logged.order_proved) == (True, False)
        assert logged.answer == NOT_MATCHED_ZH  # no order details in the log either


def test_someone_elses_order_with_my_own_email_is_refused(api):
    mine = shipped_order(email="me@example.com", sku="MINE")
    theirs = shipped_order(email="other@example.com", sku="THEIRS")
    assert "当前状态" in ask(api, f"订单 {mine.number} 邮箱 me@example.com")["answer"]
    assert ask(api, f"订单 {theirs.number} 邮箱 me@example.com")["answer"] == NOT_MATCHED_ZH


def test_the_bot_remembers_the_order_number_and_asks_for_the_proof(api):
    order = shipped_order()
    first = ask(api, "我的快递到哪了？")
    assert "订单号" in first["answer"]
    second = ask(api, f"{order.number}", session=first["session"])
    assert second["session"] == first["session"]
    assert "邮箱或手机号" in second["answer"] and "已发货" not in second["answer"]
    third = ask(api, "buyer@example.com", session=first["session"])
    assert "当前状态：已发货" in third["answer"]
    session = BotSession.objects.get(key_hash=hash_token(first["session"]))
    assert (session.order_number, session.email) == (order.number, "buyer@example.com")


def test_after_a_failed_proof_the_email_is_forgotten(api):
    order = shipped_order()
    first = ask(api, f"订单 {order.number} 邮箱 wrong@example.com")
    assert first["answer"] == NOT_MATCHED_ZH
    again = ask(api, "到哪了", session=first["session"])
    assert "邮箱或手机号" in again["answer"]


def test_guessing_is_throttled_even_for_the_right_email(api):
    order = shipped_order()
    for n in range(10):
        ask(api, f"订单 {order.number} 邮箱 guess{n}@example.com")
    reply = ask(api, f"订单 {order.number} 邮箱 buyer@example.com")
    assert "尝试次数过多" in reply["answer"] and "已发货" not in reply["answer"]


def test_a_question_is_answered_from_a_public_article_with_its_source(api):
    article = make_article()
    reply = ask(api, "退货的运费谁出？")
    assert reply["handed_over"] is False
    assert reply["sources"] == [{"title": "退货运费谁承担？", "url": f"/help/{article.slug}/"}]
    assert "买家承担退货运费" in reply["answer"]


def test_an_english_question_is_answered_from_an_english_article(api_en):
    make_article()
    article = make_article(
        "Returns and refunds",
        "You can return unworn items within 7 days. Refunds are paid to the original payment method.",
        language="en",
        slug="returns",
    )
    reply = ask(api_en, "How do I get a refund?")
    assert reply["sources"] == [{"title": "Returns and refunds", "url": "/help/returns/"}]
    assert "original payment method" in reply["answer"]
    assert article.slug == "returns"


def test_internal_notes_and_drafts_are_never_used_for_visitors(api):
    make_article("退货运费内部说明", "退货运费内部口径：不要告诉客户。", audience="internal")
    make_article("退货运费草稿", "退货运费草稿内容", publish=False)
    reply = ask(api, "退货运费谁出")
    assert reply["handed_over"] is True and reply["sources"] == []
    assert "内部" not in reply["answer"] and "草稿" not in reply["answer"]


def test_an_unknown_question_or_asking_for_a_person_hands_over(api):
    make_article()
    unsure = ask(api, "你们的仓库在哪个城市")
    assert unsure["handed_over"] is True
    assert unsure["answer"] == "这个问题我还不能确定答案，已为您转接人工客服，请稍候。"
    asked = ask(api, "转人工")
    assert asked["handed_over"] is True and asked["answer"].startswith("好的，已为您转接人工客服")
    kinds = list(BotAnswer.objects.order_by("id").values_list("kind", "handed_over"))
    assert kinds == [("unanswered", True), ("handed_over", True)]


def test_html_in_a_message_is_kept_as_text_and_answered_safely(api):
    reply = ask(api, "<script>alert(1)</script> 转人工")
    logged = BotAnswer.objects.get(pk=reply["answer_id"])
    assert logged.question == "<script>alert(1)</script> 转人工"  # shown escaped by the console and textContent
    assert "<script>" not in reply["answer"]


def test_an_empty_message_is_refused_with_a_code(api):
    response = api.post("support/bot", {"message": "   "})
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert BotAnswer.objects.count() == 0
    assert api.post("support/bot", {"message": "x" * 3000}).status_code == 422


def test_more_than_20_messages_a_minute_from_one_address_get_429(api):
    for _n in range(BOT_MESSAGES.allowed):
        assert api.post("support/bot", {"message": "你好"}).status_code == 200
    refused = api.post("support/bot", {"message": "你好"})
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_messages"
    assert BotAnswer.objects.count() == BOT_MESSAGES.allowed


def test_the_visitor_rates_an_answer_and_nobody_else_can(api):
    make_article()
    reply = ask(api, "退货运费谁出")
    path = f"support/bot/answers/{reply['answer_id']}/rating"
    assert api.post(path, {"session": "someone-else", "helpful": False}).status_code == 404
    assert api.post(path, {"session": "A" * 32, "helpful": False}).status_code == 404
    assert BotAnswer.objects.get(pk=reply["answer_id"]).rating is None
    rated = api.post(path, {"session": reply["session"], "helpful": True})
    assert rated.status_code == 200 and rated.json() == {"id": reply["answer_id"], "rating": 1}
    api.post(path, {"session": reply["session"], "helpful": False})
    assert BotAnswer.objects.get(pk=reply["answer_id"]).rating == -1


def test_what_the_visitor_told_the_bot_is_forgotten_a_day_after_the_chat(api):
    from datetime import timedelta

    from dianpu.core import clock
    from dianpu.knowledge.tasks import forget_idle_bot_sessions

    order = shipped_order()
    reply = ask(api, f"订单 {order.number} 邮箱 buyer@example.com")
    clock.freeze(clock.now() + timedelta(hours=23))
    try:
        forget_idle_bot_sessions.call_local()
        assert BotSession.objects.get(key_hash=hash_token(reply["session"])).email == "buyer@example.com"
        clock.freeze(clock.now() + timedelta(hours=2))
        forget_idle_bot_sessions.call_local()
    finally:
        clock.freeze(None)
    session = BotSession.objects.get(key_hash=hash_token(reply["session"]))
    assert (session.order_number, session.email, session.phone) == ("", "", "")
    assert BotAnswer.objects.filter(session=session).count() == 1  # the log stays
    again = ask(api, "到哪了", session=reply["session"])
    assert "订单号" in again["answer"] and "已发货" not in again["answer"]


def test_a_general_question_about_orders_is_answered_from_articles_and_my_order_asks_for_proof(api):
    make_article("下单后多久发货？", "付款后 24 小时内发货。")
    general = ask(api, "多久发货")
    assert general["sources"][0]["title"] == "下单后多久发货？" and "24 小时内发货" in general["answer"]
    mine = ask(api, "我的快递到哪了")
    assert mine["sources"] == [] and "订单号" in mine["answer"] and mine["handed_over"] is False
    unknown = ask(api, "订单可以合并发货吗")  # about orders, no article: the bot asks for the order
    assert "订单号" in unknown["answer"] and unknown["handed_over"] is False


def test_nul_characters_and_stray_values_are_refused_or_ignored_never_a_server_error(api, staff_api):
    make_article()
    reply = api.post("support/bot", {"message": "退货\x00运费谁出", "session": "\x00bad"})
    assert reply.status_code == 200 and reply.json()["sources"]
    assert BotAnswer.objects.get(pk=reply.json()["answer_id"]).question == "退货运费谁出"
    rated = api.post(f"support/bot/answers/{reply.json()['answer_id']}/rating", {"session": "\x00", "helpful": True})
    assert rated.status_code == 404
    assert api.get("help/articles", q="退货\x00", language="\x00").status_code == 200
    assert staff_api("agent").get("knowledge/articles", status="\x00", audience="x").status_code == 200
    assert staff_api("agent").get("knowledge/bot-answers", show="\x00").status_code == 200
