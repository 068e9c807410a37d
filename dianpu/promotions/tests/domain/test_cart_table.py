"""Every cart of the hand-worked table (carts.json) prices to the expected amounts."""

from decimal import Decimal

import pytest

from dianpu.promotions.domain import evaluate_cart

from .table import TABLE, facts_of, rules_of


def test_table_has_at_least_forty_carts_and_every_rule_kind():
    assert len(TABLE["carts"]) >= 40
    kinds = {p["kind"] for case in TABLE["carts"] for p in case["promotions"]}
    assert kinds == {
        "percent_off",
        "amount_off",
        "spend_x_save_y",
        "spend_x_percent_off",
        "buy_x_get_y",
        "bundle",
        "free_shipping",
        "member_price",
        "flash_sale",
    }


@pytest.mark.parametrize("case", TABLE["carts"], ids=[c["name"] for c in TABLE["carts"]])
def test_cart_prices_as_worked_by_hand(case):
    promotions, coupons = rules_of(case)
    result = evaluate_cart(facts_of(case), promotions, coupons)
    expect = case["expect"]
    got = {
        "subtotal": result.subtotal,
        "discount_total": result.discount_total,
        "shipping_total": result.shipping_total,
        "total": result.total,
    }
    for key in got:
        if key in expect:
            assert got[key] == Decimal(expect[key]), key
    if "lines" in expect:
        assert {ln.sku: str(ln.total) for ln in result.lines if ln.sku in expect["lines"]} == expect["lines"]
    if "applied" in expect:
        assert [a.rule_id for a in result.adjustments] == expect["applied"]
    if "rejected" in expect:
        assert {r.code: r.reason for r in result.rejected_coupons} == expect["rejected"]
    elif case.get("coupon_codes"):
        assert result.rejected_coupons == ()
    if "hints" in expect:
        assert [[h.rule_id, str(h.amount_needed), str(h.reward)] for h in result.hints] == expect["hints"]
    if "flash_units" in expect:
        assert dict(result.flash_units) == expect["flash_units"]
    if "excluded" in expect:
        assert list(result.excluded) == expect["excluded"]
    if "applied_coupons" in expect:
        assert list(result.applied_coupons) == expect["applied_coupons"]
    # Whatever the case: lines add up to the order, nothing negative.
    assert sum(ln.total for ln in result.lines) == result.subtotal - result.discount_total
    assert sum(a.amount for a in result.adjustments if a.target == "lines") == result.discount_total
    assert result.total >= 0 and all(ln.total >= 0 for ln in result.lines)
