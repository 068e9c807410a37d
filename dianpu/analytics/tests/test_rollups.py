"""Rollups agree exactly with the raw tables after orders are placed, paid, cancelled and
refunded (also days later), and after tracking events are folded; day boundaries are the
shop's (Asia/Shanghai) midnight."""

from datetime import date
from decimal import Decimal

import pytest

from dianpu.analytics import queries
from dianpu.analytics.domain.tracking import Kind
from dianpu.analytics.models import DailyProductStat, DailySourceStat, DailyStat
from dianpu.analytics.services import fold_tracking_events
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

from .builders import fold, make_refund, track, visit

pytestmark = pytest.mark.django_db
MAR1, MAR2, MAR3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)


@pytest.fixture
def tee():
    return make_product(price="120.00", stock=50, skus=["TEE-A"])


@pytest.fixture
def mug():
    return make_product(name="马克杯", name_en="Mug", price="30.00", stock=50, skus=["MUG-A"])


def assert_rollups_equal_raw(*days):
    for day in days:
        assert queries.rollup_product_day(day) == {
            p: f for p, f in queries.raw_product_day(day).items() if any(f.values())
        }, day
    for day_from in days:
        for day_to in days:
            if day_from <= day_to:
                rolled = queries.get_summary(day_from, day_to)
                assert {k: rolled[k] for k in queries.raw_summary(day_from, day_to)} == queries.raw_summary(
                    day_from, day_to
                )
                assert queries.get_funnel(day_from, day_to)["steps"] == queries._funnel_steps(
                    queries.raw_funnel_counts(day_from, day_to)
                )


def test_orders_count_on_the_shop_day_they_were_placed(at, tee, mug):
    at(2026, 3, 1, 23, 59)  # 15:59 UTC, still 1 March in Shanghai
    late = place_test_order({"TEE-A": 1, "MUG-A": 2}, email="a@example.com")
    at(2026, 3, 2, 0, 1)  # 16:01 UTC on 1 March, but 2 March in Shanghai
    early = place_test_order({"MUG-A": 1}, email="b@example.com")
    assert late.grand_total == Decimal("180.00")
    assert DailyStat.objects.get(day=MAR1).orders == 1
    assert DailyStat.objects.get(day=MAR1).sales == Decimal("180.00")
    assert DailyStat.objects.get(day=MAR2).orders == 1
    assert DailyStat.objects.get(day=MAR2).sales == early.grand_total
    figures = queries.get_summary(MAR1, MAR2)
    assert (figures["orders"], figures["sales"]) == (2, Decimal("180.00") + early.grand_total)
    assert figures["average_order_value"] == ((Decimal("180.00") + early.grand_total) / 2).quantize(Decimal("0.01"))
    mug_day1 = DailyProductStat.objects.get(day=MAR1, product_id=mug.pk)
    assert (mug_day1.units, mug_day1.sales, mug_day1.buyers) == (2, Decimal("60.00"), 0)
    assert_rollups_equal_raw(MAR1, MAR2)


def test_cancelling_takes_the_order_back_out_of_its_day(at, tee, staff):
    at(2026, 3, 1, 10, 0)
    kept = place_test_order({"TEE-A": 1}, email="a@example.com")
    gone = place_test_order({"TEE-A": 2}, email="b@example.com")
    transition_order(order=kept, action="mark_paid", actor=staff("finance"))
    transition_order(order=gone, action="mark_paid", actor=staff("finance"))
    at(2026, 3, 2, 9, 0)  # cancelled the next day: it leaves 1 March's figures
    transition_order(order=gone, action="cancel", actor=staff("agent"))
    day = DailyStat.objects.get(day=MAR1)
    assert (day.orders, day.sales) == (1, Decimal("120.00"))
    tee_day = DailyProductStat.objects.get(day=MAR1, product_id=tee.pk)
    assert (tee_day.units, tee_day.sales, tee_day.buyers) == (1, Decimal("120.00"), 1)
    assert_rollups_equal_raw(MAR1, MAR2)


def test_cancelling_twice_counts_once(at, tee, staff):
    at(2026, 3, 1, 10, 0)
    order = place_test_order({"TEE-A": 1})
    transition_order(order=order, action="cancel", actor=staff("agent"))
    from dianpu.analytics.services import count_order_changed

    count_order_changed(order.pk)  # a repeated event
    assert DailyStat.objects.get(day=MAR1).orders == 0
    assert_rollups_equal_raw(MAR1)


