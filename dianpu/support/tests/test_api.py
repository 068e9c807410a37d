"""The contract the storefront chat and outside checks rely on: open, read and write with the
visitor token, staff answering the same conversation, 401 / 403 / 429, HTML kept as text."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.tests.builders import place_test_order
from dianpu.support.models import Conversation, Message

pytestmark = pytest.mark.django_db


def _visitor(token=None, ip="10.0.0.1"):
    client = Client(REMOTE_ADDR=ip)
    headers = {"HTTP_X_CONVERSATION_TOKEN": token} if token else {}

    def call(method, path, body=None):
        kwargs = dict(headers)
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(f"/api/v1/support/{path}", **kwargs)

    return call


def _open(**overrides):
    body = {"name": "韩梅梅", "email": "meimei@example.com", "message": "你好，我想问一下尺码", **overrides}
    response = _visitor()("post", "conversations", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_a_visitor_opens_a_conversation_and_reads_it_with_the_token():
    opened = _open()
    assert set(opened) == {"id", "token"} and len(opened["token"]) >= 40
    conversation = Conversation.objects.get(pk=opened["id"])
    assert conversation.token_hash != opened["token"] and opened["token"] not in conversation.token_hash
    response = _visitor(opened["token"])("get", f"conversations/{opened['id']}/messages")
    assert response.status_code == 200
    assert [(m["sender"], m["body"]) for m in response.json()["items"]] == [("visitor", "你好，我想问一下尺码")]


def test_without_or_with_a_wrong_token_the_visitor_gets_401_and_nothing_changes():
    opened = _open()
    for token in (None, "wrong-token"):
        call = _visitor(token)
        assert call("get", f"conversations/{opened['id']}/messages").json()["code"] == "conversation_token_invalid"
        response = call("post", f"conversations/{opened['id']}/messages", {"message": "hi"})
        assert response.status_code == 401 and response.json()["code"] == "conversation_token_invalid"
    other = _open(email="other@example.com")
    assert _visitor(other["token"])("get", f"conversations/{opened['id']}/messages").status_code == 401
    assert Message.objects.filter(conversation_id=opened["id"]).count() == 1


def test_staff_answer_the_same_conversation_and_the_visitor_sees_it(staff_api):
    opened = _open()
    agent = staff_api("agent")
    reply = agent.post(f"support/conversations/{opened['id']}/messages", {"message": "您好，请问您的身高体重？"})
    assert reply.status_code == 201 and reply.json()["sender"] == "agent" and reply.json()["author"] == "agent"
    seen = _visitor(opened["token"])("get", f"conversations/{opened['id']}/messages?after={reply.json()['id'] - 1}")
    assert [(m["sender"], m["body"], m["author"]) for m in seen.json()["items"]] == [
        ("agent", "您好，请问您的身高体重？", "")
    ]
    assert seen.json()["status"] == "pending"
    conversation = Conversation.objects.get(pk=opened["id"])
    assert conversation.first_response_at is not None and conversation.assignee.username == "agent"


@pytest.mark.parametrize("role", ["marketing", "warehouse", "finance", "designer"])
def test_other_roles_are_refused_with_403(staff_api, role):
    opened = _open()
    response = staff_api(role).post(f"support/conversations/{opened['id']}/messages", {"message": "x"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert staff_api(role).get("support/conversations").status_code == 403
    assert Message.objects.filter(conversation_id=opened["id"]).count() == 1


def test_more_than_20_messages_a_minute_gets_429():
    opened = _open()
    call = _visitor(opened["token"], ip="10.0.0.9")
    codes = [
        call("post", f"conversations/{opened['id']}/messages", {"message": f"第{i}条"}).status_code for i in range(21)
    ]
    assert codes == [201] * 20 + [429]
    refused = call("post", f"conversations/{opened['id']}/messages", {"message": "again"})
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_messages"
    assert Message.objects.filter(conversation_id=opened["id"]).count() == 21  # the first + 20


def test_html_is_stored_raw_and_returned_as_text_never_as_markup():
    opened = _open(message='<script>alert(1)</script><img src=x onerror="alert(2)">')
    items = _visitor(opened["token"])("get", f"conversations/{opened['id']}/messages").json()["items"]
    assert items[0]["body"] == '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_bad_input_is_refused_with_a_code():
    call = _visitor()
    assert (
        call("post", "conversations", {"name": "", "email": "x@example.com", "message": "hi"}).json()["code"]
        == "name_or_email_required"
    )
    assert call("post", "conversations", {"name": "a", "email": "not-an-email", "message": "hi"}).status_code == 422
    assert (
        call("post", "conversations", {"name": "a", "email": "a@example.com", "message": "  "}).json()["code"]
        == "message_required"
    )
    assert (
        call("post", "conversations", {"name": "a", "email": "a@example.com", "message": "x" * 6000}).status_code == 422
    )
    assert Conversation.objects.count() == 0


def test_the_order_is_linked_only_when_the_email_matches():
    product = make_product(stock=5)
    order = place_test_order({product.variants.first().sku: 1}, email="buyer@example.com")
    mine = _open(email="buyer@example.com", order_number=order.number.lower())
    stranger = _open(email="someone@example.com", order_number=order.number)
    assert Conversation.objects.get(pk=mine["id"]).order_id == order.pk
    assert Conversation.objects.get(pk=stranger["id"]).order_id is None
    assert Conversation.objects.get(pk=stranger["id"]).order_number == order.number


def test_staff_list_assign_tag_note_and_status_with_audit(staff_api, staff):
    opened = _open()
    lead = staff_api("operator")
    agent = staff("agent")
    assigned = lead.post(f"support/conversations/{opened['id']}/assign", {"assignee": agent.username})
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "agent"
    refused = lead.post(f"support/conversations/{opened['id']}/assign", {"assignee": staff("warehouse").username})
    assert refused.status_code == 422 and refused.json()["code"] == "assignee_not_agent"
    assert lead.post(f"support/conversations/{opened['id']}/tags", {"tags": ["尺码", " 尺码 ", "退换"]}).json()[
        "tags"
    ] == ["尺码", "退换"]
    note = lead.post(f"support/conversations/{opened['id']}/notes", {"note": "老客户，态度要好"})
    assert note.status_code == 201 and note.json()["internal"] is True
    visitor_view = _visitor(opened["token"])("get", f"conversations/{opened['id']}/messages").json()["items"]
    assert [m["body"] for m in visitor_view] == ["你好，我想问一下尺码"]
    assert (
        lead.post(f"support/conversations/{opened['id']}/status", {"status": "resolved"}).json()["status"] == "resolved"
    )
    assert (
        lead.post(f"support/conversations/{opened['id']}/status", {"status": "bogus"}).json()["code"]
        == "status_unknown"
    )
    listed = lead.get("support/conversations", status="resolved", assignee="agent", tag="尺码").json()["items"]
    assert [c["id"] for c in listed] == [opened["id"]]
    assert lead.get("support/conversations", status="open").json()["items"] == []
    assert list(
        AuditEntry.objects.filter(object_id=str(opened["id"]), action__startswith="support.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["support.assigned", "support.status_changed"]


def test_a_closed_conversation_refuses_new_messages():
    opened = _open()
    Conversation.objects.filter(pk=opened["id"]).update(status="closed")
    response = _visitor(opened["token"])("post", f"conversations/{opened['id']}/messages", {"message": "还在吗"})
    assert response.status_code == 409 and response.json()["code"] == "conversation_closed"


def test_a_visitor_writing_again_reopens_a_resolved_conversation(staff_api):
    opened = _open()
    staff_api("agent").post(f"support/conversations/{opened['id']}/status", {"status": "resolved"})
    _visitor(opened["token"])("post", f"conversations/{opened['id']}/messages", {"message": "还有个问题"})
    assert Conversation.objects.get(pk=opened["id"]).status == "open"


def test_a_signed_in_customer_is_linked_and_a_guest_by_their_email():
    from dianpu.customers.services import session_hash, sign_up

    member = sign_up(email="member@example.com", password="a-long-pass-123", name="会员")
    client = Client(REMOTE_ADDR="10.0.0.3")
    session = client.session
    session["customer_id"], session["customer_hash"] = member.pk, session_hash(member)
    session.save()
    body = {"name": "会员", "email": "other-address@example.com", "message": "你好"}
    opened = client.post("/api/v1/support/conversations", data=json.dumps(body), content_type="application/json")
    assert Conversation.objects.get(pk=opened.json()["id"]).customer_id == member.pk
    guest = _open(email="MEMBER@example.com")
    assert Conversation.objects.get(pk=guest["id"]).customer_id == member.pk
    stranger = _open(email="nobody@example.com")
    assert Conversation.objects.get(pk=stranger["id"]).customer_id is None


def test_a_visitor_sends_an_image_and_a_file_of_the_wrong_kind_is_refused():
    import io

    from PIL import Image

    opened = _open()
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "blue").save(buffer, format="JPEG")
    client = Client(REMOTE_ADDR="10.0.0.4")
    url = f"/api/v1/support/conversations/{opened['id']}/attachments"
    headers = {"HTTP_X_CONVERSATION_TOKEN": opened["token"]}
    image = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    sent = client.post(url, {"file": image}, **headers)
    assert sent.status_code == 201
    assert [(a["content_type"], a["width"], a["height"]) for a in sent.json()["attachments"]] == [("image/jpeg", 8, 6)]
    fake = SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    refused = client.post(url, {"file": fake}, **headers)
    assert refused.status_code == 422 and refused.json()["code"] == "attachment_not_image"
    assert client.post(url, {"file": SimpleUploadedFile("a.jpg", buffer.getvalue())}).status_code == 401
    assert Message.objects.filter(conversation_id=opened["id"]).count() == 2
