"""E-mail in: a forwarded message threads into its conversation or opens one; a message that is not
one is refused with 400; the secret guards the door; an agent's reply goes out by e-mail on commit."""

import pytest
from django.core import mail
from django.test import Client

from dianpu.support import services
from dianpu.support.models import Conversation, Message

pytestmark = pytest.mark.django_db
SECRET = "s3cret-inbound"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.INBOUND_EMAIL_SECRET = SECRET


def _post(raw: bytes, secret=SECRET):
    headers = {"HTTP_X_INBOUND_SECRET": secret} if secret else {}
    return Client().post("/api/v1/support/inbound-email", data=raw, content_type="message/rfc822", **headers)


def _mail(
    subject="快递还没到",
    sender="王芳 <wangfang@example.com>",
    body="我的订单三天了还没发货。",
    message_id="<a1@mail.example.com>",
    extra="",
):
    return (
        f"From: {sender}\r\nTo: service@shop.example.com\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def test_a_new_email_opens_a_conversation_and_the_same_message_twice_is_stored_once():
    response = _post(_mail())
    assert response.status_code == 201
    conversation = Conversation.objects.get(pk=response.json()["id"])
    assert (conversation.channel, conversation.email, conversation.name, conversation.subject) == (
        "email",
        "wangfang@example.com",
        "王芳",
        "快递还没到",
    )
    assert [m.body for m in conversation.messages.all()] == ["我的订单三天了还没发货。"]
    assert _post(_mail()).json()["id"] == conversation.pk
    assert Message.objects.count() == 1


def test_an_agent_reply_goes_out_by_email_and_the_answer_threads_back(staff, django_capture_on_commit_callbacks):
    conversation = Conversation.objects.get(pk=_post(_mail()).json()["id"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_agent_reply(conversation=conversation, actor=staff("agent"), message="您好，今天发出。")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["wangfang@example.com"] and f"[DP-S{conversation.pk}]" in sent.subject
    assert sent.extra_headers["In-Reply-To"] == "<a1@mail.example.com>"
    answer = _mail(
        subject=f"Re: {sent.subject}",
        message_id="<a2@mail.example.com>",
        body="好的，谢谢！\n> 您好，今天发出。",
        extra=f"In-Reply-To: {sent.extra_headers['Message-ID']}\r\n",
    )
    assert _post(answer).json()["id"] == conversation.pk
    assert [m.body for m in conversation.messages.order_by("id")][-1] == "好的，谢谢！"
    assert services.send_reply_email(conversation.messages.filter(sender="agent").get().pk) is None
    assert len(mail.outbox) == 1  # run twice: sent once


def test_a_reference_from_another_sender_does_not_join_that_conversation():
    first = _post(_mail()).json()["id"]
    other = _post(_mail(subject=f"Re: [DP-S{first}]", sender="x@evil.example.com", message_id="<b@x>")).json()["id"]
    assert other != first
    assert Conversation.objects.get(pk=first).messages.count() == 1


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"just some text without headers",
        b"Subject: hi\r\n\r\nno sender\r\n",
        b"From: a@example.com\r\nSubject: empty\r\n\r\n",
    ],
)
def test_a_message_that_is_not_a_valid_email_is_refused_with_400(raw):
    response = _post(raw)
    assert response.status_code == 400 and response.json()["code"] == "inbound_email_invalid"
    assert Conversation.objects.count() == 0


def test_without_the_secret_the_door_is_shut(settings):
    assert _post(_mail(), secret="wrong").status_code == 401
    assert _post(_mail(), secret=None).json()["code"] == "inbound_email_forbidden"
    settings.INBOUND_EMAIL_SECRET = ""
    assert _post(_mail(), secret="").status_code == 401
    assert Conversation.objects.count() == 0
