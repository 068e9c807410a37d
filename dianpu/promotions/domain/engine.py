"""evaluate_cart: price a cart against live promotions and the coupons entered.

Stacking, in this order (docs/decisions/0007-one-pricing-engine.md):

1. **Exclusive.** If an exclusive promotion applies (live, conditions met, gives a discount),
   the one with the highest priority (then lowest id) is the only promotion used; the others
   are listed in `excluded`. Coupons still apply on top.
2. **Item price** (限时折扣, 会员价, 秒杀): each line gets the single best of the item rules
   that match it; they do not add up.
3. **Multi-buy** (买N送M, 第二件半价, 搭配购): on the item prices; rules by priority, each unit
   used by at most one multi-buy rule.
4. **Order** (满减, 满折): thresholds measured on the in-scope amount after stages 2–3; the one
   rule giving the most (ties: priority, id) applies.
5. **Coupons**: at most one merchandise coupon (amount or percent) and one shipping coupon;
   minimum spend measured on the in-scope amount after all promotions.
6. **Shipping** (包邮, shipping coupon): measured on the merchandise total after all discounts.

Every discount is rounded to the fen once, then split across its lines by `allocate` so line
totals add up exactly; no line goes below zero, nor below its floor price unless the rule says
so (the discount shrinks instead). Ties are broken by ids, never by list order.
"""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import cast

from .allocation import allocate
from .benefits import (
    ITEM,
    MULTIBUY,
    ORDER,
    SHIPPING,
    BundlePrice,
    BuyXGetY,
    Dominance,
    FlashPrice,
    ItemBenefit,
    MultibuyBenefit,
    NextTier,
    OrderBenefit,
    ShippingBenefit,
    percent_of,
)
from .types import (
    Adjustment,
    CartFacts,
    CouponFacts,
    CouponRejection,
    CustomerFacts,
    Hint,
    LineFacts,
    Param,
    PricedLine,
    PricingResult,
    Promotion,
    Scope,
    from_fen,
    to_fen,
)

# The (kind, key) pairs a scope looks its lines up by (Scope.index_keys).
ScopeKeys = tuple[tuple[str, str], ...]


class _Cart:
    """Working state in whole fen: list amounts, discounts so far (and the net they leave), floors."""

    def __init__(self, facts: CartFacts) -> None:
        lines: tuple[LineFacts, ...] = facts.lines
        self.lines = lines
        self.unit = [to_fen(ln.unit_price) for ln in lines]
        self.base = [u * ln.quantity for u, ln in zip(self.unit, lines, strict=True)]
        self.floor = [to_fen(ln.floor_price) * ln.quantity for ln in lines]
        self.keep = [min(f, b) for f, b in zip(self.floor, self.base, strict=True)]  # what a floor-keeping rule leaves
        self.disc = [0] * len(lines)
        self.nets = list(self.base)  # base - disc, kept in step by `take`
        self.multibuy_used = [0] * len(lines)
        self.order = sorted(range(len(lines)), key=lambda i: lines[i].sku)
        self.rank = [0] * len(lines)  # line index -> its place in SKU order
        for r, i in enumerate(self.order):
            self.rank[i] = r
        self._scopes: dict[ScopeKeys, list[int]] = {}  # index keys of a scope -> its lines
        # id(scope) -> lines; the rules (and so their scopes) outlive the cart
        self._scope_ids: dict[int, list[int]] = {}
        # Indexes so a scope finds its lines by key, not by testing every line; each list in SKU order.
        self._index: dict[tuple[str, str], list[int]] = {}
        index = self._index
        for i in self.order:
            line = lines[i]
            index.setdefault(("skus", line.sku), []).append(i)
            for c in line.categories:
                index.setdefault(("categories", c), []).append(i)
            for t in line.tags:
                index.setdefault(("tags", t), []).append(i)
            if line.brand:
                index.setdefault(("brands", line.brand), []).append(i)

    def net(self, i: int) -> int:
        return self.nets[i]

    def take(self, i: int, fen: int) -> None:
        self.disc[i] += fen
        self.nets[i] -= fen

    def cap(self, i: int, below_floor: bool) -> int:
        return max(0, self.nets[i] - (0 if below_floor else self.keep[i]))

    def in_scope(self, scope: Scope) -> list[int]:
        """The lines a scope covers, in SKU order (cached per scope)."""
        found = self._scope_ids.get(id(scope))
        if found is not None:
            return found
        if scope.all:
            found = self.order
        else:
            keys = scope.index_keys
            if len(keys) == 1:
                found = self._index.get(keys[0], [])
            else:
                found = self._scopes.get(keys)
                if found is None:
                    index = self._index
                    parts = [index[key] for key in keys if key in index]
                    if not parts:
                        found = []
                    elif len(parts) == 1:
                        found = parts[0]
                    else:
                        found = sorted({i for part in parts for i in part}, key=self.rank.__getitem__)
                    self._scopes[keys] = found
        self._scope_ids[id(scope)] = found
        return found

    def amount(self, indexes: Iterable[int]) -> int:
        nets = self.nets
        return sum([nets[i] for i in indexes])

    def units(self, indexes: Iterable[int]) -> int:
        lines = self.lines
        return sum([lines[i].quantity for i in indexes])


