"""seed-demo writes the visits behind its orders; the figures built from them agree with the raw tables."""

from datetime import datetime, timedelta, timezone

import pytest
from django.core.management import call_command

from dianpu.analytics import queries
from dianpu.analytics.models import TrackingEvent
from dianpu.analytics.shopdays import local_day
from dianpu.orders.models import Order

pytestmark = pytest.mark.django_db


def test_demo_orders_come_with_visits_and_consistent_figures():
    now = datetime(2026, 3, 10, 12, tzinfo=timezone.utc)
    call_command("seed_demo", verbosity=0, products=10, customers=20, orders=60, days=10, seed=3, now=now.isoformat())
    orders = Order.objects.filter(channel="web").count()  # those imported from Shopify had no visit here
    assert TrackingEvent.objects.filter(kind="purchase").count() == orders
    assert Order.objects.exclude(visitor_id="").count() == orders
    last = local_day(now)
    first = last - timedelta(days=9)
    summary, raw = queries.get_summary(first, last), queries.raw_summary(first, last)
    assert {k: summary[k] for k in raw} == raw
    assert summary["visitors"] > 0 and summary["orders"] > 0
    assert queries.get_funnel(first, last)["steps"] == queries._funnel_steps(queries.raw_funnel_counts(first, last))
