"""Console pages of the service desk: the inbox and its self-refreshing rows, a conversation page
(messages as text, reply and note without reload, canned reply in one click), roles."""

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import PASSWORD
from dianpu.support import services
from dianpu.support.models import CannedReply, Conversation, Message, SlaPolicy

from .builders import open_chat

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script><b>bold</b>'


def _client(staff, role):
    client = Client()
    assert client.login(username=staff(role).username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "role, status",
    [
        ("owner", 200),
        ("operator", 200),
        ("agent", 200),
        ("marketing", 403),
        ("warehouse", 403),
        ("finance", 403),
        ("designer", 403),
    ],
)
def test_who_may_open_the_inbox(staff, role, status):
    assert _client(staff, role).get("/console/support/").status_code == status


def test_the_inbox_lists_conversations_and_its_rows_refresh_themselves(staff):
    conversation, _token = open_chat(message=XSS)
    client = _client(staff, "agent")
    page = client.get("/console/support/?view=all").content.decode()
    assert f'data-conversation="{conversation.pk}"' in page and 'hx-trigger="every 5s"' in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    rows = client.get("/console/support/?view=all&fragment=rows").content.decode()
    assert rows.startswith('<tbody id="inbox-rows"') and f'data-conversation="{conversation.pk}"' in rows


def test_the_conversation_page_shows_html_as_text_and_the_poll_returns_new_messages(staff):
    conversation, _token = open_chat(message=XSS)
    client = _client(staff, "agent")
    page = client.get(f"/console/support/{conversation.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    first = conversation.messages.get().pk
    services.post_visitor_message(conversation=conversation, message="还在吗？")
    polled = client.get(f"/console/support/{conversation.pk}/messages/?after={first}").json()
    assert [(m["sender"], m["body"]) for m in polled["items"]] == [("visitor", "还在吗？")]


def test_reply_and_note_without_reload_and_a_canned_reply_in_one_click(staff):
    conversation, _token = open_chat()
    client = _client(staff, "agent")
    fetch = {"HTTP_X_REQUESTED_WITH": "fetch"}
    reply = client.post(
        f"/console/support/{conversation.pk}/", {"action": "reply", "message": "您好！"}, **fetch
    ).json()
    assert reply["message"]["body"] == "您好！" and reply["message"]["sender"] == "agent"
    note = client.post(f"/console/support/{conversation.pk}/", {"action": "note", "message": "催发货"}, **fetch).json()
    assert note["message"]["internal"] is True
    canned = CannedReply.objects.create(title="问候", body_zh="{customer_name}您好", created_at=conversation.created_at)
    filled = client.post(f"/console/support/{conversation.pk}/", {"action": "canned", "reply": canned.pk}, **fetch)
    assert filled.json() == {"text": "李雷您好"}
    empty = client.post(f"/console/support/{conversation.pk}/", {"action": "reply", "message": " "}, **fetch)
    assert empty.status_code == 422 and empty.json()["code"] == "message_required"
    assert list(Message.objects.filter(conversation=conversation).values_list("body", "internal")) == [
        ("你好，请问什么时候发货？", False),
        ("您好！", False),
        ("催发货", True),
    ]


def test_assign_status_and_complaint_from_the_page(staff):
    conversation, _token = open_chat()
    agent = staff("agent")
    client = _client(staff, "operator")
    client.post(f"/console/support/{conversation.pk}/", {"action": "assign", "assignee": agent.pk})
    client.post(f"/console/support/{conversation.pk}/", {"action": "status", "status": "resolved"})
    client.post(
        f"/console/support/{conversation.pk}/", {"action": "complaint", "cause": "logistics", "carrier": "顺丰"}
    )
    conversation.refresh_from_db()
    assert (
        conversation.assignee_id,
        conversation.status,
        conversation.complaint_cause,
        conversation.complaint_carrier,
    ) == (agent.pk, "resolved", "logistics", "顺丰")


def test_on_duty_toggle(staff):
    client = _client(staff, "agent")
    client.post("/console/support/", {"on_duty": "1"})
    conversation, _token = open_chat()
    assert Conversation.objects.get(pk=conversation.pk).assignee.username == "agent"


def test_sla_settings_are_for_the_leads(staff):
    assert _client(staff, "agent").get("/console/support/settings/").status_code == 403
    client = _client(staff, "owner")
    data = {
        f"{p}_{k}": v
        for p in ("low", "normal", "high", "urgent")
        for k, v in (("first", "30"), ("resolution", "600"), ("warning", "5"))
    }
    client.post("/console/support/settings/", data)
    assert SlaPolicy.objects.get(priority="normal").first_response_minutes == 30


def test_canned_replies_page_adds_one(staff):
    client = _client(staff, "agent")
    client.post(
        "/console/support/canned-replies/",
        {"title": "退货", "category": "售后", "body_zh": "您好{customer_name}，七天无理由退货。"},
    )
    assert CannedReply.objects.get().title == "退货"
    assert "七天无理由退货" in client.get("/console/support/canned-replies/").content.decode()


def test_the_product_page_shows_its_complaints_to_those_who_read_conversations(staff):
    from dianpu.catalog.tests.builders import make_product

    product = make_product(name="保温杯")
    conversation, _token = open_chat(message="杯子漏水<b>!</b>")
    services.classify_complaint(
        conversation=conversation, cause="product", product_slug=product.slug, actor=staff("agent")
    )
    page = _client(staff, "operator").get(f"/console/catalog/products/{product.slug}/").content.decode()
    assert "客户投诉（1）" in page and f"/console/support/{conversation.pk}/" in page and "<b>!</b>" not in page
    designer_page = _client(staff, "designer").get(f"/console/catalog/products/{product.slug}/").content.decode()
    assert "product-complaints" not in designer_page


def test_the_inbox_reads_a_page_of_conversations_in_a_bounded_number_of_queries(staff, django_assert_max_num_queries):
    for i in range(12):
        open_chat(email=f"q{i}@example.com")
    client = _client(staff, "agent")
    client.get("/console/support/?view=all")
    with django_assert_max_num_queries(15):
        assert client.get("/console/support/?view=all&fragment=rows").status_code == 200
