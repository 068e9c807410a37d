"""The live chat with a customer page and an agent page open at once: messages go both ways
without reloading, HTML typed by either side is shown as text, no console or CSP error."""

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.support.models import Conversation
from tests.browser.conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
XSS = "<img src=x onerror=\"document.title='pwned'\"><b>加粗</b>"


def _watch(page, problems):
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)


def test_the_bot_answers_first_then_hands_over_in_the_same_box_and_html_stays_text(chromium, live_server):
    from dianpu.knowledge.tests.builders import make_article

    make_staff("agent")
    make_article("退货运费谁承担？", "非质量问题由买家承担退货运费。", category="returns", slug="return-fee")
    problems: list[str] = []
    customer = chromium.new_context().new_page()
    _watch(customer, problems)
    customer.goto(f"{live_server.url}/")
    customer.click(".support-chat-toggle")
    # One box: the bot answers first, with its source article.
    customer.fill("#support-chat-text", "退货的运费谁出？")
    customer.click(".support-chat-send button[type=submit]")
    customer.wait_for_selector(".support-chat-thread li.from-bot .bot-sources a")
    assert "买家承担退货运费" in customer.inner_text(".support-chat-thread li.from-bot .body")
    assert Conversation.objects.count() == 0
    # "Talk to a person" hands over in the same box to a live conversation.
    customer.click(".support-chat-human")
    customer.wait_for_selector(".support-chat-thread li.from-visitor[data-id]")
    conversation = Conversation.objects.get()
    assert conversation.channel == "bot" and customer.is_hidden(".support-chat-human")
    customer.fill("#support-chat-text", XSS)
    customer.click(".support-chat-send button[type=submit]")
    customer.wait_for_function(
        "(x) => Array.from(document.querySelectorAll('.support-chat-thread li.from-visitor .body'))"
        ".some(e => e.textContent === x)",
        arg=XSS,
    )

    agent = chromium.new_context().new_page()
    _watch(agent, problems)
    console_login(agent, live_server.url, "agent", then=f"/console/support/{conversation.pk}/")
    assert XSS in agent.locator("#thread li.msg-visitor .body").all_inner_texts()
    assert agent.locator("#thread img").count() == 0

    agent.fill("#reply-text", "您好！<i>马上</i>为您查询")
    agent.click("#reply-form button[value=reply]")
    customer.wait_for_selector(".support-chat-thread li.from-agent", timeout=10_000)
    assert customer.inner_text(".support-chat-thread li.from-agent .body") == "您好！<i>马上</i>为您查询"
    assert customer.locator(".support-chat-thread i").count() == 0

    customer.fill("#support-chat-text", "好的，谢谢")
    customer.click(".support-chat-send button[type=submit]")
    agent.wait_for_function(
        "() => Array.from(document.querySelectorAll('#thread li.msg-visitor .body')).some(e => e.textContent === '好的，谢谢')",
        timeout=10_000,
    )
    assert agent.title() != "pwned" and customer.title() != "pwned"
    # The customer's chat survives a page change (the token is kept in this browser).
    customer.goto(f"{live_server.url}/cart/")
    customer.click(".support-chat-toggle")
    customer.wait_for_selector(".support-chat-thread li.from-agent")
    # Resolved: the visitor is asked to rate it in the box, and the rating counts for the agent.
    agent.select_option("select[name=status]", "resolved")
    agent.click("form:has(input[value=status]) button[type=submit]")
    customer.click(".support-chat-rate button[data-score='5']", timeout=10_000)
    customer.wait_for_selector(".support-chat-rate:not(:has(button))")
    conversation.refresh_from_db()
    assert (conversation.satisfaction_score, conversation.satisfaction_agent.username) == (5, "agent")
    assert problems == []
