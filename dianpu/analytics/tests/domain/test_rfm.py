from decimal import Decimal

from dianpu.analytics.domain.rfm import AT_RISK, HIGH_VALUE, LOST, LOYAL, OTHER, RfmRule, classify_customer

RULE = RfmRule()


def test_segments_follow_recency_frequency_and_money():
    assert classify_customer(recency_days=10, orders=2, monetary=Decimal("2500"), rule=RULE) == HIGH_VALUE
    assert classify_customer(recency_days=10, orders=3, monetary=Decimal("300"), rule=RULE) == LOYAL
    assert classify_customer(recency_days=10, orders=1, monetary=Decimal("80"), rule=RULE) == OTHER
    assert classify_customer(recency_days=120, orders=5, monetary=Decimal("5000"), rule=RULE) == AT_RISK
    assert classify_customer(recency_days=200, orders=5, monetary=Decimal("5000"), rule=RULE) == LOST


def test_boundaries_belong_to_the_more_recent_segment():
    assert classify_customer(recency_days=90, orders=3, monetary=Decimal("0"), rule=RULE) == LOYAL
    assert classify_customer(recency_days=180, orders=1, monetary=Decimal("0"), rule=RULE) == AT_RISK
