"""Demo orders, generated day by day and handed to the chunk writer as they are made.

Who buys: a fixed "slot" per order, drawn up front, so that many customers buy once, some come
back, a few are loyal regulars, and some orders are from guests. What they buy: products by
popularity (a long tail) and season, variants by how popular their size or colour is. What
happens next: `lifecycle.plan_lifecycle`, checked step by step against the order state machine.
"""

import random
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from dianpu.core.money import to_fen
from dianpu.fulfillment.carriers import CARRIERS
from dianpu.fulfillment.models import ShippingMethod
from dianpu.fulfillment.queries import quote_shipping
from dianpu.inventory.models import Reservation
from dianpu.orders.domain.review import normalize_phone
from dianpu.orders.domain.states import Action, OrderFacts, Status, TransitionInput, next_status
from dianpu.orders.services import TIMESTAMP_ON, AddressInput, LineInput, address_key_of
from dianpu.payments.models import Payment

from . import seasons
from .catalog import ProductPlan, SkuPlan
from .lifecycle import SYSTEM, Lifecycle, plan_lifecycle
from .people import Address, PeopleFactory, Person
from .stock import StockBook
from .vocabulary import ORDER_NOTES
from .writer import ChunkWriter, HistoryPlan, OrderPlan

GUEST = -1
SHARE_GUEST_ORDERS = 0.08
SHARE_ONE_TIME_CUSTOMERS = 0.45
LOYALTY_TAIL = 1.15  # Pareto shape of how much more than once the others buy
LINES_PER_ORDER = ((1, 0.62), (2, 0.24), (3, 0.09), (4, 0.04), (5, 0.01))
SHIPPING_METHODS = (("standard", 0.76), ("express", 0.17), ("pickup", 0.07))
SHARE_COD = 0.12
SHARE_NOTE = 0.07
SHARE_OTHER_RECIPIENT = 0.08
# Carriers by shipping method, with weights; tracking numbers match each carrier's patterns.
CARRIER_MIX = {
    "express": (("sf", 85), ("jd", 15)),
    "standard": (("zto", 25), ("yto", 20), ("yunda", 17), ("sto", 12), ("jd", 11), ("ems", 8), ("chinapost", 7)),
}
# Parcels of the last weeks that went wrong: late (no scan for days), delivery failed, returned.
EXCEPTION_DAYS = 40
P_PARCEL_EXCEPTION = 0.015
PARCEL_EXCEPTIONS = ("late", "late", "failed", "returned")
CARRIER_COST = {"sf": Decimal("13.00"), "jd": Decimal("11.00"), "ems": Decimal("9.00")}  # else 5.50
HUBS = ("上海转运中心", "杭州转运中心", "广州转运中心", "武汉转运中心", "郑州转运中心", "成都转运中心", "北京转运中心")
IP_FIRST_OCTETS = (
    36,
    39,
    42,
    58,
    59,
    60,
    61,
    101,
    106,
    110,
    111,
    112,
    113,
    114,
    115,
    116,
    117,
    118,
    119,
    120,
    121,
    122,
    123,
    124,
    125,
    180,
    182,
    183,
    202,
    210,
    211,
    218,
    219,
    220,
    221,
    222,
    223,
)


