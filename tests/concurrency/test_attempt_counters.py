"""Attempt counters under concurrency: failures sent at once all count, and exactly one of them
is the one that spends the budget (and is audited)."""

import pytest

from dianpu.core import ratelimit
from dianpu.core.models import AttemptCounter

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]


def test_failures_sent_at_once_all_count_and_one_spends_the_budget():
    key = ratelimit.client_key("203.0.113.50")

    def fail(_i):
        return ratelimit.count(ratelimit.SIGN_IN, [key])

    results = run_in_threads(12, fail)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(len(r) for r in results) == [0] * 11 + [1]
    assert AttemptCounter.objects.get().failures == 12
    assert ratelimit.refused(ratelimit.SIGN_IN, [key])
