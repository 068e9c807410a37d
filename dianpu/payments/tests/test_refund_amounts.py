"""Refunds to the fen, on SQLite and PostgreSQL alike: what is left to refund can be refunded
exactly, and not one fen more. (SQLite compares decimal columns as floats inside an UPDATE's
WHERE, so the guard works in whole fen.)"""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.orders.tests.builders import place_test_order
from dianpu.payments.models import Payment, Refund
from dianpu.payments.queries import get_refund_summary
from dianpu.payments.services import record_payment, refund_order, settle_refund, split_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    make_product(price="10.00", stock=5, skus=["FEN-1"])
    return place_test_order({"FEN-1": 1})


def paid(order, amount: str) -> Payment:
    return record_payment(order_id=order.pk, gateway="bank_transfer", amount=Decimal(amount))


def money_state(order):
    return (
        list(
            Payment.objects.filter(order=order).values_list(
                "amount", "refunded_total", "amount_fen", "refunded_fen", "status"
            )
        ),
        list(Refund.objects.filter(order=order).values_list("amount", "status")),
    )


def test_75_with_2_fen_refunded_takes_back_exactly_the_remaining_74_98(order):
    paid(order, "75.00")
    refund_order(order=order, amount="0.02", reason="差价")
    refund = refund_order(order=order, amount="74.98", reason="退货")

    assert (refund.amount, refund.status) == (Decimal("74.98"), "succeeded")
    payment = Payment.objects.get(order=order)
    assert (payment.refunded_total, payment.refunded_fen, payment.amount_fen, payment.status) == (
        Decimal("75.00"),
        7500,
        7500,
        "refunded",
    )
    assert get_refund_summary(order.pk) == {
        "paid": Decimal("75.00"),
        "refunded": Decimal("75.00"),
        "refundable": Decimal("0.00"),
    }


def test_one_fen_above_what_is_left_is_refused_with_nothing_changed(order):
    paid(order, "75.00")
    refund_order(order=order, amount="0.02")
    before = money_state(order)

    with pytest.raises(DomainError) as refused:
        refund_order(order=order, amount="74.99")

    assert refused.value.code == "refund_exceeds_paid"
    assert "74.98" in str(refused.value)
    assert money_state(order) == before


def test_one_fen_above_the_whole_payment_is_refused(order):
    paid(order, "0.30")
    with pytest.raises(DomainError) as refused:
        refund_order(order=order, amount="0.31")
    assert refused.value.code == "refund_exceeds_paid"
    assert Refund.objects.count() == 0
    refund_order(order=order, amount="0.10")
    refund_order(order=order, amount="0.20")  # 0.1 + 0.2 is not 0.3 in floating point
    assert Payment.objects.get(order=order).refunded_total == Decimal("0.30")


def test_a_failed_refund_gives_back_exactly_its_fen(order):
    paid(order, "75.00")
    refund_order(order=order, amount="0.02")
    refund = refund_order(order=order, amount="74.98")
    Refund.objects.filter(pk=refund.pk).update(status="pending")
    settle_refund(refund_id=refund.pk, status="failed")
    payment = Payment.objects.get(order=order)
    assert (payment.refunded_total, payment.refunded_fen) == (Decimal("0.02"), 2)
    assert refund_order(order=order, amount="74.98").amount == Decimal("74.98")


def test_splitting_a_payment_keeps_both_parts_exact(order):
    other = place_test_order({"FEN-1": 1})
    paid(order, "75.00")
    refund_order(order=order, amount="0.02")
    with pytest.raises(DomainError):  # would leave less than what was refunded
        split_payment(from_order_id=order.pk, to_order_id=other.pk, amount=Decimal("74.99"))
    part = split_payment(from_order_id=order.pk, to_order_id=other.pk, amount=Decimal("74.98"))
    source = Payment.objects.get(order=order)
    assert (source.amount, source.amount_fen, source.refunded_fen) == (Decimal("0.02"), 2, 2)
    assert (part.amount, Payment.objects.get(pk=part.pk).amount_fen) == (Decimal("74.98"), 7498)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(total_fen=st.integers(min_value=1, max_value=10_000_000), data=st.data())
def test_any_split_of_a_payment_refunds_exactly_all_of_it_and_never_a_fen_more(order, total_fen, data):
    cuts = sorted(set(data.draw(st.lists(st.integers(min_value=1, max_value=max(total_fen - 1, 1)), max_size=6))))
    cuts = [c for c in cuts if 0 < c < total_fen]
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total_fen], strict=True)]
    probe = data.draw(st.integers(min_value=0, max_value=len(parts) - 1))  # where to try one fen too many
    total = Decimal(total_fen) / 100

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            paid(order, f"{total:.2f}")
            left = total_fen
            for i, fen in enumerate(parts):
                if i == probe:
                    before = money_state(order)
                    with pytest.raises(DomainError) as refused:
                        refund_order(order=order, amount=f"{Decimal(left + 1) / 100:.2f}")
                    assert refused.value.code == "refund_exceeds_paid"
                    assert money_state(order) == before
                refund_order(order=order, amount=f"{Decimal(fen) / 100:.2f}")
                left -= fen
            payment = Payment.objects.get(order=order)
            assert (payment.refunded_fen, payment.refunded_total, payment.status) == (total_fen, total, "refunded")
            with pytest.raises(DomainError):
                refund_order(order=order, amount="0.01")
            raise Rollback
    except Rollback:
        pass
