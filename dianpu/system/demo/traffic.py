"""Demo tracking: the visits behind the demo orders, so analytics has traffic that adds up.

Every order gets the visit that placed it (landing page → its products → cart → checkout →
purchase), from a visitor id of its buyer and a channel that is also stored on the order
(attribution); around each order, a few browsing visits that leave earlier. Events are written in
bulk (the documented bulk-writer exception), then the analytics rollups are rebuilt from them."""

import hashlib
import random
from datetime import datetime, timedelta

from django.core.management.color import no_style
from django.db import connection, transaction

from dianpu.analytics.domain.tracking import Kind
from dianpu.analytics.models import TrackingEvent
from dianpu.analytics.services import rebuild_rollups
from dianpu.analytics.shopdays import local_day
from dianpu.orders.models import Order, OrderLine

from .writer import Table

BROWSING_VISITS_PER_ORDER = 2
CHANNELS = (  # (channel, source, utm_source, utm_medium, referrer host, weight)
    ("direct", "(direct)", "", "", "", 30),
    ("search", "baidu.com", "", "", "baidu.com", 25),
    ("social", "weibo", "weibo", "social", "", 12),
    ("social", "xiaohongshu", "xiaohongshu", "social", "", 10),
    ("paid", "baidu", "baidu", "cpc", "", 10),
    ("email", "newsletter", "newsletter", "email", "", 5),
    ("referral", "zhihu.com", "", "", "zhihu.com", 8),
)
DEVICES = (("mobile", 62), ("desktop", 30), ("tablet", 8))
CHUNK = 2000


def _visitor(email: str) -> str:
    return "demo" + hashlib.sha1(email.encode()).hexdigest()[:20]


def write_traffic(
    rng: random.Random, *, product_ids: list[int], progress, rebuild: bool = True, until: datetime | None = None
) -> int:
    """Write the visits; returns how many events. Then rebuild the analytics rollups (unless the
    caller does it after changing more orders)."""
    TrackingEvent.objects.all().delete()
    weights = [c[-1] for c in CHANNELS]
    device_weights = [d[1] for d in DEVICES]
    total, session_no = 0, 0
    orders = list(
        Order.objects.filter(channel="web")
        .order_by("placed_at", "id")
        .values_list("id", "placed_at", "email", "paid_at")
    )
    # Written with one INSERT / UPDATE statement per chunk (executemany): the ORM's bulk_update
    # builds a CASE per column and row, which made this phase the slowest of the demo.
    table = Table(TrackingEvent)
    attribute = "UPDATE %s SET %s WHERE %s = %%s" % (
        connection.ops.quote_name(Order._meta.db_table),
        ", ".join(
            f"{connection.ops.quote_name(c)} = %s" for c in ("visitor_id", "utm_source", "utm_medium", "referrer_host")
        ),
        connection.ops.quote_name("id"),
    )
    for offset in range(0, len(orders), CHUNK):
        chunk = orders[offset : offset + CHUNK]
        products_of: dict[int, list[int]] = {}
        for order_id, product in OrderLine.objects.filter(order_id__in=[o[0] for o in chunk]).values_list(
            "order_id", "product_id_snapshot"
        ):
            if product:
                products_of.setdefault(order_id, []).append(product)
        events, attributed = [], []
        for order_id, placed_at, email, paid_at in chunk:
            channel = rng.choices(CHANNELS, weights)[0]
            device = rng.choices(DEVICES, device_weights)[0][0]
            visitor = _visitor(email)
            session_no += 1
            at = placed_at - timedelta(minutes=rng.randrange(4, 25))

            def add(kind, *, when, session, who, ch=channel, dev=device, product=None, dwell=0, path="/", order=None):
                events.append(
                    dict(
                        day=local_day(when),
                        occurred_at=when,
                        kind=kind,
                        visitor_id=who,
                        session_id=session,
                        path=path,
                        product_id=product,
                        order_id=order,
                        dwell_ms=dwell,
                        channel=ch[0],
                        source=ch[1],
                        utm_campaign="",
                        device=dev,
                    )
                )

            session = f"demo-{session_no}"
            add(Kind.PAGE_VIEW, when=at, session=session, who=visitor)
            for product in products_of.get(order_id, []):
                at += timedelta(seconds=rng.randrange(20, 120))
                add(Kind.PRODUCT_VIEW, when=at, session=session, who=visitor, product=product, path="/products/")
                add(
                    Kind.LEAVE,
                    when=at + timedelta(seconds=30),
                    session=session,
                    who=visitor,
                    product=product,
                    dwell=rng.randrange(15_000, 180_000),
                    path="/products/",
                )
                add(
                    Kind.ADD_TO_CART,
                    when=at + timedelta(seconds=31),
                    session=session,
                    who=visitor,
                    product=product,
                    path="/cart/add/",
                )
            add(
                Kind.CHECKOUT_START,
                when=placed_at - timedelta(minutes=2),
                session=session,
                who=visitor,
                path="/checkout/",
            )
            add(Kind.PURCHASE, when=placed_at, session=session, who=visitor, path="/checkout/", order=order_id)
            if paid_at is not None:  # as analytics records it when an order is paid
                add(Kind.PAID, when=paid_at, session=session, who=visitor, path="", order=order_id)
            attributed.append((visitor, channel[2], channel[3], channel[4], order_id))
            for _ in range(BROWSING_VISITS_PER_ORDER):
                session_no += 1
                ch = rng.choices(CHANNELS, weights)[0]
                dev = rng.choices(DEVICES, device_weights)[0][0]
                who = f"demo-browser-{rng.randrange(10**9)}"
                when = placed_at + timedelta(minutes=rng.randrange(-600, 600))
                if until is not None:  # nobody browses in the future
                    when = min(when, until - timedelta(minutes=2))
                add(Kind.PAGE_VIEW, when=when, session=f"demo-{session_no}", who=who, ch=ch, dev=dev)
                if product_ids and rng.random() < 0.7:
                    product = rng.choice(product_ids)
                    add(
                        Kind.PRODUCT_VIEW,
                        when=when + timedelta(seconds=40),
                        session=f"demo-{session_no}",
                        who=who,
                        ch=ch,
                        dev=dev,
                        product=product,
                        path="/products/",
                    )
                    add(
                        Kind.LEAVE,
                        when=when + timedelta(seconds=80),
                        session=f"demo-{session_no}",
                        who=who,
                        ch=ch,
                        dev=dev,
                        product=product,
                        dwell=rng.randrange(3_000, 90_000),
                        path="/products/",
                    )
                    if rng.random() < 0.15:
                        add(
                            Kind.ADD_TO_CART,
                            when=when + timedelta(seconds=81),
                            session=f"demo-{session_no}",
                            who=who,
                            ch=ch,
                            dev=dev,
                            product=product,
                            path="/cart/add/",
                        )
        with transaction.atomic():
            table.insert(events)
            with connection.cursor() as cursor:
                cursor.executemany(attribute, attributed)
        total += len(events)
        progress.update(len(chunk))
    with connection.cursor() as cursor:  # PostgreSQL: the id sequence continues after the rows given ids
        for sql in connection.ops.sequence_reset_sql(no_style(), [TrackingEvent]):
            cursor.execute(sql)
    if rebuild:
        rebuild_rollups()
    return total
