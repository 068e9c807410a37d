"""A visitor searches the help centre, asks the bot a question (answered with its source article,
rated), tries an order with the wrong e-mail (nothing shown), then the right one (status and
tracking) — with HTML in a message shown as text, and no JavaScript errors."""

import pytest

from dianpu.knowledge.models import BotAnswer
from dianpu.knowledge.tests.builders import make_article, shipped_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def ask(page, text: str, count: int) -> str:
    page.fill("#support-chat-text", text)
    page.click(".support-chat-send button[type=submit]")
    reply = page.locator(".support-chat-thread li.from-bot").nth(count - 1)
    reply.wait_for()
    return reply.inner_text()


def test_help_centre_search_and_bot(page, live_server):
    base = live_server.url
    article = make_article("退货运费谁承担？", "非质量问题由买家承担退货运费。", category="returns", slug="return-fee")
    order = shipped_order()

    page.goto(f"{base}/help/")
    page.fill("#help-q", "退货运费")
    page.click("form.help-search button[type=submit]")
    assert "退货运费谁承担？" in page.inner_text("#help-results")

    page.click(".support-chat-toggle")  # the bot is the storefront's one customer-service box
    answer = ask(page, "退货的运费谁出？", 1)
    assert "买家承担退货运费" in answer
    source = page.locator(".support-chat-thread li.from-bot .bot-sources a").first
    assert source.inner_text() == article.title and source.get_attribute("href") == "/help/return-fee/"
    page.locator(".support-chat-thread li.from-bot .bot-rating button[data-helpful='1']").first.click()
    page.locator(".support-chat-thread .bot-rating", has_text="谢谢").first.wait_for()
    assert BotAnswer.objects.get(question="退货的运费谁出？").rating == 1

    refused = ask(page, f"订单 {order.number} 到哪了 邮箱 <b>wrong@example.com</b>", 2)
    assert "没有找到" in refused and "SF" not in refused
    visitor_lines = page.locator(".support-chat-thread li.from-visitor").all_inner_texts()
    assert any("<b>wrong@example.com</b>" in line for line in visitor_lines)  # shown as text
    assert page.locator(".support-chat-thread b").count() == 0

    found = ask(page, "buyer@example.com", 3)  # the bot remembers the order number
    assert "当前状态：已发货" in found and "快递员正在派送" in found