def test_paying_buyers_count_distinct_buyers_of_paid_orders(at, tee, mug, staff):
    at(2026, 3, 1, 9, 0)
    first = place_test_order({"TEE-A": 1}, email="same@example.com")
    second = place_test_order({"TEE-A": 1, "MUG-A": 1}, email="same@example.com")
    place_test_order({"TEE-A": 1}, email="unpaid@example.com")
    for order in (first, second):
        transition_order(order=order, action="mark_paid", actor=staff("finance"))
    tee_day = DailyProductStat.objects.get(day=MAR1, product_id=tee.pk)
    assert (tee_day.units, tee_day.buyers) == (3, 1)
    transition_order(order=first, action="cancel", actor=staff("agent"))
    assert DailyProductStat.objects.get(day=MAR1, product_id=tee.pk).buyers == 1  # still bought in `second`
    transition_order(order=second, action="cancel", actor=staff("agent"))
    assert DailyProductStat.objects.get(day=MAR1, product_id=tee.pk).buyers == 0
    assert_rollups_equal_raw(MAR1)


def test_a_refund_counts_on_the_day_the_money_went_back(at, tee, staff):
    at(2026, 3, 1, 12, 0)
    order = place_test_order({"TEE-A": 1})
    transition_order(order=order, action="mark_paid", actor=staff("finance"))
    at(2026, 3, 3, 0, 30)  # two days later, just after midnight in Shanghai
    make_refund(order, "50.00")
    assert queries.get_summary(MAR1, MAR1)["refunds"] == Decimal("0.00")
    assert queries.get_summary(MAR3, MAR3)["refunds"] == Decimal("50.00")
    assert queries.get_summary(MAR1, MAR3)["refunds"] == Decimal("50.00")
    assert queries.get_summary(MAR1, MAR3)["orders"] == 1  # a refund does not cancel the order
    assert DailyProductStat.objects.get(day=MAR3, product_id=tee.pk).refunds == Decimal("50.00")
    assert_rollups_equal_raw(MAR1, MAR2, MAR3)


def test_a_refund_is_shared_among_the_products_of_its_order_by_their_lines(at, tee, mug, staff):
    at(2026, 3, 1, 12, 0)
    order = place_test_order({"TEE-A": 1, "MUG-A": 2})  # lines 120.00 and 60.00
    transition_order(order=order, action="mark_paid", actor=staff("finance"))
    at(2026, 3, 2, 9, 0)
    make_refund(order, "100.00")
    at(2026, 3, 3, 9, 0)
    make_refund(order, "30.00")
    refunds = lambda day, product: DailyProductStat.objects.get(day=day, product_id=product.pk).refunds  # noqa: E731
    assert (refunds(MAR2, tee), refunds(MAR2, mug)) == (Decimal("66.67"), Decimal("33.33"))
    assert (refunds(MAR3, tee), refunds(MAR3, mug)) == (Decimal("20.00"), Decimal("10.00"))
    items = {i["slug"]: i for i in queries.list_bestsellers(MAR2)}
    assert (items[tee.slug]["refunds"], items[mug.slug]["refunds"]) == (Decimal("66.67"), Decimal("33.33"))
    assert_rollups_equal_raw(MAR1, MAR2, MAR3)
    before = _snapshot()
    from dianpu.analytics.services import rebuild_rollups

    rebuild_rollups()
    assert _snapshot() == before


def test_new_and_returning_customers(at, tee):
    at(2026, 3, 1, 9, 0)
    place_test_order({"TEE-A": 1}, email="old@example.com")
    at(2026, 3, 2, 9, 0)
    place_test_order({"TEE-A": 1}, email="old@example.com")
    place_test_order({"TEE-A": 1}, email="new@example.com")
    figures = queries.get_summary(MAR2, MAR2)
    assert (figures["new_customer_orders"], figures["returning_customer_orders"]) == (1, 1)


