"""The storefront bot (knowledge app) handing over to a person: a real conversation in the desk,
whose token then reads it like the chat's; a second hand-over with that token reuses it."""

import json

import pytest
from django.test import Client

from dianpu.support.models import Conversation, Message

pytestmark = pytest.mark.django_db


def _bot(body):
    return Client(REMOTE_ADDR="10.0.3.1").post(
        "/api/v1/support/bot", data=json.dumps(body), content_type="application/json"
    )


def test_asking_the_bot_for_a_person_opens_a_conversation_the_visitor_can_read():
    reply = _bot({"message": "我要找人工客服"}).json()
    assert reply["handed_over"] is True and reply["conversation_id"] and reply["token"]
    conversation = Conversation.objects.get(pk=reply["conversation_id"])
    assert (conversation.channel, conversation.status, conversation.escalated) == ("bot", "open", True)
    client = Client(HTTP_X_CONVERSATION_TOKEN=reply["token"])
    items = client.get(f"/api/v1/support/conversations/{conversation.pk}/messages").json()["items"]
    assert [m["sender"] for m in items][0] == "visitor" and items[0]["body"] == "我要找人工客服"
    again = _bot(
        {
            "message": "还是要人工",
            "conversation_id": conversation.pk,
            "token": reply["token"],
            "session": reply["session"],
        }
    ).json()
    assert again["conversation_id"] == conversation.pk
    assert Conversation.objects.count() == 1 and Message.objects.filter(conversation=conversation).count() >= 3
