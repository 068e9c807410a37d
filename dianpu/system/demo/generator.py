"""seed_demo: a whole demo store, the same for the same seed on the same day.

Phases: (reset) → staff → catalogue → stock levels and opening receipts → customers → orders,
day by day → stock count → totals kept on levels and products. Randomness comes only from
`random.Random` streams derived from the seed (one per phase, so e.g. changing --orders leaves
the catalogue as it was); the wall clock gives only "today", the last day of the history.
"""

import random
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from dianpu.accounts.domain.roles import ROLES, ROLES_BY_CODE
from dianpu.accounts.services import set_user_roles, sync_roles
from dianpu.audit.models import AuditEntry
from dianpu.cart.models import Cart, CartLine
from dianpu.catalog.models import Category, Product, ProductImage, Tag, Variant
from dianpu.core.errors import DomainError
from dianpu.customers.models import Customer
from dianpu.fulfillment.models import Shipment, ShippingMethod
from dianpu.inventory.models import Reservation, StockLevel, StockMove, Warehouse
from dianpu.inventory.services import get_default_warehouse
from dianpu.orders.models import Order, OrderHistory, OrderLine
from dianpu.payments.models import Payment
from dianpu.returns.models import ReturnRequest

from . import catalog, seasons
from .orders import LINES_PER_ORDER, CouponPlan, OrderStream, Shop, plan_buyer_slots
from .people import PeopleFactory
from .stock import StockBook
from .writer import ChunkWriter, restart_id_sequences

DEMO_PASSWORD = "dianpu-demo"
CHUNK_SIZE = 2000
# What --reset empties (tables pointing at these are emptied with them). Reference data made by
# migrations — the warehouse, shipping methods, roles — and staff accounts stay.
SHOP_DATA = (
    AuditEntry,
    Payment,
    Shipment,
    OrderHistory,
    OrderLine,
    Order,
    CartLine,
    Cart,
    Customer,
    Reservation,
    StockMove,
    StockLevel,
    ProductImage,
    Product.tags.through,
    Variant,
    Product,
    Tag,
    Category,
)
# The back-office areas' tables, emptied with the shop (their rows point at it or describe it).
# Shipping rate tables go too: the demo writes its own, after the history it priced with flat fees.
BACK_OFFICE_APPS = (
    "purchasing",
    "returns",
    "channels",
    "promotions",
    "marketing",
    "analytics",
    "competitors",
    "knowledge",
    "design",
    "teamwork",
    "finance",
    "support",
    "reviews",
)
BACK_OFFICE_MODELS = (
    "payments.Refund",
    "payments.PaymentSession",
    "payments.GatewayEvent",
    "fulfillment.TrackingEvent",
    "fulfillment.ShippingRate",
    "inventory.Stocktake",
    "inventory.StocktakeLine",
    "orders.BlacklistEntry",
    "orders.ReviewSettings",
    "inventory.StockSummary",
    "inventory.DailySkuSales",
    "customers.CustomerToken",
    "customers.PointsEntry",
    "customers.SavedAddress",
    "customers.PrivacyRequest",
    "customers.Segment",
    "customers.Outreach",
    "customers.OutreachMessage",
    "customers.SurveyResponse",
    "customers.SurveyInvite",
    "customers.PhoneCode",
    "customers.PointsOffer",
    "customers.MemberCoupon",
)


def _back_office_tables() -> list[str]:
    from django.apps import apps

    models = [m for label in BACK_OFFICE_APPS for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model(name) for name in BACK_OFFICE_MODELS]
    return [m._meta.db_table for m in models]


class StoreNotEmptyError(DomainError):
    code = "store_not_empty"
    status = 409


@dataclass(frozen=True)
class DemoOptions:
    products: int = 300
    customers: int = 2000
    orders: int = 12000
    days: int = 365
    seed: int = 42
    reset: bool = False
    now: datetime | None = None  # the end of the history; default the wall clock (to the hour)


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def no_progress(description: str, total: int):
    return _NoProgress()


def has_shop_data() -> bool:
    return any(model.objects.exists() for model in (Product, Category, Tag, Customer, Order))