def plan_buyer_slots(rng: random.Random, *, orders: int, customers: int) -> array:
    """For each order in time order: the index of the customer who places it, or GUEST.

    Every customer gets at least one order when there are enough: 45% buy exactly once, the
    others come back at least once more and share the rest by a Pareto law — many return once
    or twice, a handful of regulars buy dozens of times.
    """
    guests = round(orders * SHARE_GUEST_ORDERS) if customers else orders
    buying = orders - guests
    counts = [0] * customers
    if customers and buying <= customers:
        for i in rng.sample(range(customers), buying):
            counts[i] = 1
    elif customers:
        returning = [rng.random() >= SHARE_ONE_TIME_CUSTOMERS for _ in range(customers)]
        counts = [1] * customers
        spare = buying - customers
        for i in rng.sample(range(customers), customers):
            if spare and returning[i]:
                counts[i] += 1
                spare -= 1
        weights = [rng.paretovariate(LOYALTY_TAIL) - 1 if r else 0.0 for r in returning]
        top = sorted(weights)[-1 - min(customers - 1, max(1, customers // 100))]
        weights = [min(w, top) for w in weights]  # tame the very top
        if not any(weights):
            weights = [1.0] * customers
        for i, extra in enumerate(seasons.apportion(spare, weights)):
            counts[i] += extra
    slots = array("i", [GUEST]) * guests
    for i, n in enumerate(counts):
        if n:
            slots.extend(array("i", [i]) * n)
    rng.shuffle(slots)
    return slots


def _tracking_number(rng: random.Random, carrier: str) -> str:
    digits = lambda n: "".join(str(rng.randrange(10)) for _ in range(n))  # noqa: E731
    if carrier == "sf":
        return "SF" + digits(13)
    if carrier == "jd":
        return "JDV" + digits(12)
    if carrier == "zto":
        return rng.choice(("73", "75", "76", "78", "62", "64", "68")) + digits(10)
    if carrier == "yto":
        return "YT" + digits(13)
    if carrier == "sto":
        return "77" + digits(11)
    if carrier == "yunda":
        return rng.choice(("43", "46", "31")) + digits(13)
    if carrier == "ems":
        return "E" + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + digits(9) + "CN"
    return "9" + digits(12)  # chinapost


@dataclass
class CouponPlan:
    """A coupon buyers may use at checkout: an amount off a minimum spend, within its window."""

    id: int
    code: str
    label: str
    amount: Decimal
    min_spend: Decimal
    starts_at: datetime
    ends_at: datetime
    usage_limit: int | None
    per_customer_limit: int | None
    share: float  # of the eligible orders that use it
    used: int = 0


def spread(amount: Decimal, totals: list[Decimal]) -> list[Decimal]:
    """`amount` shared over lines in proportion to their totals, to the cent; the last takes the rest."""
    whole = sum(totals)
    shares = [(amount * t / whole).quantize(Decimal("0.01")) for t in totals[:-1]]
    return shares + [amount - sum(shares, Decimal("0.00"))]


@dataclass
class Shop:
    """What the order stream needs to know about the store."""

    products: list[ProductPlan]
    shipping: dict[str, ShippingMethod]
    staff_ids: dict[str, int]
    tz: object
    first_day: date
    as_of: datetime
    unpaid_timeout: timedelta  # settings.UNPAID_ORDER_TIMEOUT_HOURS


class OrderStream:
    def __init__(
        self,
        rng: random.Random,
        shop: Shop,
        people: PeopleFactory,
        customers: list[Person],
        slots: array,
        stock: StockBook,
        writer: ChunkWriter,
        coupons: tuple[CouponPlan, ...] = (),
    ):
        self.rng, self.shop, self.people, self.customers = rng, shop, people, customers
        self.coupons = coupons
        self.coupon_uses: dict[tuple[int, str], int] = {}
        self.slots, self.stock, self.writer = slots, stock, writer
        self.next_slot = 0
        self.numbers: dict[str, set[str]] = {}
        self.units_sold = [0] * len(shop.products)
        self.status_counts: dict[str, int] = {}
        self.refunded = 0
        self._active: list[ProductPlan] = []
        self._active_cum: list[float] = []
        self._active_key = None
        methods = [(code, w) for code, w in SHIPPING_METHODS if code in shop.shipping]
        if not methods:
            methods = [(code, 1.0) for code in shop.shipping]
        self.methods = [code for code, _ in methods]
        self.methods_cum = list(accumulate(w for _, w in methods))
        self.lines_cum = list(accumulate(w for _, w in LINES_PER_ORDER))
        self.carriers = {
            method: ([c for c, _ in mix], list(accumulate(w for _, w in mix))) for method, mix in CARRIER_MIX.items()
        }
        # Methods shipped with no carrier (pick-up in store): the hand-over is the "ship" step.
        self.untracked = {code for code, method in shop.shipping.items() if not method.needs_tracking}
        self.sku_cum = {p.index: list(accumulate(s.popularity for s in p.skus)) for p in shop.products}

    # -- what is on sale ---------------------------------------------------------------------
    def _catalogue_on(self, day: date) -> None:
        on_sale = tuple(p.index for p in self.shop.products if p.sells_on(day))
        key = (day.month, on_sale)
        if key == self._active_key:
            return
        self._active_key = key
        self._active = [self.shop.products[i] for i in on_sale]
        self._active_cum = list(accumulate(p.popularity * p.leaf.season[day.month - 1] for p in self._active))

    def _pick_product(self) -> ProductPlan:
        r = self.rng.random() * self._active_cum[-1]
        return self._active[min(bisect_right(self._active_cum, r), len(self._active) - 1)]

    # -- the day loop ------------------------------------------------------------------------
    def run(self, counts: list[int], progress) -> None:
        for offset, count in enumerate(counts):
            day = self.shop.first_day + timedelta(days=offset)
            self._forget_old_numbers(day)
            if not count:
                continue
            self._catalogue_on(day)
            if not self._active:
                self.next_slot += count
                progress.update(count)
                continue
            backlog = seasons.shipping_delay_days(day)
            for placed_at in seasons.order_times(self.rng, day, count, self.shop.tz):
                self._place(self._not_after_as_of(placed_at), backlog)
            progress.update(count)

    def _not_after_as_of(self, placed_at: datetime) -> datetime:
        """Today's orders squeezed into the hours that have passed, keeping their order."""
        midnight = placed_at.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.shop.as_of >= midnight + timedelta(days=1):
            return placed_at
        elapsed = max(self.shop.as_of - midnight, timedelta(0))
        return midnight + (placed_at - midnight) * (elapsed / timedelta(days=1))

    def _forget_old_numbers(self, day: date) -> None:
        oldest = (day - timedelta(days=2)).strftime("%y%m%d")
        for key in [k for k in self.numbers if k < oldest]:
            del self.numbers[key]

    def _number(self, placed_at: datetime) -> str:
        # As orders.services._new_number: "DP" + UTC date + six random digits.
        stamp = placed_at.astimezone(UTC).strftime("%y%m%d")
        taken = self.numbers.setdefault(stamp, set())
        while True:
            number = f"DP{stamp}{self.rng.randrange(10**6):06d}"
            if number not in taken:
                taken.add(number)
                return number

    def _buyer(self) -> tuple[int | None, Person, Address]:
        rng = self.rng
        index = self.slots[self.next_slot] if self.next_slot < len(self.slots) else GUEST
        self.next_slot += 1
        if index == GUEST:
            person = self.people.guest()
            return None, person, person.addresses[0]
        person = self.customers[index]
        home = len(person.addresses) == 1 or rng.random() < 0.75
        address = person.addresses[0] if home else rng.choice(person.addresses)
        return index, person, address

    def _lines(self) -> list[tuple[SkuPlan, int, ProductPlan]]:
        rng = self.rng
        wanted = min(len(self._active), bisect_right(self.lines_cum, rng.random() * self.lines_cum[-1]) + 1)
        chosen: dict[int, ProductPlan] = {}
        for _attempt in range(wanted * 4):
            product = self._pick_product()
            chosen.setdefault(product.index, product)
            if len(chosen) == wanted:
                break
        lines = []
        for product in chosen.values():
            cum = self.sku_cum[product.index]
            sku = product.skus[min(bisect_right(cum, rng.random() * cum[-1]), len(product.skus) - 1)]
            quantity = rng.choices((1, 2, 3), weights=product.leaf.quantity)[0]
            lines.append((sku, quantity, product))
        return lines

    def _place(self, placed_at: datetime, backlog: float) -> None:
        rng, shop = self.rng, self.shop
        customer_index, person, address = self._buyer()
        number = self._number(placed_at)
        lines = self._lines()
        subtotal = sum((sku.price * q for sku, q, _ in lines), Decimal("0.00"))
        method = self.methods[
            min(bisect_right(self.methods_cum, rng.random() * self.methods_cum[-1]), len(self.methods) - 1)
        ]
        shipping_total = quote_shipping(shop.shipping[method], subtotal)
        coupon = self._coupon(person.email, subtotal, placed_at)
        discount = coupon.amount if coupon else Decimal("0.00")
        cod = rng.random() < SHARE_COD
        recipient, phone = person.name, person.phone
        if rng.random() < SHARE_OTHER_RECIPIENT:
            recipient, phone = self.people.recipient_name(), self.people.phone()
        note = ""
        if rng.random() < SHARE_NOTE:
            zh, en = rng.choice(ORDER_NOTES)
            note = en if person.language == "en" else zh
        fields = dict(
            number=number,
            status=Status.PENDING_PAYMENT.value,
            channel="web",
            email=person.email,
            language=person.language,
            ship_name=recipient,
            ship_phone=phone,
            ship_country="CN",
            ship_province=address.province,
            ship_city=address.city,
            ship_district=address.district,
            ship_line1=address.line1,
            ship_postcode=address.postcode,
            shipping_method=method,
            payment_method="cod" if cod else "bank_transfer",
            pays_on_delivery=cod,
            note=note,
            subtotal=subtotal,
            shipping_total=shipping_total,
            discount_total=discount,
            grand_total=subtotal + shipping_total - discount,
            ip_address=".".join(map(str, (rng.choice(IP_FIRST_OCTETS), *(rng.randint(1, 254) for _ in range(3))))),
            placed_at=placed_at,
            phone_key=normalize_phone(phone),
            address_key=address_key_of(
                AddressInput(
                    name=recipient,
                    phone=phone,
                    country="CN",
                    province=address.province,
                    city=address.city,
                    line1=address.line1,
                    district=address.district,
                )
            ),
        )
        life = plan_lifecycle(
            rng,
            placed_at=placed_at,
            as_of=shop.as_of,
            pays_on_delivery=cod,
            shipping_method=method,
            remote=address.remote,
            backlog_days=backlog,
            unpaid_timeout=shop.unpaid_timeout,
        )
        exception = None
        if (
            method not in self.untracked
            and placed_at > shop.as_of - timedelta(days=EXCEPTION_DAYS)
            and any(s.action == Action.SHIP for s in life.steps)
            and rng.random() < P_PARCEL_EXCEPTION
        ):
            # The parcel never arrives: the order stays shipped, the parcel is late, failed or returned.
            exception = rng.choice(PARCEL_EXCEPTIONS)
            cut = [s.action for s in life.steps].index(Action.SHIP) + 1
            life = Lifecycle(life.steps[:cut], False)
        plan = OrderPlan(
            fields=fields,
            customer_index=customer_index,
            person=person,
            history=[],
            lines=[
                LineInput(sku.variant_id, product.product_id, sku.sku, product.name, sku.label, sku.price, q)
                for sku, q, product in lines
            ],
        )
        if coupon:
            plan.line_discounts = spread(discount, [sku.price * q for sku, q, _ in lines])
            plan.discount = dict(
                coupon_id=coupon.id,
                source="coupon",
                code="coupon_amount",
                label=coupon.label[:100],
                amount=discount,
                target="lines",
                created_at=placed_at,
            )
            plan.redemption = dict(coupon_id=coupon.id, email=person.email, amount=discount, redeemed_at=placed_at)
        plan.history.append(HistoryPlan("place", "", Status.PENDING_PAYMENT.value, None, person.email, "", placed_at))
        ship_step = cancel_step = None
        status, paid = Status.PENDING_PAYMENT, False
        for step in life.steps:
            given = TransitionInput()
            if step.action == Action.SHIP and method not in self.untracked:
                carriers, cum = self.carriers.get(method, self.carriers["standard"])
                carrier = carriers[min(bisect_right(cum, rng.random() * cum[-1]), len(carriers) - 1)]
                tracking = CARRIERS[carrier].normalize(_tracking_number(rng, carrier))
                given = TransitionInput(carrier=carrier, tracking_number=tracking)
            target = next_status(OrderFacts(status, cod, paid, method not in self.untracked), step.action, given)
            actor_id = shop.staff_ids.get(step.actor) if step.actor != SYSTEM else None
            label = step.actor or "system"
            if target in TIMESTAMP_ON:
                fields[TIMESTAMP_ON[target]] = step.at
            if step.action == Action.MARK_PAID or (step.action == Action.MARK_DELIVERED and cod):
                fields["paid_at"] = step.at
                paid = True
                plan.payment = dict(
                    gateway=fields["payment_method"],
                    amount=fields["grand_total"],
                    amount_fen=to_fen(fields["grand_total"]),
                    status=Payment.Status.SUCCEEDED,
                    reference="",
                    recorded_by_id=actor_id,
                    created_at=step.at,
                )
            if step.action == Action.SHIP:
                fields.update(carrier=given.carrier, tracking_number=given.tracking_number)
                plan.shipment = (
                    None
                    if method in self.untracked
                    else dict(
                        carrier=given.carrier,
                        tracking_number=given.tracking_number,
                        shipped_at=step.at,
                        shipped_by_id=actor_id,
                        shipping_method=method,
                        promised_by=step.at + timedelta(days=shop.shipping[method].delivery_days_max),
                        cost=CARRIER_COST.get(given.carrier, Decimal("5.50"))
                        + (Decimal("3.00") if address.remote else Decimal("0.00")),
                    )
                )
                ship_step = (step, actor_id)
            if step.action == Action.CANCEL:
                cancel_step = (step, actor_id)
            plan.history.append(
                HistoryPlan(step.action.value, status.value, target.value, actor_id, label, step.reason, step.at)
            )
            status = target
        fields["status"] = status.value
        if plan.shipment:
            self._track(plan.shipment, fields.get("delivered_at"), address, exception)
        if life.refunded and plan.payment:
            # Paid, then cancelled before shipping: the money went back by hand (bank transfer).
            step, actor_id = cancel_step
            plan.payment.update(
                status=Payment.Status.REFUNDED,
                refunded_total=plan.payment["amount"],
                refunded_fen=plan.payment["amount_fen"],
            )
            plan.refund = dict(
                gateway=plan.payment["gateway"],
                amount=plan.payment["amount"],
                shipping_amount=fields["shipping_total"],
                reason=step.reason[:300],
                status="succeeded",
                manual=True,
                created_by_id=actor_id,
                created_at=step.at,
            )
            self.refunded += 1
        self.status_counts[status.value] = self.status_counts.get(status.value, 0) + 1
        self._hold_stock(plan, lines, number, placed_at, cod, ship_step, cancel_step)
        if status != Status.CANCELLED:
            for _sku, q, product in lines:
                self.units_sold[product.index] += q
        self.writer.add_order(plan)

    def _coupon(self, email: str, subtotal: Decimal, placed_at: datetime) -> CouponPlan | None:
        """The coupon this order uses, if any: in its window, spend reached, uses left (overall and
        for this buyer)."""
        for coupon in self.coupons:
            if not (coupon.starts_at <= placed_at < coupon.ends_at and subtotal >= coupon.min_spend):
                continue
            if coupon.usage_limit is not None and coupon.used >= coupon.usage_limit:
                continue
            key = (coupon.id, email)
            if coupon.per_customer_limit is not None and self.coupon_uses.get(key, 0) >= coupon.per_customer_limit:
                continue
            if self.rng.random() < coupon.share:
                coupon.used += 1
                self.coupon_uses[key] = self.coupon_uses.get(key, 0) + 1
                return coupon
        return None

    def _track(self, shipment: dict, delivered_at, address: Address, exception: str | None) -> None:
        """The carrier's scans of a parcel up to now, and the parcel's status after the latest."""
        rng, as_of = self.rng, self.shop.as_of
        shipped = shipment["shipped_at"]
        city = address.city
        hub = rng.choice(HUBS)
        if delivered_at is not None:  # scans spread over the parcel's journey
            gap = delivered_at - shipped
            scans = [
                ("shipped", shipped + gap * 0.04, "上海市", "快件已揽收"),
                ("in_transit", shipped + gap * rng.uniform(0.2, 0.6), hub, f"快件已到达【{hub}】"),
                ("out_for_delivery", shipped + gap * rng.uniform(0.85, 0.95), city, "快件派送中"),
                ("delivered", delivered_at, city, "快件已签收，签收人：本人"),
            ]
        else:
            scans = [("shipped", shipped + timedelta(minutes=rng.randrange(30, 180)), "上海市", "快件已揽收")]
            scans.append(
                ("in_transit", scans[0][1] + timedelta(hours=rng.randrange(4, 14)), hub, f"快件已到达【{hub}】")
            )
        if delivered_at is None and exception in ("failed", "returned"):
            out = scans[-1][1] + timedelta(hours=rng.randrange(18, 40))
            scans.append(("out_for_delivery", out, city, "快件派送中"))
            scans.append(("failed", out + timedelta(hours=rng.randrange(2, 8)), city, "派送失败：收件人电话无人接听"))
            if exception == "returned":
                scans.append(
                    ("returned", out + timedelta(days=rng.randrange(2, 4)), city, "收件人拒收，快件退回寄件人")
                )
        scans = [(st, at.replace(microsecond=0), loc, text) for st, at, loc, text in scans if at <= as_of]
        shipment["events"] = [
            dict(
                status=st,
                occurred_at=at,
                location=loc,
                description=text,
                source="webhook",
                received_at=at + timedelta(seconds=rng.randrange(5, 300)),
            )
            for st, at, loc, text in scans
        ]
        if scans:
            shipment.update(status=scans[-1][0], last_event_at=scans[-1][1])
        if delivered_at is not None and scans and scans[-1][0] == "delivered":
            shipment["delivered_at"] = delivered_at

    def _hold_stock(
        self, plan: OrderPlan, lines, number: str, placed_at: datetime, cod: bool, ship_step, cancel_step
    ) -> None:
        expires_at = None if cod else placed_at + self.shop.unpaid_timeout
        if ship_step:
            state, (step, actor_id) = Reservation.State.CONSUMED, ship_step
        elif cancel_step:
            state, (step, actor_id) = Reservation.State.RELEASED, cancel_step
        else:
            state, step, actor_id = Reservation.State.ACTIVE, None, None
        for sku, quantity, _product in lines:
            self.stock.ensure(sku.index, quantity, placed_at, self.shop.staff_ids.get("warehouse"))
            self.stock.hold(
                sku.index,
                quantity,
                number,
                placed_at,
                settled_at=step.at if step else None,
                state=state,
                actor_id=actor_id,
                reason=step.reason if step else "",
            )
            plan.reservations.append(
                dict(
                    stock_level_id=sku.stock_level_id,
                    quantity=quantity,
                    state=state,
                    created_at=placed_at,
                    expires_at=expires_at,
                )
            )
