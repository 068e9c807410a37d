"""Pure rules of the service desk, without a database."""

from datetime import datetime, timedelta, timezone

from dianpu.core.visitor_tokens import hash_token, new_token, token_matches
from dianpu.support.domain import sla, states
from dianpu.support.domain.canned import render_canned_reply, unknown_variables
from dianpu.support.domain.inbound import InboundEmailError, parse_inbound_email
from dianpu.support.domain.routing import AgentTurn, pick_next_agent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def test_the_timer_is_ok_then_warns_then_breaches_and_a_timely_answer_meets_it():
    due = T0 + timedelta(minutes=60)
    assert sla.evaluate_timer(due, None, T0 + timedelta(minutes=44), 15) == "ok"
    assert sla.evaluate_timer(due, None, T0 + timedelta(minutes=45), 15) == "warning"
    assert sla.evaluate_timer(due, None, T0 + timedelta(minutes=61), 15) == "breached"
    assert sla.evaluate_timer(due, T0 + timedelta(minutes=59), T0 + timedelta(hours=5), 15) == "met"
    assert sla.evaluate_timer(due, T0 + timedelta(minutes=70), T0 + timedelta(hours=5), 15) == "breached"


def test_deadlines_follow_the_targets():
    deadlines = sla.calculate_deadlines(T0, sla.DEFAULT_TARGETS["urgent"])
    assert (deadlines.first_response_due, deadlines.resolution_due) == (
        T0 + timedelta(minutes=15),
        T0 + timedelta(hours=4),
    )


def test_round_robin_gives_the_turn_to_whoever_waited_longest():
    assert pick_next_agent([]) is None
    assert pick_next_agent([AgentTurn(3, T0), AgentTurn(2, None), AgentTurn(1, None)]) == 1
    assert pick_next_agent([AgentTurn(3, T0), AgentTurn(2, T0 + timedelta(minutes=1))]) == 3


def test_statuses():
    assert states.can_change_status("open", "resolved") and not states.can_change_status("closed", "open")
    assert states.status_after_visitor_message("resolved") == "open"
    assert states.status_after_visitor_message("closed") == "closed"
    assert states.status_after_agent_reply("open") == "pending"
    assert states.clean_tags([" 发货 ", "发货", "", "x" * 40]) == ["发货", "x" * 30]


def test_canned_reply_variables():
    assert (
        render_canned_reply("{customer_name}您好 {order_number}{unknown}", {"customer_name": "李雷"})
        == "李雷您好 {unknown}"
    )
    assert unknown_variables("{customer_name} {name} {order}") == ["name", "order"]


def test_tokens_are_random_and_only_their_hash_matches():
    token = new_token()
    assert token != new_token() and len(token) >= 40
    assert token_matches(token, hash_token(token)) and not token_matches("", hash_token(""))
    assert not token_matches(token + "x", hash_token(token))


def test_parsing_an_email():
    raw = (
        "From: =?utf-8?b?546L6Iqz?= <wf@example.com>\r\nSubject: Re: 发票 [DP-S42]\r\nMessage-ID: <m1@x>\r\n"
        "In-Reply-To: <support-42-7@shop>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<p>好的&amp;谢谢</p>\r\n"
    ).encode()
    parsed = parse_inbound_email(raw)
    assert (parsed.sender, parsed.sender_name, parsed.reference_id, parsed.in_reply_to, parsed.text) == (
        "wf@example.com",
        "王芳",
        42,
        ("<support-42-7@shop>",),
        "好的&谢谢",
    )


def test_not_an_email():
    for raw in (b"", b"\x00\x01\x02", b"Subject: x\r\n\r\nbody"):
        try:
            parse_inbound_email(raw)
        except InboundEmailError:
            continue
        raise AssertionError(f"accepted {raw!r}")