def reset_shop_data() -> None:
    """Empty the shop's tables (and restart their ids), then the product pictures."""
    tables = [model._meta.db_table for model in SHOP_DATA] + _back_office_tables()
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    if connection.in_atomic_block:
        # Rows written earlier in this transaction have deferred foreign-key checks pending, and
        # PostgreSQL refuses to TRUNCATE such tables: run the checks now.
        connection.check_constraints()
    connection.ops.execute_sql_flush(statements)
    Warehouse.objects.filter(is_default=False).delete()  # the demo's second warehouse (its stock is gone)
    storage = ProductImage._meta.get_field("image").storage
    if hasattr(storage, "path"):
        shutil.rmtree(storage.path("products"), ignore_errors=True)
    else:  # pragma: no cover - remote storages
        _delete_tree(storage, "products")


def _delete_tree(storage, path: str) -> None:
    try:
        dirs, files = storage.listdir(path)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        storage.delete(f"{path}/{name}")
    for name in dirs:
        _delete_tree(storage, f"{path}/{name}")


def ensure_staff() -> dict[str, int]:
    """One staff member per role, named after it, password `dianpu-demo`, roles set through
    accounts.services (so their permissions are exactly the role's)."""
    sync_roles()
    user_model = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: the same password for all
    ids = {}
    for role in ROLES:
        user = user_model.objects.filter(username=role.code).first() or user_model(username=role.code)
        user.password = password
        user.is_active = True
        user.is_staff = True
        user.first_name = role.name[:150]
        user.save()
        # Start from no role, so every run records the same "roles changed" audit entry.
        user.groups.remove(*Group.objects.filter(name__in=ROLES_BY_CODE))
        set_user_roles(actor=None, user=user, roles=[role.code])
        ids[role.code] = user.pk
    return ids


def _check(options: DemoOptions) -> None:
    for name in ("products", "customers", "orders", "days"):
        if getattr(options, name) < 0:
            raise DomainError(f"--{name} must not be negative", code="invalid_option")
    if options.days < 1:
        raise DomainError("--days must be at least 1", code="invalid_option")
    if options.orders and not options.products:
        raise DomainError("orders need products: give --products 1 or more", code="invalid_option")


def _daily_units(plans, options: DemoOptions) -> list[float]:
    """Expected units a day per SKU, for sizing stock (safety stock, purchase batches)."""
    sellable = [p for p in plans if p.status != Product.Status.DRAFT]
    popularity = sum(p.popularity for p in sellable) or 1.0
    lines_per_order = sum(n * w for n, w in LINES_PER_ORDER)
    per_day = options.orders / options.days * lines_per_order
    units = [0.0] * sum(len(p.skus) for p in plans)
    for p in sellable:
        quantity = sum((i + 1) * w for i, w in enumerate(p.leaf.quantity))
        sku_total = sum(s.popularity for s in p.skus)
        for s in p.skus:
            units[s.index] = per_day * p.popularity / popularity * s.popularity / sku_total * quantity
    return units


def seed_demo(options: DemoOptions, *, progress=no_progress) -> dict:
    """Fill the store with demo data; returns what was made (counts) and how long it took."""
    started = time.monotonic()
    _check(options)
    if not options.reset and has_shop_data():
        raise StoreNotEmptyError(
            "The store already has products (or customers, orders). Run `dianpu seed-demo --reset` to delete the "
            "shop's data (products, stock, customers, orders, payments, shipments, audit log) and load the demo."
        )
    if options.reset:
        reset_shop_data()
    build = _DemoBuild(options, progress)
    phases = {}
    try:
        for phase in (
            "catalogue",
            "stock",
            "coupons",
            "orders",
            "finish",
            "back_office",
            "traffic",
            "marketing",
            "crm",
            "competitors",
            "knowledge",
            "support",
            "reviews",
            "channels",
            "teamwork",
            "finance",
            "stock_summaries",
        ):
            began = time.monotonic()
            getattr(build, phase)()
            phases[phase] = round(time.monotonic() - began, 1)
    finally:
        restart_id_sequences()
    return {**build.summary(), "seconds by phase": phases, "seconds": round(time.monotonic() - started, 1)}