class _Context:
    """What a condition sees (like ConditionContext); the amount and units are summed only if asked."""

    __slots__ = ("customer", "_cart", "_indexes", "_amount", "_units")

    customer: CustomerFacts
    _cart: _Cart
    _indexes: list[int]
    _amount: int | None
    _units: int | None

    def __init__(self, customer: CustomerFacts, cart: _Cart, indexes: list[int], amount: int | None = None) -> None:
        self.customer, self._cart, self._indexes, self._amount, self._units = customer, cart, indexes, amount, None

    @property
    def amount_fen(self) -> int:
        if self._amount is None:
            self._amount = self._cart.amount(self._indexes)
        return self._amount

    @property
    def units(self) -> int:
        if self._units is None:
            self._units = self._cart.units(self._indexes)
        return self._units


def _rank(rule: Promotion) -> tuple[int, str]:
    return (-rule.priority, rule.id)


def _conditions_hold(
    rule: Promotion, cart: _Cart, indexes: list[int], customer: CustomerFacts, amount: int | None = None
) -> bool:
    if not rule.conditions:
        return True
    ctx = _Context(customer, cart, indexes, amount)
    return all(c.holds(ctx) for c in rule.conditions)


def _adjust(
    source: str,
    rule: Promotion,
    code: str,
    shares: dict[str, int],
    params: Iterable[Param] = (),
    target: str = "lines",
) -> Adjustment:
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


def _apply_shares(
    cart: _Cart, rule_id: str | None, shares_by_index: dict[int, int], below_floor: bool
) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, fen in shares_by_index.items():
        fen = min(fen, cart.cap(i, below_floor))
        if fen > 0:
            cart.take(i, fen)
            out[cart.lines[i].sku] = out.get(cart.lines[i].sku, 0) + fen
    return out


def _spread(cart: _Cart, indexes: list[int], total: int, below_floor: bool) -> dict[str, int]:
    caps = [cart.cap(i, below_floor) for i in indexes]
    parts = allocate(total, [cart.net(i) for i in indexes], caps)
    return _apply_shares(cart, None, dict(zip(indexes, parts, strict=True)), below_floor)


# A line's best item rule so far: (rule, fen, flash units).
_Best = tuple[Promotion[ItemBenefit], int, int]
_NOTHING: tuple[None, int, int] = (None, 0, 0)


