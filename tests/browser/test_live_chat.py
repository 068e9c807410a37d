"""The live chat with a customer page and an agent page open at once: messages go both ways
without reloading, HTML typed by either side is shown as text, no console or CSP error."""

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.support.models import Conversation
from tests.browser.conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
XSS = '<img src=x onerror="document.title=\'pwned\'"><b>加粗</b>'


def _watch(page, problems):
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)


def test_customer_and_agent_chat_both_ways_and_html_stays_text(chromium, live_server):
    make_staff("agent")
    problems: list[str] = []
    customer = chromium.new_context().new_page()
    _watch(customer, problems)
    customer.goto(f"{live_server.url}/")
    customer.click(".support-chat-toggle")
    customer.fill(".support-chat-start input[name=name]", "李雷")
    customer.fill(".support-chat-start input[name=email]", "lilei@example.com")
    customer.fill(".support-chat-start textarea[name=message]", XSS)
    customer.click(".support-chat-start button[type=submit]")
    customer.wait_for_selector(".support-chat-thread li.from-visitor")
    conversation = Conversation.objects.get()

    agent = chromium.new_context().new_page()
    _watch(agent, problems)
    console_login(agent, live_server.url, "agent", then=f"/console/support/{conversation.pk}/")
    assert agent.inner_text("#thread li.msg-visitor .body") == XSS
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
        timeout=10_000)
    assert agent.title() != "pwned" and customer.title() != "pwned"
    # The customer's chat survives a page change (the token is kept in this browser).
    customer.goto(f"{live_server.url}/cart/")
    customer.click(".support-chat-toggle")
    customer.wait_for_selector(".support-chat-thread li.from-agent")
    assert problems == []
