"""Two exclusive promotions that overlap in time and scope can never both be saved, even when
their saves race: real threads, a barrier, the real database (SQLite in WAL mode, or PostgreSQL)."""

import pytest

from dianpu.core.errors import DomainError
from dianpu.promotions.models import Promotion
from dianpu.promotions.services import update_promotion
from dianpu.promotions.tests.builders import make_promotion

from .test_last_units import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
SAVERS = 6


def _outcome(call):
    try:
        call()
        return "saved"
    except DomainError as exc:
        return exc.code


def test_racing_exclusive_promotions_on_the_same_goods_save_only_one():
    results = run_in_threads(
        SAVERS,
        lambda i: _outcome(lambda: make_promotion("percent_off", name=f"独享{i}", percent=10 + i, exclusive=True)),
    )
    assert sorted(results) == ["exclusive_overlap"] * (SAVERS - 1) + ["saved"], results
    assert Promotion.objects.filter(exclusive=True).count() == 1


def test_racing_switches_to_exclusive_leave_only_one_exclusive():
    promotions = [make_promotion("amount_off", name=f"直降{i}", amount="5.00") for i in range(SAVERS)]
    results = run_in_threads(
        SAVERS,
        lambda i: _outcome(lambda: update_promotion(Promotion.objects.get(pk=promotions[i].pk), {"exclusive": True})),
    )
    assert sorted(results) == ["exclusive_overlap"] * (SAVERS - 1) + ["saved"], results
    assert Promotion.objects.filter(exclusive=True).count() == 1
    assert Promotion.objects.filter(exclusive=False).count() == SAVERS - 1  # the refused ones unchanged
