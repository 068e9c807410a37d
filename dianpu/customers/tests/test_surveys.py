"""Surveys: CSAT three days after delivery through a signed link, once; NPS by period; results."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.customers.domain.surveys import csat_percent, nps
from dianpu.customers.models import Customer, SurveyResponse
from dianpu.customers.surveys import ask_due_csat, ask_nps
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


def test_scores_add_up_to_csat_and_nps():
    assert csat_percent([5, 4, 3, 1]) == Decimal("50.0")
    assert nps([10, 9, 8, 7, 6, 0]) == Decimal("0.0")
    assert nps([10, 10, 9, 3]) == Decimal("50.0")
    assert nps([]) is None


def link_in(message):
    line = next(x for x in message.body.splitlines() if "/survey/" in x)
    return line[line.index("/survey/") :]


def test_a_delivered_order_gets_one_csat_question_and_one_answer(client, staff_api):
    make_product(price="50.00", stock=10, skus=["CUP-1"])
    order = place_test_order({"CUP-1": 1}, email="li@example.com")
    Order.objects.filter(pk=order.pk).update(status="delivered", delivered_at=clock.now() - timedelta(days=3, hours=2))
    assert ask_due_csat() == 1 and ask_due_csat() == 0
    link = link_in(mail.outbox[-1])
    assert client.post(link, {"score": "9"}).status_code == 422  # CSAT is 1–5
    assert client.post(link, {"score": "5", "comment": "很好"}).status_code == 302
    assert client.post(link, {"score": "1"}).status_code == 422  # answered already
    answer = SurveyResponse.objects.get()
    assert (answer.score, answer.skus, answer.subject) == (5, ["CUP-1"], order.number)
    results = staff_api("marketing").get("surveys/results").json()
    assert results["csat_by_product"] == [{"sku": "CUP-1", "answers": 1, "satisfied_percent": "100.0"}]


def test_nps_is_asked_of_customers_who_agreed_by_period(client):
    Customer.objects.create(email="a@example.com", consent_email=True, created_at=clock.now())
    Customer.objects.create(email="b@example.com", consent_email=False, created_at=clock.now())
    assert ask_nps("2026-Q4") == 1 and ask_nps("2026-Q4") == 0
    assert client.post(link_in(mail.outbox[-1]), {"score": "10"}).status_code == 302
    assert SurveyResponse.objects.get().subject == "2026-Q4"