def _item_stage(
    cart: _Cart,
    rules: list[Promotion[ItemBenefit]],
    facts: CartFacts,
    adjustments: list[Adjustment],
    flash_units: dict[str, int],
) -> None:
    """Each line gets the single best item rule. Flash prices are capped (per customer, in
    stock), so their units go, rule by rule, to the lines where they save most over the line's
    best uncapped rule."""
    per_line: dict[int, list[Promotion[ItemBenefit]]] = {}
    flash_rules: list[tuple[Promotion[ItemBenefit], FlashPrice, list[int]]] = []
    # The largest value of each benefit family among the earlier-ranked rules that cover every line.
    everywhere: dict[tuple[str, bool], Decimal | int] = {}
    # In rank order, so a line keeps the first rule giving its largest discount: the same choice
    # as comparing (-discount, -priority, id), without building the keys.
    for rule in sorted(rules, key=_rank):
        indexes = cart.in_scope(rule.scope)
        if indexes and _conditions_hold(rule, cart, indexes, facts.customer):
            if isinstance(rule.benefit, FlashPrice):
                flash_rules.append((rule, rule.benefit, indexes))
            else:
                dominance: Dominance | None = rule.benefit.dominance
                if dominance is not None:
                    family = (dominance[0], rule.allow_below_floor)
                    beaten_by = everywhere.get(family)
                    if beaten_by is not None and beaten_by >= dominance[1]:
                        # An earlier rule on every line gives at least as much: this one never wins.
                        continue
                    if indexes is cart.order:
                        everywhere[family] = dominance[1]
                for i in indexes:
                    found = per_line.get(i)
                    if found is None:
                        per_line[i] = [rule]
                    else:
                        found.append(rule)
    best: dict[int, _Best] = {}  # line index -> (rule, fen, flash units)
    lines, unit = cart.lines, cart.unit
    # Nothing is taken off until the end of this stage: each line's caps (keeping its floor, or
    # going below it) hold throughout.
    line_caps = [(max(0, n - k), max(0, n)) for n, k in zip(cart.nets, cart.keep, strict=True)]
    for i, line_rules in per_line.items():
        line = lines[i]
        quantity, price, sku = line.quantity, unit[i], line.sku
        caps = line_caps[i]
        most = caps[1]  # the most any rule can take from this line
        top_fen = 0
        top_rule: Promotion[ItemBenefit] | None = None
        for rule in line_rules:
            fen = rule.benefit.line_discount(price, quantity, sku)
            cap = caps[rule.allow_below_floor]
            if fen > cap:
                fen = cap
            if fen > top_fen:
                top_fen, top_rule = fen, rule
                if fen >= most:  # nothing later can give more, and a tie keeps the earlier rule
                    break
        if top_rule is not None:
            best[i] = (top_rule, top_fen, 0)
    bought = dict(facts.flash_bought)
    left = dict(facts.flash_left)
    for rule, b, indexes in flash_rules:  # already in rank order
        units_left = min(max(0, b.per_customer_limit - bought.get(rule.id, 0)), max(0, left.get(rule.id, b.stock_cap)))
        if units_left <= 0:
            continue  # no unit to offer: this rule changes nothing
        offers: list[tuple[float, int]] = []
        below = rule.allow_below_floor
        for i in indexes:
            units = min(lines[i].quantity, units_left)
            fen = min(b.line_discount(unit[i], units), line_caps[i][below])
            current = best.get(i, _NOTHING)
            if units and fen > current[1] and not current[2]:
                offers.append(((fen - current[1]) / units, i))
        for _gain, i in sorted(offers, key=lambda o: (-o[0], lines[o[1]].sku)):
            units = min(lines[i].quantity, units_left)
            if units <= 0:
                break
            fen = min(b.line_discount(unit[i], units), line_caps[i][below])
            if fen <= best.get(i, _NOTHING)[1]:
                continue
            best[i] = (rule, fen, units)
            units_left -= units
            flash_units[rule.id] = flash_units.get(rule.id, 0) + units
    chosen: dict[str, tuple[Promotion[ItemBenefit], dict[str, int]]] = {}  # rule id -> (rule, {sku: fen})
    for i in cart.order:
        if i in best:
            won, fen, _units = best[i]
            cart.take(i, fen)
            chosen.setdefault(won.id, (won, {}))[1][cart.lines[i].sku] = fen
    for rule_id in sorted(chosen):
        rule, shares = chosen[rule_id]
        adjustments.append(_adjust("promotion", rule, rule.benefit.kind, shares, rule.benefit.params()))


