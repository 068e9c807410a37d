"""The hand-over to the support app (when it is there) and the optional outside answerer, tested
against a local server that speaks the OpenAI chat-completions format."""

import json
import sys
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from dianpu.core.visitor_tokens import hash_token
from dianpu.knowledge.models import BotAnswer, BotSession

from .builders import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_app(monkeypatch):
    """A stand-in for dianpu.support.services.hand_over_from_bot with its agreed signature."""
    calls = []

    def hand_over_from_bot(*, conversation_id, token, name, email, question, bot_answer):
        calls.append(
            dict(
                conversation_id=conversation_id,
                token=token,
                name=name,
                email=email,
                question=question,
                bot_answer=bot_answer,
            )
        )
        return (conversation_id or 41, token or "conv-token")

    module = types.ModuleType("dianpu.support.services")
    module.hand_over_from_bot = hand_over_from_bot
    monkeypatch.setitem(sys.modules, "dianpu.support", types.ModuleType("dianpu.support"))
    monkeypatch.setitem(sys.modules, "dianpu.support.services", module)
    return calls


def test_asking_for_a_person_opens_a_support_conversation_and_returns_it(api, support_app):
    first = api.post("support/bot", {"message": "我的邮箱 me@example.com，帮我转人工"}).json()
    assert first["handed_over"] is True
    assert (first["conversation_id"], first["token"]) == (41, "conv-token")
    assert support_app[0]["email"] == "me@example.com" and support_app[0]["question"].endswith("帮我转人工")
    assert support_app[0]["bot_answer"] == first["answer"]
    again = api.post("support/bot", {"message": "人工", "session": first["session"]}).json()
    assert support_app[1]["conversation_id"] == 41 and support_app[1]["token"] == "conv-token"
    assert again["conversation_id"] == 41
    assert BotSession.objects.get(key_hash=hash_token(first["session"])).conversation_id == 41


def test_without_the_support_app_the_hand_over_is_kept_in_the_bot_log(api, monkeypatch):
    monkeypatch.setitem(sys.modules, "dianpu.support.services", None)  # import fails
    reply = api.post("support/bot", {"message": "human please"}).json()
    assert reply["handed_over"] is True and reply["conversation_id"] is None
    assert BotAnswer.objects.get(pk=reply["answer_id"]).kind == "handed_over"


class _FakeChat(BaseHTTPRequestHandler):
    received: list = []
    reply = "根据《退货运费谁承担？》：非质量问题由您承担退货运费。"

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.path, self.headers.get("Authorization"), body))
        data = json.dumps(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": self.reply}, "finish_reason": "stop"}
                ],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_chat():
    _FakeChat.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_a_configured_answerer_words_the_answer_from_the_retrieved_article(api, fake_chat):
    make_article()
    with override_settings(
        KNOWLEDGE_ANSWERER="openai",
        KNOWLEDGE_ANSWERER_URL=fake_chat,
        KNOWLEDGE_ANSWERER_KEY="sk-test",
        KNOWLEDGE_ANSWERER_MODEL="tiny",
    ):
        reply = api.post("support/bot", {"message": "退货运费谁出？"}).json()
    assert reply["answer"] == _FakeChat.reply
    assert reply["sources"][0]["title"] == "退货运费谁承担？"
    path, auth, body = _FakeChat.received[0]
    assert (path, auth, body["model"]) == ("/v1/chat/completions", "Bearer sk-test", "tiny")
    assert "非质量问题由买家承担退货运费" in body["messages"][0]["content"]
    assert body["messages"][1] == {"role": "user", "content": "退货运费谁出？"}


def test_an_answerer_that_is_down_leaves_the_built_in_answer(api):
    make_article()
    with override_settings(
        KNOWLEDGE_ANSWERER="openai", KNOWLEDGE_ANSWERER_URL="http://127.0.0.1:9/v1", KNOWLEDGE_ANSWERER_TIMEOUT=1
    ):
        reply = api.post("support/bot", {"message": "退货运费谁出？"}).json()
    assert "买家承担退货运费" in reply["answer"] and reply["handed_over"] is False
