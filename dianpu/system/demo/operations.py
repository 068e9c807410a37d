"""The back office's own demo records, made through each app's services at their moment in the
story (the clock seam is moved to each step's time): suppliers and purchase orders with their
receipts, a second warehouse and a transfer, a posted stocktake, order review settings and a
blacklist with held orders, shipping rate tables, and orders imported from a Shopify export.

These run after the bulk history, so every stock change goes through the inventory services and
the ledger keeps adding up to the levels. Volumes are small (dozens), so services are fast enough.
"""

import csv
import io
import random
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from dianpu.catalog.models import Category, Product, Variant
from dianpu.channels.services import import_channel_orders
from dianpu.core import clock
from dianpu.fulfillment.services import save_shipping_rate
from dianpu.inventory.models import StockLevel, Warehouse
from dianpu.inventory.services import (
    create_warehouse,
    get_default_warehouse,
    open_stocktake,
    post_stocktake,
    record_count,
    set_safety_stock,
    transfer_stock,
)
from dianpu.orders.models import Order
from dianpu.orders.review import add_blacklist_entry, review_placed_order, update_review_settings
from dianpu.purchasing.models import Supplier, SupplierPrice
from dianpu.purchasing.services import (
    LineInput,
    cancel_purchase_order,
    create_purchase_order,
    create_purchase_orders_from_suggestions,
    create_supplier,
    receive_purchase_order,
    send_purchase_order,
)

from .people import MOBILE_PREFIXES, REMOTE_PROVINCES, PeopleFactory

# code, name, contact, lead time (days), root categories supplied (first: main supplier)
SUPPLIERS = (
    ("hz-jinzhi", "杭州锦织服饰有限公司", "王丽", 7, ("apparel",)),
    ("gz-yishang", "广州衣尚制衣厂", "陈志强", 12, ("apparel",)),
    ("sz-xunda", "深圳讯达电子科技有限公司", "李明", 5, ("electronics",)),
    ("dg-jiacheng", "东莞嘉诚数码配件厂", "黄海", 21, ("electronics",)),
    ("yw-meijia", "义乌美家日用品有限公司", "周芳", 10, ("home",)),
    ("sh-xiangyuan", "上海香源食品贸易有限公司", "赵敏", 3, ("food",)),
)
BESTSELLERS = 10  # at most; one in thirty products
SHARE_PRICED = 0.9  # SKUs with at least one supplier price
SHARE_SECOND_SOURCE = 0.3
WAREHOUSE_2 = ("GZ", "华南前置仓（广州）")
# Rate tables: (method, province, first grams, first fee, step grams, step fee); "" = every other province.
NEAR = ("上海市", "江苏省", "浙江省")
RATES = (
    [("standard", "", 1000, "8.00", 1000, "3.00")]
    + [("standard", p, 1000, "6.00", 1000, "2.00") for p in NEAR]
    + [("standard", p, 1000, "15.00", 1000, "8.00") for p in REMOTE_PROVINCES]
    + [("express", "", 1000, "18.00", 1000, "8.00")]
    + [("express", p, 1000, "28.00", 1000, "12.00") for p in REMOTE_PROVINCES]
)
BLACKLIST_NOTES = ("多次拒收货到付款订单", "恶意退款，已报警", "虚假地址，多次退回")
CHANNEL_ORDERS = 30


@contextmanager
def at(moment: datetime):
    """Run services as if it were `moment` (the clock seam); the clock runs again afterwards."""
    clock.freeze(moment)
    try:
        yield
    finally:
        clock.freeze(None)