def _multibuy_stage(
    cart: _Cart, rules: list[Promotion[MultibuyBenefit]], facts: CartFacts, adjustments: list[Adjustment]
) -> None:
    by_sku: dict[str, int] | None = None
    rank, lines, used = cart.rank, cart.lines, cart.multibuy_used
    for rule in sorted(rules, key=_rank):
        b = rule.benefit
        indexes = cart.in_scope(rule.scope)
        if not indexes or not _conditions_hold(rule, cart, indexes, facts.customer):
            continue
        wanted: dict[int, int] = {}
        if isinstance(b, BuyXGetY):
            keyed: list[tuple[int, int, int]] = []
            for i in indexes:
                q = lines[i].quantity
                free = q - used[i]
                if free <= 0:
                    continue
                # The line's unit prices (see unit_prices), cheapest first; the cheaper units are still free.
                low, dearer = divmod(cart.nets[i], q)
                r = rank[i]
                cheap = min(free, q - dearer)
                keyed.extend([(-low, r, i)] * cheap)
                keyed.extend([(-low - 1, r, i)] * (free - cheap))
            keyed.sort()  # dearest first, then by SKU (a line's rank is its place in SKU order)
            units = [(-p, i) for p, _r, i in keyed]
            consumed, discounts = b.plan(units)
            for _p, i in consumed:
                cart.multibuy_used[i] += 1
            for i, fen in discounts:
                wanted[i] = wanted.get(i, 0) + fen
        elif isinstance(b, BundlePrice):
            if by_sku is None:
                by_sku = {cart.lines[i].sku: i for i in cart.order}
            found = [by_sku.get(s) for s in b.skus]
            members = [i for i in found if i is not None]
            if not b.skus or len(members) != len(found):
                continue
            sets = min(cart.lines[i].quantity - cart.multibuy_used[i] for i in members)
            if sets <= 0:
                continue
            set_value = sum(cart.net(i) * 1 // cart.lines[i].quantity for i in members)
            saving = set_value - b._fen
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


def _order_stage(
    cart: _Cart,
    rules: list[Promotion[OrderBenefit]],
    facts: CartFacts,
    adjustments: list[Adjustment],
    hints: list[Hint],
) -> None:
    """One order-level rule (满减 / 满折) applies: the one that saves most. Of the "spend X more"
    hints those rules offer, the cart shows one: the nearest threshold that would save more than
    the cart saves now (on equal distance, the one saving most)."""
    # ((-fen, -priority, id), rule, lines in scope, fen, amount) of the rule saving most so far
    best: tuple[tuple[int, int, str], Promotion[OrderBenefit], list[int], int, int] | None = None
    # ((needed, -saving there, id), saving there, rule, next tier) of each rule's next threshold
    offers: list[tuple[tuple[int, int, str], int, Promotion[OrderBenefit], NextTier]] = []
    amounts: dict[int, int] = {}  # id(lines in scope) -> their amount (nothing changes during this loop)
    caps: dict[tuple[int, bool], int] = {}
    for rule in rules:
        indexes = cart.in_scope(rule.scope)
        if not indexes:
            continue
        amount = amounts.get(id(indexes))
        if amount is None:
            amount = amounts[id(indexes)] = cart.amount(indexes)
        if not _conditions_hold(rule, cart, indexes, facts.customer, amount):
            continue
        benefit = rule.benefit
        fen = benefit.saving(amount)
        if fen > 0:
            room = caps.get((id(indexes), rule.allow_below_floor))
            if room is None:
                room = caps[id(indexes), rule.allow_below_floor] = sum(
                    [cart.cap(i, rule.allow_below_floor) for i in indexes]
                )
            fen = min(fen, room)
        nxt = benefit.next_tier(amount)
        if nxt is not None:
            needed = nxt[0]
            saving_there = benefit.saving(amount + needed)
            offers.append(((needed, -saving_there, rule.id), saving_there, rule, nxt))
        if fen > 0:
            key = (-fen, -rule.priority, rule.id)
            if best is None or key < best[0]:
                best = (key, rule, indexes, fen, amount)
    saving_now = best[3] if best is not None else 0
    better = [offer for offer in offers if offer[1] > saving_now]
    if better:
        _key, _saving, hinted, (needed, reward, kind) = min(better, key=lambda offer: offer[0])
        hints.append(
            Hint(
                hinted.id,
                hinted.label,
                hinted.benefit.kind,
                from_fen(needed),
                from_fen(reward) if isinstance(reward, int) else Decimal(reward),  # fen for "amount", else a percent
                kind,
            )
        )
    if best is not None:
        _key, winner, indexes, fen, amount = best
        params = winner.benefit.discount(amount)[1]
        shares = _spread(cart, indexes, fen, winner.allow_below_floor)
        if shares:
            adjustments.append(_adjust("promotion", winner, winner.benefit.kind, shares, params))


def _coupon_problem(coupon: CouponFacts, cart: _Cart, facts: CartFacts) -> str | None:
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


def _coupon_stage(
    cart: _Cart,
    coupons: Sequence[CouponFacts],
    facts: CartFacts,
    adjustments: list[Adjustment],
    rejected: list[CouponRejection],
    applied: list[str],
) -> CouponFacts | None:
    merch_taken: CouponFacts | None = None
    shipping_coupon: CouponFacts | None = None
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
            params: tuple[Param, ...] = (("percent", coupon.percent),)
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


def _shipping_stage(
    cart: _Cart,
    rules: list[Promotion[ShippingBenefit]],
    shipping_coupon: CouponFacts | None,
    facts: CartFacts,
    adjustments: list[Adjustment],
    hints: list[Hint],
    applied: list[str],
) -> int:
    fee = to_fen(facts.shipping_fee)
    merchandise = cart.amount(cart.order)
    winner: Promotion[ShippingBenefit] | None = None
    amounts: dict[int, int] = {}  # id(lines in scope) -> their amount (nothing changes in this stage)
    for rule in sorted(rules, key=_rank):
        indexes = cart.in_scope(rule.scope)
        if not indexes:
            continue
        amount = amounts.get(id(indexes))
        if amount is None:
            amount = amounts[id(indexes)] = cart.amount(indexes)
        if not _conditions_hold(rule, cart, indexes, facts.customer, amount):
            continue
        if rule.benefit.qualifies(amount):
            winner = winner or rule
        elif fee > 0:
            needed = rule.benefit.next_tier(amount)
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


def evaluate_cart(
    facts: CartFacts, promotions: Iterable[Promotion] = (), coupons: Iterable[CouponFacts] = ()
) -> PricingResult:
    """Price `facts` (CartFacts) with `promotions` (Promotion) and the `coupons` (CouponFacts)
    the customer entered. Pure: same input, same output, whatever order the rules come in."""
    now = facts.now
    live = sorted((p for p in promotions if now is None or p.is_live(now)), key=lambda p: p.id)
    excluded: tuple[str, ...] = ()
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
        result = replace(result, excluded=excluded)
    return result


def _run(facts: CartFacts, promotions: list[Promotion], coupons: Sequence[CouponFacts]) -> PricingResult:
    cart = _Cart(facts)
    by_stage: dict[int, list[Promotion]] = {ITEM: [], MULTIBUY: [], ORDER: [], SHIPPING: []}
    for p in promotions:
        by_stage[p.benefit.stage].append(p)
    adjustments: list[Adjustment] = []
    hints: list[Hint] = []
    rejected: list[CouponRejection] = []
    applied: list[str] = []
    flash_units: dict[str, int] = {}
    # A benefit's `stage` says which family it is in, which the type checker cannot follow.
    _item_stage(cart, cast("list[Promotion[ItemBenefit]]", by_stage[ITEM]), facts, adjustments, flash_units)
    _multibuy_stage(cart, cast("list[Promotion[MultibuyBenefit]]", by_stage[MULTIBUY]), facts, adjustments)
    _order_stage(cart, cast("list[Promotion[OrderBenefit]]", by_stage[ORDER]), facts, adjustments, hints)
    shipping_coupon = _coupon_stage(cart, coupons, facts, adjustments, rejected, applied)
    shipping = cast("list[Promotion[ShippingBenefit]]", by_stage[SHIPPING])
    shipping_discount = _shipping_stage(cart, shipping, shipping_coupon, facts, adjustments, hints, applied)
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
