"""The tuned engine prices every random cart exactly as the straightforward reference engine does.

Random carts of 1–25 lines (SKUs, categories, tags, brands, floors) against 0–120 random rules of
every kind (scopes, conditions, priorities, exclusive rules, flash caps already used) and 0–3
coupons: the whole `PricingResult` (lines, adjustments with their params, hints, rejected coupons,
flash units, excluded rules) must be equal.
"""

import random
from decimal import Decimal

import pytest

from dianpu.promotions.domain import CartFacts, CustomerFacts, LineFacts, evaluate_cart
from dianpu.promotions.domain.definitions import coupon_from_definition, promotion_from_definition

from .reference_engine import evaluate_cart as reference_evaluate_cart

CATEGORIES = [f"cat-{n}" for n in range(8)]
TAGS = ["new", "summer", "gift"]
BRANDS = ["", "acme", "dianpu"]


def _money(rnd, low=1, high=40000):
    return Decimal(rnd.randint(low, high)) / 100


def _scope(rnd, skus):
    choice = rnd.randrange(6)
    if choice == 0:
        return {"all": True}
    if choice == 1:
        return {"skus": rnd.sample(skus, min(len(skus), rnd.randint(1, 6)))}
    if choice == 2:
        return {"categories": rnd.sample(CATEGORIES, rnd.randint(1, 3))}
    if choice == 3:
        return {"tags": [rnd.choice(TAGS)]}
    if choice == 4:
        return {"brands": [rnd.choice(BRANDS[1:])]}
    return {"skus": [rnd.choice(skus)], "categories": [rnd.choice(CATEGORIES)]}


def _conditions(rnd):
    pool = [
        {"kind": "min_spend", "amount": str(_money(rnd, 100, 60000))},
        {"kind": "min_quantity", "quantity": rnd.randint(1, 12)},
        {"kind": "customer_segment", "segments": [rnd.choice(["vip", "new", "lapsed"])]},
        {"kind": "member_tier", "tiers": [rnd.choice(["gold", "silver"])]},
        {"kind": "first_order"},
    ]
    return rnd.sample(pool, rnd.choice([0, 0, 0, 1, 1, 2]))


def _params(rnd, kind, skus):
    pct = lambda: rnd.choice([rnd.randint(1, 100), float(rnd.randint(1, 999)) / 10])  # noqa: E731
    tiers = sorted({rnd.randint(1, 800) for _ in range(rnd.randint(1, 3))})
    if kind == "percent_off":
        return {"percent": pct()}
    if kind == "amount_off":
        return {"amount": str(_money(rnd, 1, 5000))}
    if kind == "spend_x_save_y":
        return {"tiers": [{"threshold": t, "amount": rnd.randint(1, t)} for t in tiers], "repeat": rnd.random() < 0.3}
    if kind == "spend_x_percent_off":
        return {"tiers": [{"threshold": t, "percent": pct()} for t in tiers]}
    if kind == "buy_x_get_y":
        return {"buy": rnd.randint(1, 3), "get": rnd.randint(1, 2), "discount_percent": pct()}
    if kind == "bundle":
        return {
            "skus": rnd.sample(skus + ["NOT-IN-CART"], min(len(skus) + 1, rnd.randint(2, 3))),
            "price": str(_money(rnd, 0, 20000)),
        }
    if kind == "free_shipping":
        return {"threshold": rnd.choice([0, rnd.randint(1, 500)])}
    if kind == "member_price":
        if rnd.random() < 0.4:
            return {"prices": {s: str(_money(rnd, 1, 30000)) for s in rnd.sample(skus, min(len(skus), 3))}}
        return {"percent": pct()}
    return {
        "price": str(_money(rnd, 0, 10000)),
        "per_customer_limit": rnd.randint(1, 3),
        "stock_cap": rnd.randint(1, 6),
    }


