"""The agent's daily log drafted from the day's conversations, submitted and reviewed by a lead;
the weekly chat review sample with banned words found automatically, scored, and agent figures."""

from datetime import date, datetime, timezone

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import PASSWORD
from dianpu.audit.models import AuditEntry
from dianpu.support import queries, services
from dianpu.support.domain.errors import SupportError
from dianpu.support.domain.review import calculate_score, find_banned_words, pick_sample, week_start
from dianpu.support.models import AgentLog, ChatReview

from .builders import open_chat

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_daily_log_counts_the_days_conversations_and_goes_to_the_lead(at, staff):
    at(2026, 3, 2, 3, 0)  # 11:00 in Shanghai
    agent = staff("agent")
    first, _t = open_chat(message="什么时候发货？")
    second, _t = open_chat(email="b@example.com", message="可以开发票吗")
    services.set_tags(conversation=first, tags=["发货"], actor=agent)
    services.set_tags(conversation=second, tags=["发货", "发票"], actor=agent)
    services.post_agent_reply(conversation=first, actor=agent, message="今天发出")
    services.post_agent_reply(conversation=second, actor=agent, message="可以的")
    services.change_status(conversation=first, status="resolved", actor=agent)
    log = services.draft_daily_log(agent=agent)
    assert (log.day, log.handled, log.still_open, log.top_tags) == (date(2026, 3, 2), 2, 1, [["发货", 2], ["发票", 1]])
    assert sorted(log.common_questions) == ["什么时候发货？", "可以开发票吗"]
    services.submit_daily_log(log=log, agent=agent, notes="发票问题较多，建议写进帮助中心")
    with pytest.raises(SupportError) as twice:
        services.submit_daily_log(log=log, agent=agent, notes="again")
    assert twice.value.code == "log_already_submitted"
    lead = staff("operator")
    page = _client(lead).get("/console/support/logs/").content.decode()
    assert "发票问题较多" in page
    _client(lead).post("/console/support/logs/", {"action": "review", "log": log.pk, "comment": "好的，已安排"})
    log.refresh_from_db()
    assert (log.status, log.reviewer_id, log.review_comment) == ("reviewed", lead.pk, "好的，已安排")
    assert AuditEntry.objects.filter(action="support.log_reviewed").count() == 1


def test_an_agent_cannot_review_logs(staff):
    agent = staff("agent")
    log = services.draft_daily_log(agent=agent)
    services.submit_daily_log(log=log, agent=agent, notes="x")
    _client(agent).post("/console/support/logs/", {"action": "review", "log": log.pk, "comment": "自己批"})
    assert AgentLog.objects.get(pk=log.pk).status == "submitted"
    assert _client(agent).get("/console/support/reviews/").status_code == 403


def test_the_weekly_sample_finds_banned_words_and_the_lead_scores_it(at, staff):
    at(2026, 3, 4, 2, 0)
    agent = staff("agent")
    rude, _t = open_chat(message="东西坏了")
    services.post_agent_reply(conversation=rude, actor=agent, message="不知道，自己看说明书")
    polite, _t = open_chat(email="c@example.com", message="尺码偏大吗")
    services.post_agent_reply(conversation=polite, actor=agent, message="您好，尺码正常")
    assert services.sample_week_for_review(week=date(2026, 3, 4)) == 2
    assert services.sample_week_for_review(week=date(2026, 3, 4)) == 0  # the same draw, kept once
    review = ChatReview.objects.get(conversation=rude)
    assert (review.week, review.banned_words) == (date(2026, 3, 2), ["自己看", "不知道"])
    lead = staff("owner")
    _client(lead).post(
        "/console/support/reviews/?week=2026-03-02",
        {"review": review.pk, "greeting": "2", "accuracy": "3", "tone": "1", "resolution": "2", "comment": "语气生硬"},
    )
    review.refresh_from_db()
    assert (review.score, review.comment, review.reviewer_id) == (20, "语气生硬", lead.pk)
    with pytest.raises(SupportError):
        services.score_chat_review(
            review=review, reviewer=lead, scores={"greeting": 9, "accuracy": 1, "tone": 1, "resolution": 1}
        )
    assert ChatReview.objects.get(pk=review.pk).greeting == 2
    figures = queries.agent_figures(
        since=datetime(2026, 3, 1, tzinfo=timezone.utc), until=datetime(2026, 3, 8, tzinfo=timezone.utc)
    )
    assert [(f.username, f.volume, f.answered, f.review_score) for f in figures] == [("agent", 2, 2, 20.0)]
    page = _client(lead).get("/console/support/reviews/?week=2026-03-02").content.decode()
    assert "不知道" in page and 'id="agent-figures"' in page


def test_review_rules():
    assert find_banned_words(["您好", "Whatever you say"]) == ["whatever"]
    assert calculate_score({"greeting": 5, "accuracy": 5, "tone": 5, "resolution": 5}, 0) == 100
    assert calculate_score({"greeting": 1, "accuracy": 1, "tone": 1, "resolution": 1}, 3) == 0
    assert pick_sample([5, 1, 3, 2, 4], 3, "w") == pick_sample([1, 2, 3, 4, 5], 3, "w")
    assert len(pick_sample(list(range(10)), 3, "w")) == 3 and pick_sample([7], 3, "w") == [7]
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2) and week_start(date(2026, 3, 2)) == date(2026, 3, 2)


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "nonsense", "2026-02-30"])
def test_a_week_out_of_range_shows_this_week(staff, week):
    assert _client(staff("owner")).get(f"/console/support/reviews/?week={week}").status_code == 200
