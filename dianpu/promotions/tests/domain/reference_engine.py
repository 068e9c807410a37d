"""The promotion engine as it was before it was tuned for speed (commit e7fcb18), kept as the
reference the tuned engine must agree with on random carts (test_engine_matches_reference.py).

Straightforward on purpose: a scope finds its lines by testing every line with `Scope.matches`,
conditions see the in-scope amount and units, every rule is evaluated. Do not optimise this file.
"""

from decimal import Decimal

from dianpu.promotions.domain.allocation import allocate
from dianpu.promotions.domain.benefits import (
    ITEM,
    MULTIBUY,
    ORDER,
    SHIPPING,
    BundlePrice,
    BuyXGetY,
    FlashPrice,
    MemberPrice,
    percent_of,
)
from dianpu.promotions.domain.conditions import ConditionContext
from dianpu.promotions.domain.types import (
    Adjustment,
    CouponRejection,
    Hint,
    PricedLine,
    PricingResult,
    from_fen,
    to_fen,
)


class _Cart:
    """Working state in whole fen: list amounts, discounts so far, floors."""

    def __init__(self, facts):
        self.lines = facts.lines
        self.unit = [to_fen(ln.unit_price) for ln in facts.lines]
        self.base = [u * ln.quantity for u, ln in zip(self.unit, facts.lines, strict=True)]
        self.floor = [to_fen(ln.floor_price) * ln.quantity for ln in facts.lines]
        self.disc = [0] * len(facts.lines)
        self.multibuy_used = [0] * len(facts.lines)
        self.order = sorted(range(len(facts.lines)), key=lambda i: facts.lines[i].sku)
        self.rank = {i: r for r, i in enumerate(self.order)}

    def net(self, i: int) -> int:
        return self.base[i] - self.disc[i]

    def cap(self, i: int, below_floor: bool) -> int:
        return max(0, self.net(i) - (0 if below_floor else min(self.floor[i], self.base[i])))

    def in_scope(self, scope) -> list[int]:
        """The lines a scope covers, in SKU order."""
        return [i for i in self.order if scope.matches(self.lines[i])]

    def amount(self, indexes) -> int:
        return sum(self.net(i) for i in indexes)

    def units(self, indexes) -> int:
        return sum(self.lines[i].quantity for i in indexes)

    def unit_prices(self, i: int) -> list[int]:
        """The line's units at their current net price, in fen that add up to the line's net."""
        q, n = self.lines[i].quantity, self.net(i)
        return [n // q + (1 if k < n % q else 0) for k in range(q)]


def _rank(rule):
    return (-rule.priority, rule.id)


def _conditions_hold(rule, cart, indexes, customer) -> bool:
    if not rule.conditions:
        return True
    ctx = ConditionContext(customer=customer, amount_fen=cart.amount(indexes), units=cart.units(indexes))
    return all(c.holds(ctx) for c in rule.conditions)


def _adjust(source, rule, code, shares: dict, params=(), target="lines"):
    amount = sum(shares.values())
    return Adjustment(
        source=source,
        rule_id=rule.id,
        label=rule.label,
        code=code,
        amount=from_fen(amount),
        target=target,
        lines=tuple((sku, from_fen(f)) for sku, f in sorted(shares.items()) if f),
        params=tuple(params),
    )


def _apply_shares(cart, rule_id, shares_by_index, below_floor) -> dict:
    out = {}
    for i, fen in shares_by_index.items():
        fen = min(fen, cart.cap(i, below_floor))
        if fen > 0:
            cart.disc[i] += fen
            out[cart.lines[i].sku] = out.get(cart.lines[i].sku, 0) + fen
    return out


def _spread(cart, indexes, total, below_floor) -> dict:
    caps = [cart.cap(i, below_floor) for i in indexes]
    parts = allocate(total, [cart.net(i) for i in indexes], caps)
    return _apply_shares(cart, None, dict(zip(indexes, parts, strict=True)), below_floor)


def _item_stage(cart, rules, facts, adjustments, flash_units):
    """Each line gets the single best item rule. Flash prices are capped (per customer, in
    stock), so their units go, rule by rule, to the lines where they save most over the line's
    best uncapped rule."""
    per_line: dict[int, list] = {}
    flash_rules = []
    for rule in rules:
        indexes = cart.in_scope(rule.scope)
        if indexes and _conditions_hold(rule, cart, indexes, facts.customer):
            if isinstance(rule.benefit, FlashPrice):
                flash_rules.append((rule, indexes))
            else:
                for i in indexes:
                    per_line.setdefault(i, []).append(rule)
    best: dict[int, tuple] = {}  # line index -> (rule, fen, flash units)
    for i in cart.order:
        line = cart.lines[i]
        caps = (cart.cap(i, False), cart.cap(i, True))
        top = None
        for rule in per_line.get(i, ()):
            b = rule.benefit
            if isinstance(b, MemberPrice):
                fen = b.line_discount(cart.unit[i], line.quantity, line.sku)
            else:
                fen = b.line_discount(cart.unit[i], line.quantity)
            fen = min(fen, caps[rule.allow_below_floor])
            if fen <= 0:
                continue
            key = (-fen, -rule.priority, rule.id)
            if top is None or key < top[0]:
                top = (key, rule, fen)
        if top is not None:
            best[i] = (top[1], top[2], 0)
    bought = dict(facts.flash_bought)
    left = dict(facts.flash_left)
    for rule, indexes in sorted(flash_rules, key=lambda r: _rank(r[0])):
        b = rule.benefit
        units_left = min(max(0, b.per_customer_limit - bought.get(rule.id, 0)), max(0, left.get(rule.id, b.stock_cap)))
        offers = []
        for i in indexes:
            units = min(cart.lines[i].quantity, units_left)
            fen = min(b.line_discount(cart.unit[i], units), cart.cap(i, rule.allow_below_floor))
            current = best.get(i, (None, 0, 0))
            if units and fen > current[1] and not current[2]:
                offers.append(((fen - current[1]) / units, i))
        for _gain, i in sorted(offers, key=lambda o: (-o[0], cart.lines[o[1]].sku)):
            units = min(cart.lines[i].quantity, units_left)
            if units <= 0:
                break
            fen = min(b.line_discount(cart.unit[i], units), cart.cap(i, rule.allow_below_floor))
            if fen <= best.get(i, (None, 0, 0))[1]:
                continue
            best[i] = (rule, fen, units)
            units_left -= units
            flash_units[rule.id] = flash_units.get(rule.id, 0) + units
    chosen: dict[str, tuple] = {}  # rule id -> (rule, {sku: fen})
    for i in cart.order:
        if i in best:
            rule, fen, _units = best[i]
            cart.disc[i] += fen
            chosen.setdefault(rule.id, (rule, {}))[1][cart.lines[i].sku] = fen
    for rule_id in sorted(chosen):
        rule, shares = chosen[rule_id]
        adjustments.append(_adjust("promotion", rule, rule.benefit.kind, shares, rule.benefit.params()))


def _multibuy_stage(cart, rules, facts, adjustments):
    for rule in sorted(rules, key=_rank):
        b = rule.benefit
        indexes = cart.in_scope(rule.scope)
        if not indexes or not _conditions_hold(rule, cart, indexes, facts.customer):
            continue
        wanted: dict[int, int] = {}
        if isinstance(b, BuyXGetY):
            units = []
            for i in indexes:
                prices = cart.unit_prices(i)
                free = cart.lines[i].quantity - cart.multibuy_used[i]
                units.extend((p, i) for p in sorted(prices)[:free])  # the cheaper units are still free
            units.sort(key=lambda u: (-u[0], cart.lines[u[1]].sku))
            consumed, discounts = b.plan(units)
            for _p, i in consumed:
                cart.multibuy_used[i] += 1
            for i, fen in discounts:
                wanted[i] = wanted.get(i, 0) + fen
        elif isinstance(b, BundlePrice):
            by_sku = {cart.lines[i].sku: i for i in cart.order}
            members = [by_sku.get(s) for s in b.skus]
            if not b.skus or any(i is None for i in members):
                continue
            sets = min(cart.lines[i].quantity - cart.multibuy_used[i] for i in members)
            if sets <= 0:
                continue
            set_value = sum(cart.net(i) * 1 // cart.lines[i].quantity for i in members)
            saving = set_value - to_fen(b.price)
            if saving <= 0:
                continue
            for i in members:
                cart.multibuy_used[i] += sets
            parts = allocate(
                saving * sets,
                [cart.net(i) // cart.lines[i].quantity for i in members],
                [cart.cap(i, rule.allow_below_floor) for i in members],
            )
            wanted = dict(zip(members, parts, strict=True))
        shares = _apply_shares(cart, rule.id, wanted, rule.allow_below_floor)
        if shares:
            adjustments.append(_adjust("promotion", rule, b.kind, shares, b.params()))


def _order_stage(cart, rules, facts, adjustments, hints):
    """One order-level rule (满减 / 满折) applies: the one that saves most. Of the "spend X more"
    hints those rules offer, the cart shows one: the nearest threshold that would save more than
    the cart saves now (on equal distance, the one saving most)."""
    best = None
    offers = []
    for rule in rules:
        indexes = cart.in_scope(rule.scope)
        if not indexes or not _conditions_hold(rule, cart, indexes, facts.customer):
            continue
        amount = cart.amount(indexes)
        fen, params = rule.benefit.discount(amount)
        fen = min(fen, sum(cart.cap(i, rule.allow_below_floor) for i in indexes))
        nxt = rule.benefit.next_tier(amount)
        if nxt is not None:
            needed, reward, kind = nxt
            saving_there = rule.benefit.discount(amount + needed)[0]
            offers.append(
                (
                    (needed, -saving_there, rule.id),
                    saving_there,
                    Hint(
                        rule.id,
                        rule.label,
                        rule.benefit.kind,
                        from_fen(needed),
                        from_fen(reward) if kind == "amount" else Decimal(reward),
                        kind,
                    ),
                )
            )
        if fen > 0:
            key = (-fen, -rule.priority, rule.id)
            if best is None or key < best[0]:
                best = (key, rule, indexes, fen, params)
    saving_now = best[3] if best is not None else 0
    better = [offer for offer in offers if offer[1] > saving_now]
    if better:
        hints.append(min(better, key=lambda offer: offer[0])[2])
    if best is not None:
        _key, rule, indexes, fen, params = best
        shares = _spread(cart, indexes, fen, rule.allow_below_floor)
        if shares:
            adjustments.append(_adjust("promotion", rule, rule.benefit.kind, shares, params))


def _coupon_problem(coupon, cart, facts) -> str | None:
    now = facts.now
    if coupon.ends_at is not None and now is not None and now >= coupon.ends_at:
        return "coupon_expired"
    if coupon.starts_at is not None and now is not None and now < coupon.starts_at:
        return "coupon_not_started"
    if coupon.uses_left is not None and coupon.uses_left <= 0:
        return "coupon_used_up"
    if coupon.customer_uses_left is not None and coupon.customer_uses_left <= 0:
        return "coupon_used_up"
    if coupon.segments and coupon.segments.isdisjoint(facts.customer.segments):
        return "coupon_not_eligible"
    indexes = cart.in_scope(coupon.scope)
    if not indexes:
        return "coupon_out_of_scope"
    if cart.amount(indexes) < to_fen(coupon.min_spend):
        return "coupon_min_spend"
    return None


def _coupon_stage(cart, coupons, facts, adjustments, rejected, applied):
    merch_taken = shipping_coupon = None
    for coupon in coupons:
        problem = _coupon_problem(coupon, cart, facts)
        if problem is None and coupon.kind != "shipping" and merch_taken is not None:
            problem = "coupon_not_combinable"
        if problem is None and coupon.kind == "shipping" and shipping_coupon is not None:
            problem = "coupon_not_combinable"
        if problem:
            rejected.append(CouponRejection(coupon.code, problem))
            continue
        if coupon.kind == "shipping":
            shipping_coupon = coupon
            continue
        indexes = cart.in_scope(coupon.scope)
        amount = cart.amount(indexes)
        if coupon.kind == "percent":
            fen = percent_of(amount, coupon.percent)
            params = (("percent", coupon.percent),)
        else:
            fen = to_fen(coupon.amount)
            params = (("amount", coupon.amount),)
        merch_taken = coupon
        shares = _spread(cart, indexes, fen, coupon.allow_below_floor)
        applied.append(coupon.code)
        adjustments.append(
            Adjustment(
                "coupon",
                coupon.id,
                coupon.label,
                f"coupon_{coupon.kind}",
                from_fen(sum(shares.values())),
                "lines",
                tuple((s, from_fen(f)) for s, f in sorted(shares.items()) if f),
                params,
            )
        )
    return shipping_coupon


def _shipping_stage(cart, rules, shipping_coupon, facts, adjustments, hints, applied) -> int:
    fee = to_fen(facts.shipping_fee)
    merchandise = cart.amount(cart.order)
    winner = None
    for rule in sorted(rules, key=_rank):
        indexes = cart.in_scope(rule.scope)
        if not indexes or not _conditions_hold(rule, cart, indexes, facts.customer):
            continue
        if rule.benefit.qualifies(cart.amount(indexes)):
            winner = winner or rule
        elif fee > 0:
            needed = rule.benefit.next_tier(cart.amount(indexes))
            if needed:
                hints.append(
                    Hint(rule.id, rule.label, rule.benefit.kind, from_fen(needed[0]), from_fen(fee), "shipping")
                )
    if fee <= 0 or merchandise < 0:
        return 0
    if winner is not None:
        adjustments.append(
            Adjustment(
                "promotion",
                winner.id,
                winner.label,
                "free_shipping",
                from_fen(fee),
                "shipping",
                (),
                winner.benefit.params(),
            )
        )
        return fee
    if shipping_coupon is not None:
        off = fee if shipping_coupon.amount <= 0 else min(fee, to_fen(shipping_coupon.amount))
        applied.append(shipping_coupon.code)
        adjustments.append(
            Adjustment(
                "coupon",
                shipping_coupon.id,
                shipping_coupon.label,
                "coupon_shipping",
                from_fen(off),
                "shipping",
                (),
                (),
            )
        )
        return off
    return 0


def evaluate_cart(facts, promotions=(), coupons=()) -> PricingResult:
    """Price `facts` (CartFacts) with `promotions` (Promotion) and the `coupons` (CouponFacts)
    the customer entered. Pure: same input, same output, whatever order the rules come in."""
    now = facts.now
    live = sorted((p for p in promotions if now is None or p.is_live(now)), key=lambda p: p.id)
    excluded: tuple = ()
    exclusive = sorted((p for p in live if p.exclusive), key=_rank)
    for candidate in exclusive:
        alone = _run(facts, [candidate], ())
        if alone.discount_total > 0 or alone.shipping_discount > 0:
            excluded = tuple(p.id for p in live if p.id != candidate.id)
            live = [candidate]
            break
    else:
        live = [p for p in live if not p.exclusive]
    result = _run(facts, live, sorted(coupons, key=lambda c: c.code))
    if excluded:
        result = PricingResult(**{**result.__dict__, "excluded": excluded})
    return result


def _run(facts, promotions, coupons) -> PricingResult:
    cart = _Cart(facts)
    by_stage: dict[int, list] = {ITEM: [], MULTIBUY: [], ORDER: [], SHIPPING: []}
    for p in promotions:
        by_stage[p.benefit.stage].append(p)
    adjustments: list = []
    hints: list = []
    rejected: list = []
    applied: list = []
    flash_units: dict = {}
    _item_stage(cart, by_stage[ITEM], facts, adjustments, flash_units)
    _multibuy_stage(cart, by_stage[MULTIBUY], facts, adjustments)
    _order_stage(cart, by_stage[ORDER], facts, adjustments, hints)
    shipping_coupon = _coupon_stage(cart, coupons, facts, adjustments, rejected, applied)
    shipping_discount = _shipping_stage(cart, by_stage[SHIPPING], shipping_coupon, facts, adjustments, hints, applied)
    lines = tuple(
        PricedLine(
            sku=ln.sku,
            quantity=ln.quantity,
            unit_price=from_fen(cart.unit[i]),
            line_total=from_fen(cart.base[i]),
            discount=from_fen(cart.disc[i]),
            total=from_fen(cart.net(i)),
        )
        for i, ln in enumerate(facts.lines)
    )
    hints.sort(key=lambda h: (h.amount_needed, h.rule_id))
    return PricingResult(
        lines=lines,
        adjustments=tuple(adjustments),
        subtotal=from_fen(sum(cart.base)),
        discount_total=from_fen(sum(cart.disc)),
        shipping_fee=from_fen(to_fen(facts.shipping_fee)),
        shipping_discount=from_fen(shipping_discount),
        hints=tuple(hints),
        rejected_coupons=tuple(rejected),
        flash_units=tuple(sorted(flash_units.items())),
        applied_coupons=tuple(applied),
    )
