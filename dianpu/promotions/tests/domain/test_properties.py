"""Properties of the engine over random carts and rule sets (hypothesis)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dianpu.promotions.domain import CartFacts, CustomerFacts, LineFacts, evaluate_cart
from dianpu.promotions.domain.definitions import coupon_from_definition, promotion_from_definition

SKUS = ["A", "B", "C", "D", "E"]
CATEGORY = {"A": "tea", "B": "tea", "C": "cups", "D": "cups", "E": "snacks"}
THRESHOLD_KINDS = {"spend_x_save_y", "spend_x_percent_off", "free_shipping", "buy_x_get_y", "bundle"}

money = st.integers(min_value=1, max_value=50000).map(lambda f: Decimal(f) / 100)
scopes = st.one_of(
    st.just({"all": True}),
    st.lists(st.sampled_from(SKUS), min_size=1, max_size=3, unique=True).map(lambda s: {"skus": s}),
    st.sampled_from(["tea", "cups", "snacks"]).map(lambda c: {"categories": [c]}),
)


@st.composite
def promotion_defs(draw, n):
    kind = draw(
        st.sampled_from(
            [
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
        )
    )
    pct = st.integers(min_value=1, max_value=100).map(Decimal)
    params = {
        "percent_off": lambda: {"percent": draw(pct)},
        "amount_off": lambda: {"amount": draw(money)},
        "spend_x_save_y": lambda: {
            "tiers": [
                {"threshold": t, "amount": min(t, a)}
                for t, a in draw(st.lists(st.tuples(money, money), min_size=1, max_size=3, unique_by=lambda x: x[0]))
            ],
            "repeat": draw(st.booleans()),
        },
        "spend_x_percent_off": lambda: {
            "tiers": [
                {"threshold": t, "percent": p}
                for t, p in draw(st.lists(st.tuples(money, pct), min_size=1, max_size=3, unique_by=lambda x: x[0]))
            ]
        },
        "buy_x_get_y": lambda: {
            "buy": draw(st.integers(1, 3)),
            "get": draw(st.integers(1, 2)),
            "discount_percent": draw(pct),
        },
        "bundle": lambda: {
            "skus": draw(st.lists(st.sampled_from(SKUS), min_size=2, max_size=3, unique=True)),
            "price": draw(money),
        },
        "free_shipping": lambda: {"threshold": draw(money)},
        "member_price": lambda: {"percent": draw(pct)},
        "flash_sale": lambda: {
            "price": draw(money),
            "per_customer_limit": draw(st.integers(1, 3)),
            "stock_cap": draw(st.integers(1, 5)),
        },
    }[kind]()
    return dict(
        id=f"P{n:03d}",
        label=kind,
        kind=kind,
        params=params,
        scope=draw(scopes),
        priority=draw(st.integers(0, 3)),
        exclusive=draw(st.booleans()) and draw(st.booleans()),
        allow_below_floor=draw(st.booleans()),
    )


@st.composite
def carts(draw):
    skus = draw(st.lists(st.sampled_from(SKUS), min_size=1, max_size=5, unique=True))
    lines = tuple(
        LineFacts(
            sku=s,
            unit_price=draw(money),
            quantity=draw(st.integers(1, 5)),
            categories=frozenset({CATEGORY[s]}),
            floor_price=draw(st.sampled_from([Decimal("0"), Decimal("1.00"), Decimal("20.00")])),
        )
        for s in skus
    )
    defs = [draw(promotion_defs(n)) for n in range(draw(st.integers(0, 6)))]
    coupon_defs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["amount", "percent", "shipping"]),
                money,
                st.integers(1, 100),
                st.sampled_from([Decimal(0), Decimal(50)]),
            ),
            max_size=2,
        )
    )
    coupons = [
        coupon_from_definition(code=f"K{i}", label="k", kind=k, amount=a, percent=p, min_spend=m)
        for i, (k, a, p, m) in enumerate(coupon_defs)
    ]
    fee = draw(st.sampled_from([Decimal("0.00"), Decimal("8.00"), Decimal("12.50")]))
    return lines, defs, coupons, fee


def build(defs):
    return [promotion_from_definition(**d) for d in defs]


def facts(lines, fee):
    return CartFacts(lines=lines, customer=CustomerFacts(tier="gold"), shipping_fee=fee)


@settings(max_examples=300, deadline=None)
@given(carts())
def test_totals_never_negative_and_lines_add_up(data):
    lines, defs, coupons, fee = data
    result = evaluate_cart(facts(lines, fee), build(defs), coupons)
    assert result.total >= 0 and result.shipping_total >= 0 and result.discount_total >= 0
    assert all(ln.total >= 0 and ln.discount >= 0 for ln in result.lines)
    assert sum(ln.total for ln in result.lines) + result.shipping_total == result.total
    assert sum(a.amount for a in result.adjustments if a.target == "lines") == result.discount_total
    by_sku = {}
    for a in result.adjustments:
        for sku, amount in a.lines:
            by_sku[sku] = by_sku.get(sku, Decimal("0.00")) + amount
    assert all(by_sku.get(ln.sku, Decimal("0.00")) == ln.discount for ln in result.lines)


@settings(max_examples=300, deadline=None)
@given(carts())
def test_floor_holds_unless_a_rule_allows_below_it(data):
    lines, defs, coupons, fee = data
    defs = [{**d, "allow_below_floor": False} for d in defs]
    result = evaluate_cart(facts(lines, fee), build(defs), coupons)
    for ln, facts_line in zip(result.lines, lines, strict=True):
        assert ln.total >= min(facts_line.floor_price * facts_line.quantity, ln.line_total)


@settings(max_examples=200, deadline=None)
@given(carts(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_the_order_rules_are_listed(data, rnd):
    lines, defs, coupons, fee = data
    first = evaluate_cart(facts(lines, fee), build(defs), coupons)
    shuffled_defs, shuffled_coupons = list(defs), list(coupons)
    rnd.shuffle(shuffled_defs)
    rnd.shuffle(shuffled_coupons)
    assert evaluate_cart(facts(lines, fee), build(shuffled_defs), shuffled_coupons) == first


@settings(max_examples=300, deadline=None)
@given(carts(), st.integers(0, 4))
def test_adding_an_item_never_makes_the_cart_cheaper_unless_a_threshold_rule_says_so(data, which):
    lines, defs, coupons, fee = data
    index = which % len(lines)
    bigger = tuple(
        ln if i != index else LineFacts(**{**ln.__dict__, "quantity": ln.quantity + 1}) for i, ln in enumerate(lines)
    )
    small = evaluate_cart(facts(lines, fee), build(defs), coupons)
    large = evaluate_cart(facts(bigger, fee), build(defs), coupons)
    if large.total < small.total:
        # Only a rule that rewards spending or buying more (满减, 满折, 买N送M, bundles, 包邮,
        # a coupon's minimum spend, or an exclusive rule switching in) may do that.
        kinds_big = {a.code for a in large.adjustments} | ({"exclusive"} if large.excluded != small.excluded else set())
        rewards = kinds_big & (THRESHOLD_KINDS | {"exclusive", "coupon_amount", "coupon_percent", "coupon_shipping"})
        assert rewards, (small, large)
    else:
        assert large.total >= small.total


@settings(max_examples=300, deadline=None)
@given(carts(), st.integers(0, 4))
def test_with_price_rules_only_adding_an_item_always_costs_more(data, which):
    lines, defs, coupons, fee = data
    defs = [d for d in defs if d["kind"] in {"percent_off", "amount_off", "member_price", "flash_sale"}]
    coupons = [c for c in coupons if c.min_spend == 0 and c.kind != "shipping"]
    index = which % len(lines)
    bigger = tuple(
        ln if i != index else LineFacts(**{**ln.__dict__, "quantity": ln.quantity + 1}) for i, ln in enumerate(lines)
    )
    small = evaluate_cart(facts(lines, fee), build(defs), coupons)
    large = evaluate_cart(facts(bigger, fee), build(defs), coupons)
    assert large.total >= small.total