KINDS = [
    "percent_off",
    "amount_off",
    "spend_x_save_y",
    "spend_x_percent_off",
    "buy_x_get_y",
    "bundle",
    "free_shipping",
    "member_price",
    "flash_sale",
]


def _random_case(seed):
    rnd = random.Random(seed)
    all_skus = [f"SKU-{n:02d}" for n in range(40)]
    skus = rnd.sample(all_skus, rnd.randint(1, 25))
    lines = tuple(
        LineFacts(
            sku=s,
            unit_price=_money(rnd, 1, 30000),
            quantity=rnd.randint(1, 5),
            categories=frozenset(rnd.sample(CATEGORIES, rnd.randint(0, 2))),
            tags=frozenset(rnd.sample(TAGS, rnd.randint(0, 2))),
            brand=rnd.choice(BRANDS),
            floor_price=rnd.choice([Decimal("0"), Decimal("0"), _money(rnd, 1, 20000)]),
        )
        for s in skus
    )
    promotions = []
    for n in range(rnd.choice([0, 3, 10, 40, 120])):
        kind = rnd.choice(KINDS)
        promotions.append(
            promotion_from_definition(
                id=f"P{n:03d}",
                label=kind,
                kind=kind,
                params=_params(rnd, kind, all_skus),
                scope=_scope(rnd, all_skus),
                conditions=_conditions(rnd),
                priority=rnd.randint(0, 3),
                exclusive=rnd.random() < 0.05,
                allow_below_floor=rnd.random() < 0.3,
            )
        )
    coupons = [
        coupon_from_definition(
            code=f"K{n}",
            label="k",
            kind=rnd.choice(["amount", "percent", "shipping"]),
            amount=_money(rnd, 1, 5000),
            percent=rnd.randint(1, 100),
            min_spend=rnd.choice([0, 50, 300]),
            scope=_scope(rnd, all_skus),
            segments=rnd.choice([(), ("vip",)]),
            uses_left=rnd.choice([None, None, 0, 3]),
            allow_below_floor=rnd.random() < 0.3,
        )
        for n in range(rnd.randint(0, 3))
    ]
    flash = [p.id for p in promotions if p.label == "flash_sale"]
    customer = CustomerFacts(
        tier=rnd.choice(["", "gold", "silver"]),
        segments=frozenset(rnd.sample(["vip", "new"], rnd.randint(0, 2))),
        is_first_order=rnd.random() < 0.5,
    )
    facts = CartFacts(
        lines=lines,
        customer=customer,
        shipping_fee=rnd.choice([Decimal("0.00"), Decimal("10.00")]),
        flash_bought=tuple((pid, rnd.randint(0, 2)) for pid in flash if rnd.random() < 0.5),
        flash_left=tuple((pid, rnd.randint(0, 4)) for pid in flash if rnd.random() < 0.5),
    )
    return facts, promotions, coupons


@pytest.mark.parametrize("block", range(8))
def test_tuned_engine_prices_random_carts_exactly_as_the_reference(block):
    for seed in range(block * 75, (block + 1) * 75):
        facts, promotions, coupons = _random_case(seed)
        expected = reference_evaluate_cart(facts, promotions, coupons)
        got = evaluate_cart(facts, promotions, coupons)
        assert got == expected, f"seed {seed}"
        # Decimals compare by value: the amounts must also read the same (scale included).
        assert repr(got) == repr(expected), f"seed {seed}"


def test_random_carts_exercise_every_stage():
    """The random cases are not vacuous: discounts of every kind, hints and rejections occur."""
    codes, hints, rejected, excluded = set(), 0, 0, 0
    for seed in range(600):
        result = evaluate_cart(*_random_case(seed))
        codes |= {a.code for a in result.adjustments}
        hints += len(result.hints)
        rejected += len(result.rejected_coupons)
        excluded += bool(result.excluded)
    assert set(KINDS) <= codes
    assert hints and rejected and excluded
