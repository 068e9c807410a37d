"""Nothing waits on the network inside a database transaction (docs/architecture.md).

The root conftest.py turns every test of the suite into a check: an HTTP or SMTP connection, or
an e-mail handed to the backend, while a transaction is open fails the test. These tests prove
the guard itself, and that gateways reach the network only through the guarded transport."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction

from dianpu.core.outbound import OutboundInTransactionError, ensure_outside_transaction, in_transaction
from dianpu.payments.tests.fake_stripe import fake_stripe  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2] / "dianpu"


@pytest.mark.django_db
def test_the_test_cases_own_transaction_does_not_count_but_one_the_code_opens_does():
    assert not in_transaction()
    ensure_outside_transaction("outside")
    with transaction.atomic():
        assert in_transaction()
        with pytest.raises(OutboundInTransactionError, match="inside a database transaction"):
            ensure_outside_transaction("stripe POST /v1/payment_intents")


@pytest.mark.django_db
def test_an_email_sent_inside_a_transaction_fails_and_one_sent_on_commit_passes(django_capture_on_commit_callbacks):
    with pytest.raises(OutboundInTransactionError), transaction.atomic():
        mail.send_mail("s", "b", "shop@example.com", ["a@example.com"])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        transaction.on_commit(lambda: mail.send_mail("s", "b", "shop@example.com", ["a@example.com"]))
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_gateway_call_inside_a_transaction_fails(fake_stripe):  # noqa: F811 (the fixture)
    from dianpu.payments.gateways import get_gateway

    with pytest.raises(OutboundInTransactionError), transaction.atomic():
        get_gateway("stripe").start_payment(order_number="DP1", amount=1, email="", language="zh-hans")
    assert fake_stripe.requests == []  # refused before anything went out


def test_gateways_reach_the_network_only_through_the_guarded_transport():
    direct = re.compile(r"urlopen\(|http\.client|requests\.(get|post)|httpx\.")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "payments" / "gateways").glob("*.py")
        if path.name != "transport.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if direct.search(line)
    ]
    assert found == []


def test_placing_an_order_commits_before_the_gateway_is_called():
    """checkout.place_order: the gateway is asked after the `with transaction.atomic()` block."""
    source = (ROOT / "checkout" / "services.py").read_text(encoding="utf-8")
    body = source[source.index("def place_order(") : source.index("def pay_order(")]
    atomic_at = body.index("with transaction.atomic():")
    start_at = body.index("start_payment(")
    block_end = next(m.start() for m in re.finditer(r"\n    \S", body[atomic_at:]))
    assert start_at > atomic_at + block_end