class _DemoBuild:
    def __init__(self, options: DemoOptions, progress):
        self.options, self.progress, self.seed = options, progress, options.seed
        self.tz = timezone.get_current_timezone()
        # The history ends at the start of the current hour: today has orders, none in the future,
        # and two runs in the same hour with the same seed are identical.
        now = timezone.localtime(options.now or timezone.now(), self.tz)
        self.as_of = now.replace(minute=0, second=0, microsecond=0)
        self.today = self.as_of.date()
        self.first_day = self.today - timedelta(days=options.days - 1)
        self.staff = ensure_staff()

    def _at(self, day, hour: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=self.tz)

    def _rng(self, phase: str) -> random.Random:
        return random.Random(f"{self.seed}:{phase}")

    def catalogue(self) -> None:
        self.plans = catalog.plan_catalog(
            self._rng("catalog"), products=self.options.products, first_day=self.first_day, today=self.today, tz=self.tz
        )
        self.skus = [s for p in self.plans for s in p.skus]
        bar = self.progress("products", len(self.plans))
        with transaction.atomic():
            self.categories = catalog.write_categories()
            self.tags = catalog.write_tags(self.plans)
        catalog.write_products(self.plans, self.categories, self.tags, operator_id=self.staff["operator"])
        bar.update(len(self.plans))
        bar.close()
        bar = self.progress("images", len(self.plans))
        self.images = catalog.write_images(self.plans, seed=self.seed, progress=bar)
        bar.close()

    def stock(self) -> None:
        """A stock level per SKU in the default warehouse, and the opening receipts."""
        warehouse = get_default_warehouse()
        self.stock_rng = self._rng("stock")
        self.writer = ChunkWriter(
            warehouse_id=warehouse.id, variant_ids=[s.variant_id for s in self.skus], chunk_size=CHUNK_SIZE
        )
        self.book = StockBook(
            self.stock_rng, daily_units=_daily_units(self.plans, self.options), emit=self.writer.add_move
        )
        self.levels = [
            StockLevel(variant_id=s.variant_id, warehouse_id=warehouse.id, safety_stock=self.book.safety[s.index])
            for s in self.skus
        ]
        with transaction.atomic():
            StockLevel.objects.bulk_create(self.levels, batch_size=CHUNK_SIZE)
        for s, level in zip(self.skus, self.levels, strict=True):
            s.stock_level_id = level.id
        opening = self._at(self.first_day - timedelta(days=1), 10)
        for p in self.plans:
            if p.status == Product.Status.DRAFT:
                if self.stock_rng.random() < 0.5:
                    continue  # still waiting for its first delivery
                at = min(p.created_at + timedelta(days=1), self.as_of - timedelta(hours=1))
            else:
                at = p.listed_at - timedelta(hours=2) if p.sells_from else opening
            for s in p.skus:
                self.book.open(s.index, at, self.staff["warehouse"])

    def coupons(self) -> None:
        """The shop's coupons, made before the history so its orders can use them: a welcome coupon
        live now, a VIP coupon used up, a summer coupon expired."""
        from dianpu.promotions.services import create_coupon

        from .operations import at

        as_of, first = self.as_of, self._at(self.first_day)
        owner = get_user_model().objects.get(pk=self.staff["marketing"])
        vip_limit = max(3, self.options.orders // 700)
        specs = [  # code, name, amount, min spend, starts, ends, usage limit, per customer, share of orders
            (
                "WELCOME20",
                "新人券 满99减20",
                "20",
                "99",
                max(first, as_of - timedelta(days=120)),
                as_of + timedelta(days=90),
                None,
                1,
                0.05,
            ),
            ("VIP50", "会员专享 满399减50", "50", "399", first, as_of + timedelta(days=30), vip_limit, 1, 0.25),
            (
                "SUMMER15",
                "夏日满199减15",
                "15",
                "199",
                as_of - timedelta(days=150),
                as_of - timedelta(days=120),
                500,
                None,
                0.06,
            ),
        ]
        self.coupon_plans = []
        for code, name, amount, min_spend, starts, ends, limit, per_customer, share in specs:
            with at(min(starts, first) - timedelta(days=1)):
                coupon = create_coupon(
                    {
                        "code": code,
                        "name": name,
                        "kind": "amount",
                        "amount": amount,
                        "min_spend": min_spend,
                        "starts_at": starts,
                        "ends_at": ends,
                        "usage_limit": limit,
                        "per_customer_limit": per_customer,
                    },
                    actor=owner,
                )
            self.coupon_plans.append(
                CouponPlan(
                    coupon.pk, code, name, Decimal(amount), Decimal(min_spend), starts, ends, limit, per_customer, share
                )
            )

    def _count_coupon_uses(self) -> None:
        """Each coupon's uses, overall and per buyer, as checkout would have counted them."""
        from dianpu.promotions.models import Coupon, CouponRedemption, CouponUse

        with transaction.atomic():
            for coupon in Coupon.objects.all():
                per_email = Counter(CouponRedemption.objects.filter(coupon=coupon).values_list("email", flat=True))
                Coupon.objects.filter(pk=coupon.pk).update(used_count=sum(per_email.values()))
                if coupon.per_customer_limit is not None:
                    CouponUse.objects.bulk_create(
                        [CouponUse(coupon=coupon, email=e, uses=n) for e, n in sorted(per_email.items())],
                        batch_size=1000,
                    )

    def orders(self) -> None:
        """Customers, who places which order, and the orders day by day."""
        options = self.options
        self.people = PeopleFactory(self._rng("people"))
        bar = self.progress("customers", options.customers)
        self.customers = []
        for _ in range(options.customers):
            self.customers.append(self.people.customer())
            bar.update(1)
        bar.close()
        slots = plan_buyer_slots(self._rng("buyers"), orders=options.orders, customers=options.customers)
        counts = seasons.daily_counts(self._rng("calendar"), self.first_day, options.days, options.orders)
        shipping = {m.code: m for m in ShippingMethod.objects.filter(is_active=True)}
        if options.orders and not shipping:
            raise DomainError("no active shipping method: run `dianpu migrate` first", code="no_shipping_method")
        shop = Shop(
            products=self.plans,
            shipping=shipping,
            staff_ids=self.staff,
            tz=self.tz,
            first_day=self.first_day,
            as_of=self.as_of,
            unpaid_timeout=timedelta(hours=settings.UNPAID_ORDER_TIMEOUT_HOURS),
        )
        self.stream = OrderStream(
            self._rng("orders"),
            shop,
            self.people,
            self.customers,
            slots,
            self.book,
            self.writer,
            coupons=tuple(self.coupon_plans),
        )
        bar = self.progress("orders", options.orders)
        self.stream.run(counts, bar)
        bar.close()

    def finish(self) -> None:
        """A stock count, the customers who never ordered, and the totals kept on levels and products."""
        bar = self.progress("stock", len(self.skus))
        sellable = [s.index for p in self.plans if p.status != Product.Status.DRAFT for s in p.skus]
        restocked = self._at(self.today - timedelta(days=1), 10) + timedelta(minutes=self.stock_rng.randrange(240))
        self.book.settle(
            sellable,
            counted_at=self.as_of - timedelta(hours=2),
            restocked_at=restocked,
            actor_id=self.staff["warehouse"],
        )
        self.writer.flush()
        self._count_coupon_uses()
        later = self._rng("registered")
        self.writer.write_customers_without_orders(
            [
                (i, person, self._at(self.first_day) + timedelta(seconds=later.randrange(self.options.days * 86400)))
                for i, person in enumerate(self.customers)
            ]
        )
        for s, level in zip(self.skus, self.levels, strict=True):
            level.on_hand = self.book.on_hand[s.index]
            level.reserved = self.book.reserved[s.index]
        products = [Product(pk=p.product_id, sold_count=self.stream.units_sold[p.index]) for p in self.plans]
        with transaction.atomic():
            StockLevel.objects.bulk_update(self.levels, ["on_hand", "reserved"], batch_size=500)
            Product.objects.bulk_update(products, ["sold_count"], batch_size=500)
        bar.update(len(self.skus))
        bar.close()

    def back_office(self) -> None:
        """Purchasing, warehouses, review, rates, channel orders: through the apps' services."""
        from .aftersales import AfterSales
        from .operations import BackOffice, seeded_numbers

        restart_id_sequences()  # the services' rows take ids from the sequences, after the bulk-written ones

        bar = self.progress("office", 6)
        with seeded_numbers(self._rng("numbers")):
            self.back_office_counts = BackOffice(
                self._rng("back-office"), as_of=self.as_of, staff=self.staff, people_rng=self._rng("back-office-people")
            ).run()
        bar.update(6)
        bar.close()
        bar = self.progress("returns", 1)
        with seeded_numbers(self._rng("return-numbers")):
            AfterSales(self._rng("after-sales"), as_of=self.as_of, staff=self.staff).run()

        self.back_office_counts["returns by status"] = dict(
            sorted(Counter(ReturnRequest.objects.values_list("status", flat=True)).items())
        )
        bar.update(1)
        bar.close()

    def traffic(self) -> None:
        """Tracking events behind the orders, and the analytics rollups built from them."""
        from .traffic import write_traffic  # analytics is downstream of the shop's own tables

        bar = self.progress("traffic", self.options.orders)
        listed = [p.product_id for p in self.plans if p.status == Product.Status.LISTED]
        self.tracking_events = write_traffic(
            self._rng("traffic"), product_ids=listed, progress=bar, rebuild=False, until=self.as_of
        )
        bar.close()

    def marketing(self) -> None:
        """Promotions, campaigns, banners, ad spend, KOL codes, e-mails; then the analytics rollups
        rebuilt by the analytics app from the raw events and orders (attribution included)."""
        from dianpu.analytics.services import rebuild_rollups

        from .marketing import Marketing
        from .operations import seeded_numbers

        bar = self.progress("marketing", 2)
        with seeded_numbers(self._rng("marketing-numbers")):
            self.back_office_counts.update(Marketing(self._rng("marketing"), as_of=self.as_of, staff=self.staff).run())
        bar.update(1)
        rebuild_rollups()
        bar.update(1)
        bar.close()

    def crm(self) -> None:
        """Customer accounts, points, tiers, segments and greetings (system/demo/crm.py)."""
        from .crm import Crm

        self.back_office_counts.update(Crm(self._rng("crm"), as_of=self.as_of).run())

    def stock_summaries(self) -> None:
        """The per-SKU stock summary, from the stock and ledger rows written in bulk above."""
        from dianpu.inventory.services import rebuild_stock_summaries
        from dianpu.purchasing.queries import get_on_order_by_variant

        rebuild_stock_summaries(on_order=get_on_order_by_variant())

    def competitors(self) -> None:
        """Competitor shops and a month of their prices, through the competitors services."""
        from .competitors import Competitors

        self.back_office_counts.update(Competitors(self._rng("competitors"), as_of=self.as_of).run())

    def support(self) -> None:
        """Customer service: canned replies, conversations in Chinese, daily logs, a chat review."""
        from .support import SupportDesk

        self.back_office_counts.update(SupportDesk(self._rng("support"), as_of=self.as_of).run())

    def reviews(self) -> None:
        """Product reviews of delivered lines (bulk, no points) and CSAT on resolved conversations."""
        from .reviews import ReviewsDemo

        self.back_office_counts.update(ReviewsDemo(self._rng("reviews"), as_of=self.as_of).run())

    def knowledge(self) -> None:
        """Help articles (Chinese and English), internal notes and a few bot questions, through the knowledge services."""
        from .knowledge import Knowledge

        self.back_office_counts.update(Knowledge(self._rng("knowledge")).run())

    def channels(self) -> None:
        """A Shopify and a Taobao channel with mapped listings and some orders, through the channels services."""
        from .channels import Channels
        from .operations import seeded_numbers

        with seeded_numbers(self._rng("channel-numbers")):
            self.back_office_counts.update(Channels(self._rng("channels"), as_of=self.as_of).run())

    def teamwork(self) -> None:
        """Design briefs, a main-image test with traffic, a week of routines and tasks."""
        from .teamwork import Teamwork

        self.back_office_counts.update(Teamwork(self._rng("teamwork"), as_of=self.as_of, staff=self.staff).run())

    def finance(self) -> None:
        """A year of books for the demo's orders (bulk postings), expenses, a budget, closed months."""
        from .finance import Books

        self.back_office_counts.update(Books(self._rng("finance"), as_of=self.as_of).run())

    def summary(self) -> dict:
        available = [self.book.available(s.index) for s in self.skus]
        return {
            "days": f"{self.first_day:%Y-%m-%d} – {self.today:%Y-%m-%d}",
            "categories": len(self.categories),
            "products": len(self.plans),
            "products by status": {
                status: sum(1 for p in self.plans if p.status == status) for status in Product.Status.values
            },
            "SKUs": len(self.skus),
            "images": self.images,
            "tags": len(self.tags),
            **self.writer.counts,
            "orders by status": dict(sorted(self.stream.status_counts.items())),
            "refunded orders": self.stream.refunded,
            "SKUs out of stock": sum(1 for a in available if a <= 0),
            "SKUs low on stock": sum(
                1 for s, a in zip(self.skus, available, strict=True) if 0 < a <= self.book.safety[s.index]
            ),
            **self.back_office_counts,
            "analytics events": self.tracking_events,
            "staff": ", ".join(self.staff),
        }
