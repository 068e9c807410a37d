"""The bot's flood guard under concurrency: of 25 messages sent at once from one address, exactly
20 are answered (and logged) and 5 get 429."""

import pytest

from dianpu.core.errors import DomainError
from dianpu.knowledge.models import BotAnswer
from dianpu.knowledge.services import BOT_MESSAGES, answer_bot_message

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]


def test_25_messages_at_once_from_one_address_answer_exactly_20():
    def send(i):
        return answer_bot_message(message="你好", ip_address="203.0.113.77")

    results = run_in_threads(25, send)
    refused = [r for r in results if isinstance(r, DomainError)]
    assert [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)] == []
    assert len(refused) == 5 and {(r.code, r.status) for r in refused} == {("too_many_messages", 429)}
    assert BotAnswer.objects.count() == BOT_MESSAGES.allowed == 20