def test_folded_tracking_events_equal_the_raw_events(at, tee, mug):
    at(2026, 3, 1, 23, 50)
    ann = visit("visitor-ann", "s-ann-1", channel="search", source="baidu.com", device="mobile")
    bob = visit("visitor-bob", "s-bob-1", channel="direct", device="desktop")
    track(ann, Kind.PAGE_VIEW, path="/")
    track(ann, Kind.LIST_IMPRESSION, product=tee)
    track(ann, Kind.LIST_IMPRESSION, product=mug)
    track(ann, Kind.LIST_CLICK, product=tee)
    track(ann, Kind.PRODUCT_VIEW, product=tee)
    track(ann, Kind.LEAVE, product=tee, dwell_ms=30_000)
    track(bob, Kind.PRODUCT_VIEW, product=tee)
    track(bob, Kind.PRODUCT_VIEW, product=tee)
    track(bob, Kind.LEAVE, product=tee, dwell_ms=10_000)
    assert fold() == 9
    at(2026, 3, 2, 0, 5)  # Ann's visit goes on past midnight: it still began on 1 March
    track(ann, Kind.ADD_TO_CART, product=tee)
    track(ann, Kind.CHECKOUT_START)
    assert fold() == 2
    assert fold() == 0  # nothing new: safe to run twice
    tee_day = DailyProductStat.objects.get(day=MAR1, product_id=tee.pk)
    assert (tee_day.views, tee_day.visitors, tee_day.list_impressions, tee_day.list_clicks) == (3, 2, 1, 1)
    assert (tee_day.dwell_ms, tee_day.dwell_samples) == (40_000, 2)
    item = next(i for i in queries.list_bestsellers(MAR1) if i["slug"] == tee.slug)
    assert (item["visitors"], item["avg_dwell_seconds"], item["click_through_rate"]) == (2, 20.0, 1.0)
    search = DailySourceStat.objects.get(day=MAR1, channel="search")
    assert (
        search.visits,
        search.product_view_visits,
        search.cart_visits,
        search.checkout_visits,
        search.purchase_visits,
    ) == (1, 1, 1, 1, 0)
    assert queries.get_summary(MAR1, MAR1)["visitors"] == 2
    assert queries.get_summary(MAR1, MAR2)["visitors"] == 2  # Ann on both days counts once
    funnel = queries.get_funnel(MAR1, MAR1, by="device")
    assert [s["visits"] for s in funnel["steps"]] == [2, 2, 1, 1, 0, 0]
    assert funnel["steps"][2]["drop_off_rate"] == 0.5
    assert [g["key"] for g in funnel["groups"]] == ["desktop", "mobile"] or [g["key"] for g in funnel["groups"]] == [
        "mobile",
        "desktop",
    ]
    assert_rollups_equal_raw(MAR1, MAR2)


def test_young_events_wait_for_the_next_fold(at, tee):
    at(2026, 3, 1, 10, 0)
    track(visit(), Kind.PRODUCT_VIEW, product=tee)
    assert fold_tracking_events(lag_seconds=5) == 0
    at(2026, 3, 1, 10, 1)
    assert fold_tracking_events(lag_seconds=5) == 1


def _snapshot():
    from dianpu.analytics.models import OrderFact, ProductBuyerDay, VisitorDay, VisitorReturnDay, VisitStage

    return {
        "days": sorted(
            DailyStat.objects.values_list(
                "day",
                "orders",
                "sales",
                "new_customer_orders",
                "returning_customer_orders",
                "refunds",
                "refund_count",
                "visitors",
                "visits",
                "page_views",
            )
        ),
        "products": sorted(
            tuple(r.values())
            for r in DailyProductStat.objects.values(
                "day",
                "product_id",
                "views",
                "visitors",
                "dwell_ms",
                "dwell_samples",
                "add_to_carts",
                "cart_visitors",
                "list_impressions",
                "list_clicks",
                "buyers",
                "units",
                "sales",
                "refunds",
            )
        ),
        "sources": sorted(
            tuple(r.values())
            for r in DailySourceStat.objects.values(
                "day",
                "channel",
                "source",
                "device",
                "visits",
                "product_view_visits",
                "cart_visits",
                "checkout_visits",
                "purchase_visits",
                "paid_visits",
            )
        ),
        "visitors": sorted(VisitorDay.objects.values_list("day", "visitor_id", "prev_day")),
        "returns": sorted(VisitorReturnDay.objects.filter(visitors__gt=0).values_list("day", "prev_day", "visitors")),
        "visits": sorted(VisitStage.objects.values_list("session_id", "day", "stage")),
        "facts": sorted(OrderFact.objects.values_list("order_id", "day", "is_new_customer", "paid", "cancelled")),
        "buyers": sorted(
            ProductBuyerDay.objects.filter(orders__gt=0).values_list("day", "product_id", "email", "orders")
        ),
    }


