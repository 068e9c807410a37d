"""RFM segments and rule segments."""

from decimal import Decimal

from dianpu.customers.domain.segments import (
    CustomerFacts,
    RfmThresholds,
    SegmentRule,
    check_rule,
    classify_rfm,
    segments_of,
)

T = RfmThresholds(active_days=90, lost_days=180, loyal_orders=3, high_value_amount=Decimal("2000"))


def facts(recency, orders=1, spend="100", **kw):
    return CustomerFacts(recency_days=recency, orders=orders, spend=Decimal(spend), **kw)


def test_rfm_segments_out_of_the_box():
    assert classify_rfm(facts(10, 1, "2000"), T) == "high_value"
    assert classify_rfm(facts(10, 3, "600"), T) == "loyal"
    assert classify_rfm(facts(10, 1, "99"), T) == "promising"
    assert classify_rfm(facts(91, 5, "9000"), T) == "at_risk"
    assert classify_rfm(facts(181, 5, "9000"), T) == "lost"
    assert classify_rfm(facts(None, 0, "0"), T) == ""


def test_rule_segments_match_when_every_condition_holds():
    shanghai_tea = SegmentRule("sh_tea", {"provinces": ["上海市"], "categories": ["tea"], "min_orders": 2})
    f = facts(5, 2, "300", province="上海市", categories=frozenset({"tea", "cups"}))
    assert segments_of(f, T, [shanghai_tea]) == ["promising", "sh_tea"]
    assert segments_of(facts(5, 1, "300", province="上海市", categories=frozenset({"tea"})), T, [shanghai_tea]) == [
        "promising"
    ]


def test_a_rule_that_matches_nobody_is_valid_and_empty():
    nobody = SegmentRule("whales", {"min_spend": 1_000_000})
    assert segments_of(facts(5, 1, "300"), T, [nobody]) == ["promising"]


def test_bad_rules_say_which_condition_is_wrong():
    assert check_rule({}) == {"conditions": "rule_empty"}
    assert check_rule({"min_spend": "lots", "colour": "red", "tags": "vip", "consent": "fax"}) == {
        "min_spend": "rule_not_a_number",
        "colour": "rule_unknown_key",
        "tags": "rule_not_a_list",
        "consent": "rule_consent",
    }
    assert check_rule({"min_spend": 500, "tags": ["vip"], "consent": "email"}) == {}
