"""Conversation attachments are not public media: a view serves them to the conversation's
visitor (token header or the signed link a message gave), to staff who answer conversations, and
to nobody else, with a fixed Content-Disposition and nosniff."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from dianpu.support import services
from dianpu.support.models import Attachment

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _conversation_with_image():
    api = Client(REMOTE_ADDR="10.0.0.21")
    opened = api.post(
        "/api/v1/support/conversations",
        {"name": "小王", "email": "wang@example.com", "message": "商品破损了"},
        content_type="application/json",
    ).json()
    sent = api.post(
        f"/api/v1/support/conversations/{opened['id']}/attachments",
        {"file": SimpleUploadedFile("photo.png", _png(), content_type="image/png")},
        HTTP_X_CONVERSATION_TOKEN=opened["token"],
    )
    assert sent.status_code == 201
    return opened, sent.json()["attachments"][0]["url"], Attachment.objects.get()


def test_the_image_is_stored_outside_public_media_and_the_media_route_refuses_it():
    _opened, _url, attachment = _conversation_with_image()
    assert attachment.file.name.startswith("private/support/")
    client = Client()
    for path in (
        attachment.file.name,
        "./" + attachment.file.name,
        "/" + attachment.file.name,
        "x/../" + attachment.file.name,
    ):
        assert client.get(f"/media/{path}").status_code == 404


def test_the_signed_link_a_message_gave_serves_the_image_with_safe_headers():
    _opened, url, attachment = _conversation_with_image()
    assert url.startswith(f"/api/v1/support/attachments/{attachment.pk}?sig=")
    response = Client().get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _png()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="attachment-{attachment.pk}.png"'


def test_the_visitor_token_serves_it_and_no_or_a_wrong_proof_gets_401():
    opened, url, attachment = _conversation_with_image()
    bare = f"/api/v1/support/attachments/{attachment.pk}"
    client = Client()
    assert client.get(bare, HTTP_X_CONVERSATION_TOKEN=opened["token"]).status_code == 200
    other = (
        Client(REMOTE_ADDR="10.0.0.22")
        .post(
            "/api/v1/support/conversations",
            {"name": "李", "email": "li@example.com", "message": "你好"},
            content_type="application/json",
        )
        .json()
    )
    for response in (
        client.get(bare),
        client.get(bare, HTTP_X_CONVERSATION_TOKEN=other["token"]),
        client.get(bare + "?sig=forged"),
        client.get(url.replace(f"/{attachment.pk}?", "/999999?")),
    ):
        assert response.status_code == 401 and response.json()["code"] == "attachment_link_invalid"


def test_a_link_older_than_an_hour_is_refused(monkeypatch):
    _opened, url, attachment = _conversation_with_image()
    import time

    later = time.time() + services.queries.ATTACHMENT_LINK_SECONDS + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert Client().get(url).status_code == 401


def test_an_internal_note_image_is_not_served_for_the_visitor_token(staff):
    opened, _url, _attachment = _conversation_with_image()
    from dianpu.support.models import Conversation, Message

    conversation = Conversation.objects.get(pk=opened["id"])
    note = Message.objects.create(
        conversation=conversation, sender="agent", body="", internal=True, created_at=conversation.created_at
    )
    hidden = Attachment.objects.create(
        message=note, file=Attachment.objects.get().file.name, content_type="image/png", size=1, width=4, height=3
    )
    bare = f"/api/v1/support/attachments/{hidden.pk}"
    assert Client().get(bare, HTTP_X_CONVERSATION_TOKEN=opened["token"]).status_code == 401
    console = Client()
    console.force_login(staff("agent"))
    assert console.get(bare).status_code == 200


@pytest.mark.parametrize("role,expected", [("agent", 200), ("operator", 200), ("warehouse", 403)])
def test_staff_read_it_by_session_or_token_only_with_the_answer_permission(staff, role, expected):
    from dianpu.accounts.tests.builders import token_for

    _opened, _url, attachment = _conversation_with_image()
    console = Client()
    console.force_login(staff(role))
    bare = f"/api/v1/support/attachments/{attachment.pk}"
    assert console.get(bare).status_code == expected
    assert Client().get(bare, HTTP_AUTHORIZATION=f"Bearer {token_for(staff(role))}").status_code == expected