def test_rebuilding_from_the_raw_tables_gives_the_same_rollups(at, tee, mug, staff):
    at(2026, 3, 1, 22, 0)
    ann = visit("visitor-ann", "s-ann-1", channel="search", source="baidu.com", device="mobile")
    track(ann, Kind.PRODUCT_VIEW, product=tee)
    track(ann, Kind.ADD_TO_CART, product=tee)
    track(ann, Kind.LEAVE, product=tee, dwell_ms=12_000)
    paid = place_test_order({"TEE-A": 1, "MUG-A": 1}, email="a@example.com")
    transition_order(order=paid, action="mark_paid", actor=staff("finance"))
    gone = place_test_order({"MUG-A": 3}, email="b@example.com")
    transition_order(order=gone, action="mark_paid", actor=staff("finance"))
    at(2026, 3, 2, 8, 0)
    track(ann, Kind.PURCHASE)
    place_test_order({"TEE-A": 1}, email="a@example.com")
    transition_order(order=gone, action="cancel", actor=staff("agent"))
    at(2026, 3, 3, 9, 0)
    make_refund(paid, "40.00")
    fold()
    incremental = _snapshot()
    from dianpu.analytics.services import rebuild_rollups

    rebuild_rollups()
    assert _snapshot() == incremental
    assert_rollups_equal_raw(MAR1, MAR2, MAR3)


def test_distinct_visitors_stay_exact_when_days_are_folded_out_of_order(at, tee):
    """Visitor counts come from each visitor's previous day seen; a day folded late relinks them."""
    from dianpu.analytics.models import VisitorDay

    ann, bob = visit("visitor-ann", "s-ann-3"), visit("visitor-bob", "s-bob-3")
    at(2026, 3, 3, 10, 0)
    track(ann, Kind.PAGE_VIEW)
    track(bob, Kind.PAGE_VIEW)
    fold()
    at(2026, 3, 1, 10, 0)  # events of an earlier day reach the fold later (e.g. an import)
    track(visit("visitor-ann", "s-ann-1"), Kind.PAGE_VIEW)
    fold()
    at(2026, 3, 2, 10, 0)
    track(visit("visitor-ann", "s-ann-2"), Kind.PAGE_VIEW)
    track(visit("visitor-cy", "s-cy-2"), Kind.PAGE_VIEW)
    fold()
    assert sorted(VisitorDay.objects.values_list("visitor_id", "day", "prev_day")) == [
        ("visitor-ann", MAR1, None),
        ("visitor-ann", MAR2, MAR1),
        ("visitor-ann", MAR3, MAR2),
        ("visitor-bob", MAR3, None),
        ("visitor-cy", MAR2, None),
    ]
    expected = {(MAR1, MAR1): 1, (MAR1, MAR2): 2, (MAR1, MAR3): 3, (MAR2, MAR2): 2, (MAR2, MAR3): 3, (MAR3, MAR3): 2}
    for (day_from, day_to), visitors in expected.items():
        assert queries.count_visitors(day_from, day_to) == visitors
        assert queries.raw_summary(day_from, day_to)["visitors"] == visitors