class _SeededSecrets:
    """Stands in for the `secrets` module of the services while the demo runs them, so the
    numbers they draw (order, PO, transfer, return numbers) are the same for the same seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def randbelow(self, n: int) -> int:
        return self.rng.randrange(n)

    def token_hex(self, nbytes: int = 32) -> str:
        return self.rng.randbytes(nbytes).hex()

    def choice(self, seq):
        return self.rng.choice(seq)


SERVICES_DRAWING_NUMBERS = (
    "dianpu.orders.services",
    "dianpu.purchasing.services",
    "dianpu.inventory.services",
    "dianpu.returns.services",
    "dianpu.promotions.services",
)


@contextmanager
def seeded_numbers(rng: random.Random):
    """Demo only: the services' random numbers come from `rng` while inside."""
    import importlib

    modules = [importlib.import_module(name) for name in SERVICES_DRAWING_NUMBERS]
    saved = [module.secrets for module in modules]
    for module in modules:
        module.secrets = _SeededSecrets(rng)
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.secrets = original


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class BackOffice:
    def __init__(self, rng: random.Random, *, as_of: datetime, staff: dict[str, int], people_rng: random.Random):
        self.rng, self.as_of = rng, as_of
        users = get_user_model().objects.in_bulk(list(staff.values()))
        self.user = {code: users[pk] for code, pk in staff.items()}
        self.people = PeopleFactory(people_rng)
        self.counts: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        self.purchasing()
        self.warehouses()
        self.stocktake()
        self.review()
        self.rates()
        self.channel_orders()
        return self.counts

    # -- purchasing -----------------------------------------------------------------------------
    def _bestseller_variants(self) -> list[Variant]:
        top = min(BESTSELLERS, max(2, Product.objects.count() // 30))
        products = list(
            Product.objects.exclude(status=Product.Status.DRAFT)
            .order_by("-sold_count", "id")
            .values_list("id", flat=True)[:top]
        )
        return list(Variant.objects.filter(product_id__in=products).order_by("product_id", "id"))

    def purchasing(self) -> None:
        rng, owner = self.rng, self.user["owner"]
        start = self.as_of - timedelta(days=365)
        with at(start):
            suppliers = [
                create_supplier(
                    actor=owner,
                    code=code,
                    name=name,
                    lead_time_days=lead,
                    contact_name=contact,
                    email=f"{code}@example.com",
                    phone=f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}",
                )
                for code, name, contact, lead, _roots in SUPPLIERS
            ]
        by_root: dict[str, list[Supplier]] = {}
        for supplier, spec in zip(suppliers, SUPPLIERS, strict=True):
            for root in spec[4]:
                by_root.setdefault(root, []).append(supplier)
        # Supplier prices for most SKUs (hundreds of rows: written in one go; nothing else reads them yet).
        prices = []
        self.supplied: dict[int, list[tuple[Supplier, Variant, Decimal]]] = {}
        for variant in Variant.objects.select_related("product__category__parent").order_by("id"):
            root = variant.product.category.parent.slug if variant.product.category.parent else ""
            sources = by_root.get(root, [])
            if not sources or rng.random() > SHARE_PRICED:
                continue
            chosen = [sources[0] if rng.random() < 0.7 else sources[-1]]
            if len(sources) > 1 and rng.random() < SHARE_SECOND_SOURCE:
                chosen = sources
            for supplier in chosen:
                cost = _money(variant.cost_price * Decimal(str(rng.uniform(0.9, 1.05))))
                moq = rng.choice((1, 5, 10, 20, 50))
                prices.append(
                    SupplierPrice(
                        supplier=supplier,
                        variant=variant,
                        unit_cost=cost,
                        min_order_quantity=moq,
                        supplier_sku=f"{supplier.code[:2].upper()}-{variant.sku}",
                    )
                )
                self.supplied.setdefault(supplier.pk, []).append((supplier, variant, cost))
        with transaction.atomic():
            SupplierPrice.objects.bulk_create(prices, batch_size=1000)
        self.counts["suppliers"] = len(suppliers)
        self.counts["supplier prices"] = len(prices)

        # Safety stock raised on the bestsellers (what the buyer set after 双十一).
        default = get_default_warehouse()
        with at(self.as_of - timedelta(days=9, hours=3)):
            for variant in self._bestseller_variants():
                level = StockLevel.objects.get(variant=variant, warehouse=default)
                safety = max(level.safety_stock, 10) + 10
                if level.on_hand - level.reserved >= 3 * safety:  # raised where there is room for it
                    set_safety_stock(
                        actor=self.user["warehouse"], variant=variant, warehouse=default, safety_stock=safety
                    )

        # Purchase orders in every state: (days ago created, final state)
        plan = [
            (30, "received"),
            (24, "received"),
            (17, "received"),
            (12, "partially_received"),
            (8, "partially_received"),
            (6, "cancelled"),
            (4, "sent"),
            (2, "sent"),
        ]
        orders = []
        for days_ago, state in plan:
            supplier = rng.choice([s for s in suppliers if self.supplied.get(s.pk)])
            created = self.as_of - timedelta(days=days_ago, hours=rng.randrange(0, 6))
            items = self.supplied[supplier.pk]
            picked = rng.sample(items, min(len(items), rng.randint(3, 7)))
            lines = [LineInput(v.sku, 10 * rng.randint(2, 15), cost) for _s, v, cost in picked]
            with at(created):
                order = create_purchase_order(
                    actor=self.user["operator"],
                    supplier=supplier,
                    lines=lines,
                    note="常规补货" if state != "cancelled" else "",
                )
            if state == "cancelled":
                with at(created + timedelta(hours=5)):
                    cancel_purchase_order(actor=self.user["operator"], order=order, reason="供应商缺货，改从他处采购")
                orders.append(order)
                continue
            sent = created + timedelta(hours=rng.randint(1, 4))
            with at(sent):
                send_purchase_order(actor=self.user["operator"], order=order)
            if state in ("received", "partially_received"):
                arrived = min(
                    sent + timedelta(days=supplier.lead_time_days, hours=rng.randint(0, 8)),
                    self.as_of - timedelta(hours=rng.randint(2, 20)),
                )
                if state == "received":
                    received = {ln.sku: ln.quantity for ln in lines}
                else:
                    received = {ln.sku: ln.quantity // 2 for ln in lines[: max(1, len(lines) - 1)]}
                with at(arrived):
                    receive_purchase_order(
                        actor=self.user["warehouse"],
                        order=order,
                        received=received,
                        note="到货验收" if state == "received" else "分批到货",
                    )
            orders.append(order)
        # Drafts from the reorder suggestions: the SKUs now at or below safety stock.
        low = list(
            StockLevel.objects.filter(
                warehouse=default,
                on_hand__lte=F("reserved") + F("safety_stock"),
                variant__supplier_prices__isnull=False,
            )
            .distinct()
            .order_by("variant_id")
            .values_list("variant__sku", "safety_stock")[:12]
        )
        if low:
            with at(self.as_of - timedelta(hours=3)):
                orders += create_purchase_orders_from_suggestions(
                    actor=self.user["operator"], wanted={sku: max(20, safety * 3) for sku, safety in low}
                )
        self.counts["purchase orders"] = len(orders)

    # -- a second warehouse and a transfer ------------------------------------------------------
    def warehouses(self) -> None:
        with at(self.as_of - timedelta(days=20)):
            second = create_warehouse(actor=self.user["owner"], code=WAREHOUSE_2[0], name=WAREHOUSE_2[1])
        default = get_default_warehouse()
        moved = 0
        with at(self.as_of - timedelta(days=5, hours=4)):
            for variant in self._bestseller_variants()[:8]:
                level = StockLevel.objects.get(variant=variant, warehouse=default)
                quantity = min(30, (level.on_hand - level.reserved - 2 * level.safety_stock) // 3)
                if quantity > 0:
                    transfer_stock(
                        actor=self.user["warehouse"],
                        variant=variant,
                        from_warehouse=default,
                        to_warehouse=second,
                        quantity=quantity,
                        reason="前置仓备货",
                    )
                    moved += 1
        self.counts["warehouses"] = Warehouse.objects.count()
        self.counts["transfers"] = moved

    # -- a finished stocktake -------------------------------------------------------------------
    def stocktake(self) -> None:
        rng = self.rng
        leaves = list(Category.objects.filter(parent__isnull=False, products__isnull=False).distinct().order_by("id"))
        if not leaves:
            return
        category = rng.choice(leaves)
        opened = self.as_of - timedelta(days=3, hours=2)
        with at(opened):
            sheet = open_stocktake(
                actor=self.user["warehouse"],
                warehouse=get_default_warehouse(),
                category=category,
                note=f"{category.name} 月度盘点",
            )
        lines = list(sheet.lines.select_related("variant").order_by("id"))
        levels = {
            lv.variant_id: lv
            for lv in StockLevel.objects.filter(
                warehouse=sheet.warehouse, variant_id__in=[ln.variant_id for ln in lines]
            )
        }
        off = set(rng.sample(range(len(lines)), min(3, len(lines))))
        with at(opened + timedelta(hours=1)):
            for i, line in enumerate(lines):
                counted = line.expected
                level = levels.get(line.variant_id)
                if i in off and level is not None:
                    spare = level.on_hand - level.reserved
                    counted = line.expected + (rng.choice((-2, -1)) if spare >= 2 else 1)
                record_count(
                    actor=self.user["warehouse"], stocktake=sheet, code=line.variant.sku, quantity=max(0, counted)
                )
        with at(opened + timedelta(hours=2)):
            post_stocktake(actor=self.user["warehouse"], stocktake=sheet)
        self.counts["stocktakes"] = 1

    # -- order review: settings, blacklist, held orders -------------------------------------------
    def review(self) -> None:
        recent = list(
            Order.objects.filter(
                status__in=[Order.Status.PENDING_PAYMENT, Order.Status.PAID],
                placed_at__gte=self.as_of - timedelta(days=3),
                channel="web",
            ).order_by("placed_at", "id")
        )
        totals = sorted((o.grand_total for o in recent), reverse=True)
        # High enough that only the biggest few recent orders are held.
        threshold = (
            max(Decimal("500.00"), (totals[min(2, len(totals) - 1)] // 100) * 100) if totals else Decimal("2000.00")
        )
        with at(self.as_of - timedelta(days=60)):
            update_review_settings(actor=self.user["owner"], changes={"high_value_over": threshold})
        entries = []
        paid = [o for o in recent if o.status == Order.Status.PAID and o.grand_total < threshold]
        with at(self.as_of - timedelta(days=40)):
            if paid:
                entries.append(
                    add_blacklist_entry(
                        actor=self.user["agent"],
                        kind="phone",
                        value=self.rng.choice(paid).ship_phone,
                        note=BLACKLIST_NOTES[0],
                    )
                )
            entries.append(
                add_blacklist_entry(
                    actor=self.user["agent"], kind="email", value="kuaidi.refund@example.com", note=BLACKLIST_NOTES[1]
                )
            )
            person = self.people.guest()
            address = person.addresses[0]
            entries.append(
                add_blacklist_entry(
                    actor=self.user["agent"],
                    kind="address",
                    value=f"{address.province}{address.city}{address.district}{address.line1}",
                    note=BLACKLIST_NOTES[2],
                )
            )
        held = 0
        for order in recent:
            with at(order.placed_at + timedelta(seconds=2)):
                held += bool(review_placed_order(order))
        self.counts["blacklist entries"] = len(entries)
        self.counts["held orders"] = held

    # -- shipping rate tables -------------------------------------------------------------------
    def rates(self) -> None:
        with at(self.as_of - timedelta(days=90)):
            for code, province, first_g, first_fee, step_g, step_fee in RATES:
                save_shipping_rate(
                    actor=self.user["owner"],
                    code=code,
                    province=province,
                    first_weight_grams=first_g,
                    first_fee=Decimal(first_fee),
                    step_grams=step_g,
                    step_fee=Decimal(step_fee),
                )
        self.counts["shipping rates"] = len(RATES)

    # -- orders imported from Shopify ------------------------------------------------------------
    def channel_orders(self) -> None:
        rng = self.rng
        stocked = list(
            StockLevel.objects.filter(
                warehouse=get_default_warehouse(),
                on_hand__gte=F("reserved") + 40,
                variant__product__status=Product.Status.LISTED,
            )
            .order_by("variant_id")
            .values_list("variant__sku", "variant__price", "variant__product__name")[:200]
        )
        if not stocked:
            return
        header = [
            "Name",
            "Email",
            "Financial Status",
            "Fulfillment Status",
            "Paid at",
            "Created at",
            "Lineitem quantity",
            "Lineitem name",
            "Lineitem price",
            "Lineitem sku",
            "Shipping Name",
            "Shipping Address1",
            "Shipping City",
            "Shipping Province Name",
            "Shipping Zip",
            "Shipping Country",
            "Shipping Phone",
            "Billing Province Name",
            "Shipping",
            "Discount Amount",
        ]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        imported_at = self.as_of - timedelta(hours=1)
        count = min(CHANNEL_ORDERS, max(5, Order.objects.count() // 200))
        for n in range(count):
            person = self.people.guest()
            address = person.addresses[0]
            created = imported_at - timedelta(minutes=rng.randrange(60, 7 * 24 * 60))
            paid = rng.random() < 0.9
            stamp = created.strftime("%Y-%m-%d %H:%M:%S %z")
            for i, (sku, price, name) in enumerate(rng.sample(stocked, min(len(stocked), rng.choice((1, 1, 1, 2, 3))))):
                first = i == 0
                writer.writerow(
                    [
                        f"#{1001 + n}",
                        person.email if first else "",
                        ("paid" if paid else "pending") if first else "",
                        "" if first else "",
                        stamp if first and paid else "",
                        stamp if first else "",
                        rng.choice((1, 1, 2)),
                        name,
                        price,
                        sku,
                        person.name if first else "",
                        address.line1 if first else "",
                        address.city if first else "",
                        address.province if first else "",
                        address.postcode if first else "",
                        "CN" if first else "",
                        person.phone if first else "",
                        address.province if first else "",
                        "0.00" if first else "",
                        "0.00" if first else "",
                    ]
                )
        with at(imported_at):
            result = import_channel_orders(
                channel="shopify",
                content=out.getvalue().encode("utf-8"),
                filename=f"orders_export_{imported_at:%Y%m%d}.csv",
                actor=self.user["operator"],
            )
        self.counts["channel orders"] = len(result.created)
