"""A visitor's flood of chat messages sent at once: exactly 20 a minute are kept, the rest refused
with 429 (the counter in the database, counted before the message is written); two agents changing
a conversation's status at once: one wins, the other is told it moved."""

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.support import services
from dianpu.support.domain.errors import SupportError
from dianpu.support.models import Conversation, Message

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]


def test_a_flood_of_messages_keeps_exactly_twenty():
    conversation, _token = services.open_conversation(
        name="李雷", email="lilei@example.com", message="你好", ip="10.9.0.1"
    )
    results = run_in_threads(
        26,
        lambda i: services.post_visitor_message(
            conversation=Conversation.objects.get(pk=conversation.pk), message=f"第{i}条", ip="10.9.0.2"
        ),
    )
    refused = [r for r in results if isinstance(r, SupportError)]
    assert all(r.code == "too_many_messages" for r in refused), results
    assert len(refused) == 6
    assert Message.objects.filter(conversation=conversation).count() == 21  # the first + 20


def test_two_agents_closing_at_once_one_wins():
    conversation, _token = services.open_conversation(
        name="韩梅梅", email="mm@example.com", message="你好", ip="10.9.0.3"
    )
    agents = [make_staff("agent", username=f"agent{i}") for i in range(2)]
    wanted = ("closed", "closed")
    results = run_in_threads(
        2,
        lambda i: services.change_status(
            conversation=Conversation.objects.get(pk=conversation.pk), status=wanted[i], actor=agents[i]
        ),
    )
    winners = [r for r in results if isinstance(r, Conversation)]
    losers = [r for r in results if isinstance(r, SupportError)]
    assert len(winners) == 1 and len(losers) == 1 and losers[0].status == 409, results
    assert Conversation.objects.get(pk=conversation.pk).status == winners[0].status
