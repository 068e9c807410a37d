"""CSAT per agent: when a conversation is resolved the visitor rates it (1–5) in the chat, once,
with the conversation's token; the rating counts for the agent who had it, in the agent figures
with the number of answers."""

from datetime import timedelta

import pytest
from django.test import Client

from dianpu.core import clock
from dianpu.support import queries, services
from dianpu.support.models import Conversation

pytestmark = pytest.mark.django_db


def _open(ip="10.0.0.31"):
    conversation, token = services.open_conversation(
        name="小王", email="wang@example.com", message="尺码偏小吗？", ip=ip
    )
    return conversation, token


def _rate(conversation_id, token, body):
    headers = {"HTTP_X_CONVERSATION_TOKEN": token} if token else {}
    return Client().post(
        f"/api/v1/support/conversations/{conversation_id}/satisfaction",
        body,
        content_type="application/json",
        **headers,
    )


def _resolved_by(agent, ip="10.0.0.31"):
    conversation, token = _open(ip)
    conversation = services.assign_conversation(conversation=conversation, assignee=agent, actor=agent)
    services.post_agent_reply(conversation=conversation, actor=agent, message="偏小一码，建议选大一码。")
    conversation = services.change_status(
        conversation=Conversation.objects.get(pk=conversation.pk), status="resolved", actor=agent
    )
    return conversation, token


def test_the_visitor_rates_a_resolved_conversation_once_and_it_counts_for_its_agent(staff):
    agent = staff("agent")
    conversation, token = _resolved_by(agent)
    seen = (
        Client()
        .get(f"/api/v1/support/conversations/{conversation.pk}/messages", HTTP_X_CONVERSATION_TOKEN=token)
        .json()
    )
    assert (seen["status"], seen["satisfaction_score"]) == ("resolved", None)
    response = _rate(conversation.pk, token, {"score": 4, "comment": "<b>回复很快</b>"})
    assert response.status_code == 200 and response.json() == {"score": 4, "comment": "<b>回复很快</b>"}
    again = _rate(conversation.pk, token, {"score": 1})
    assert again.status_code == 409 and again.json()["code"] == "satisfaction_already_given"
    conversation.refresh_from_db()
    assert (conversation.satisfaction_score, conversation.satisfaction_agent_id) == (4, agent.pk)
    assert (
        Client()
        .get(f"/api/v1/support/conversations/{conversation.pk}/messages", HTTP_X_CONVERSATION_TOKEN=token)
        .json()["satisfaction_score"]
        == 4
    )
    console = Client()
    console.force_login(agent)
    page = console.get(f"/console/support/{conversation.pk}/").content.decode()
    assert "客户评分 4/5" in page and "&lt;b&gt;回复很快&lt;/b&gt;" in page


def test_no_rating_before_resolution_without_the_token_or_out_of_range(staff):
    from dianpu.accounts.tests.builders import token_for

    conversation, token = _open()
    early = _rate(conversation.pk, token, {"score": 5})
    assert early.status_code == 409 and early.json()["code"] == "satisfaction_not_resolved"
    conversation, token = _resolved_by(staff("agent"), ip="10.0.0.32")
    assert _rate(conversation.pk, None, {"score": 5}).status_code == 401
    assert _rate(conversation.pk, "wrong", {"score": 5}).status_code == 401
    # Staff cannot rate their own work with a staff token.
    assert (
        Client()
        .post(
            f"/api/v1/support/conversations/{conversation.pk}/satisfaction",
            {"score": 5},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token_for(staff('agent'))}",
        )
        .status_code
        == 401
    )
    for bad in ({"score": 0}, {"score": 6}, {"score": "5 stars"}, {"score": 3, "comment": "x" * 1001}):
        assert _rate(conversation.pk, token, bad).status_code == 422
    assert Conversation.objects.get(pk=conversation.pk).satisfaction_score is None


def test_agent_figures_show_csat_per_agent_with_the_number_of_answers(staff):
    first, second = staff("agent"), staff("operator")
    for i, score in enumerate([5, 4, 2]):
        conversation, token = _resolved_by(first, ip=f"10.0.1.{i}")
        services.rate_conversation(conversation=conversation, score=score)
    conversation, _token = _resolved_by(second, ip="10.0.2.1")
    _resolved_by(second, ip="10.0.2.2")  # resolved, never rated
    services.rate_conversation(conversation=conversation, score=5)
    now = clock.now()
    figures = {
        f.username: f for f in queries.agent_figures(since=now - timedelta(days=1), until=now + timedelta(days=1))
    }
    assert (figures[first.username].satisfaction, figures[first.username].satisfaction_answers) == (3.7, 3)
    assert (figures[second.username].satisfaction, figures[second.username].satisfaction_answers) == (5.0, 1)
    console = Client()
    console.force_login(staff("owner"))
    page = console.get("/console/support/reviews/").content.decode()
    assert '<td class="num">3.7</td><td class="num">3</td>' in page