def test_the_funnel_ends_with_visits_whose_order_was_paid(at, tee, staff):
    """visit → product view → cart → checkout → placed → paid; cash on delivery counts when delivered."""
    from dianpu.analytics.models import TrackingEvent

    def shop(who, **order):
        context = visit(who, f"s-{who}", channel="search" if who == "ann" else "direct", device="mobile")
        track(context, Kind.PRODUCT_VIEW, product=tee)
        track(context, Kind.ADD_TO_CART, product=tee)
        track(context, Kind.CHECKOUT_START)
        placed = place_test_order({"TEE-A": 1}, email=f"{who}@example.com", **order)
        track(context, Kind.PURCHASE, order_id=placed.pk)
        return placed

    at(2026, 3, 1, 10, 0)
    ann, bob, cy = shop("ann"), shop("bob"), shop("cy", payment_method="cod")
    track(visit("dan", "s-dan"), Kind.PAGE_VIEW)
    fold()
    transition_order(order=ann, action="mark_paid", actor=staff("finance"))
    transition_order(order=ann, action="ship", carrier="zto", tracking_number="731234567890", actor=staff("agent"))
    fold()
    steps = {s["step"]: s["visits"] for s in queries.get_funnel(MAR1, MAR1)["steps"]}
    assert steps == {
        "visits": 4,
        "product_view_visits": 3,
        "cart_visits": 3,
        "checkout_visits": 3,
        "purchase_visits": 3,
        "paid_visits": 1,
    }
    assert_rollups_equal_raw(MAR1)
    at(2026, 3, 3, 15, 0)  # the cash-on-delivery parcel is delivered and paid two days later
    transition_order(order=cy, action="ship", carrier="zto", tracking_number="731234567891", actor=staff("agent"))
    transition_order(order=cy, action="mark_delivered", actor=staff("agent"))
    transition_order(order=bob, action="cancel", actor=staff("agent"))  # never paid: stays "placed"
    fold()
    funnel = queries.get_funnel(MAR1, MAR1, by="channel")
    assert [s["visits"] for s in funnel["steps"]] == [4, 3, 3, 3, 3, 2]
    assert funnel["steps"][5]["drop_off_rate"] == round(1 - 2 / 3, 4)
    assert {g["key"]: g["steps"][5]["visits"] for g in funnel["groups"]} == {"search": 1, "direct": 1}
    assert queries.get_summary(MAR3, MAR3)["visitors"] == 0  # a payment is not a visit
    assert TrackingEvent.objects.filter(kind=Kind.PAID).count() == 2
    assert_rollups_equal_raw(MAR1, MAR2, MAR3)
    # the rebuilt rollups (from the raw events) agree
    before = _snapshot()
    from dianpu.analytics.services import rebuild_rollups

    rebuild_rollups()
    assert _snapshot() == before


def test_the_best_sellers_page_lists_the_head_of_the_full_list_with_the_same_flags(at):
    """The console shows the `limit` best sellers (flags read for those alone): exactly the first
    rows of the full list, ties on sales and visitors broken by slug, and their flags unchanged."""
    falling = make_product(name="下滑款", price="80.00", stock=500, skus=["FALL"])
    twins = [make_product(name=f"双胞胎{n}", price="30.00", stock=500, skus=[f"TWIN-{n}"]) for n in range(3)]
    small = make_product(name="小件", price="5.00", stock=500, skus=["SMALL"])
    gone = make_product(name="停售款", price="9.00", stock=500, skus=["GONE"])  # sold on 1 March only
    at(2026, 3, 1, 8, 0)
    place_test_order({"GONE": 1})
    #              Mar 1  2  3  4
    for offset, views in enumerate([20, 15, 10, 5]):
        day = date(2026, 3, 1 + offset)
        at(day.year, day.month, day.day, 12, 0)
        for n in range(views):
            track(visit(f"v-{offset}-{n}", f"s-{offset}-{n}"), Kind.PRODUCT_VIEW, product=falling)
        place_test_order({"FALL": 1})
        for n, twin in enumerate(twins):  # equal sales and visitors every day: ordered by slug
            track(visit(f"t-{offset}-{n}", f"st-{offset}-{n}"), Kind.PRODUCT_VIEW, product=twin)
            place_test_order({f"TWIN-{n}": 1})
        place_test_order({"SMALL": 1})
    fold()
    march4 = date(2026, 3, 4)
    for date_from in (march4, MAR2):
        full = queries.list_bestsellers(march4, date_from=date_from)
        # the products with nothing in the period but figures in the flag window come last, by slug
        assert [i["slug"] for i in full] == [falling.slug, *sorted(t.slug for t in twins), small.slug, gone.slug]
        assert full[0]["flag"] == "declining"  # 20 → 15 → 10 → 5 visitors
        for limit in range(1, len(full) + 2):
            assert queries.list_bestsellers(march4, date_from=date_from, limit=limit) == full[:limit]
            assert queries.list_bestsellers(march4, date_from=date_from, limit=limit, flagged_only=True) == [
                i for i in full[:limit] if i["flag"]
            ]
