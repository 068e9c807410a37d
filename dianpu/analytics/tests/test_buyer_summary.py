"""The buyer summaries, cohort cells and RFM cells behind the customer list (RFM segments, cohorts)
equal the figures recomputed from the raw orders after every kind of order change: placed, paid,
refunded, cancelled (the first order of a buyer, a later one, a backdated one)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from dianpu.analytics import queries, services
from dianpu.analytics.domain.buyers import cohort_cells
from dianpu.analytics.domain.rfm import high_value_fen, rfm_band
from dianpu.analytics.models import BuyerMonth, BuyerSummary, CohortMonth, RfmCell, RfmCellRule
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order
from dianpu.payments.services import refund_order

pytestmark = pytest.mark.django_db


def kept() -> tuple[dict, set, dict]:
    summaries = {
        s.email: (s.orders, s.spent_fen, s.first_day, s.last_day, s.first_month, s.active_months)
        for s in BuyerSummary.objects.filter(orders__gt=0)
    }
    months = set(BuyerMonth.objects.values_list("email", "month"))
    cells = {
        (c.cohort, c.offset): (c.customers, c.repeaters)
        for c in CohortMonth.objects.all()
        if c.customers or c.repeaters
    }
    return summaries, months, cells


def recomputed() -> tuple[dict, set, dict]:
    buyers = services.raw_buyer_figures()
    summaries = {
        e: (f.orders, f.spent_fen, f.first_day, f.last_day, f.first_month, len(f.months)) for e, f in buyers.items()
    }
    months = {(e, m) for e, f in buyers.items() for m in f.months}
    cells: dict = {}
    for f in buyers.values():
        for (cohort, offset, column), n in cohort_cells(f.months).items():
            customers, repeaters = cells.get((cohort, offset), (0, 0))
            cells[(cohort, offset)] = (
                (customers + n, repeaters) if column == "customers" else (customers, repeaters + n)
            )
    return summaries, months, cells


def kept_rfm_cells() -> dict:
    return {
        (c.last_day, c.frequent, c.high_value): (c.customers, c.spent_fen)
        for c in RfmCell.objects.all()
        if c.customers or c.spent_fen
    }


def recomputed_rfm_cells() -> dict:
    rule = queries.rfm_rule()
    cells: dict = {}
    for f in services.raw_buyer_figures().values():
        key = (f.last_day, *rfm_band(orders=f.orders, spent_fen=f.spent_fen, rule=rule))
        customers, fen = cells.get(key, (0, 0))
        cells[key] = (customers + 1, fen + f.spent_fen)
    return cells


def cells_are_read() -> bool:
    """The cells were cut by the shop's rule, so today's segments come from them."""
    rule = queries.rfm_rule()
    return RfmCellRule.objects.filter(loyal_orders=rule.loyal_orders, high_value_fen=high_value_fen(rule)).exists()


def assert_summary_is_true(as_of: date) -> None:
    assert kept() == recomputed()
    assert kept_rfm_cells() == recomputed_rfm_cells()
    assert cells_are_read()
    assert queries.get_cohorts(date(2025, 1, 1), as_of) == queries.raw_cohorts(date(2025, 1, 1), as_of)
    assert queries.get_rfm_segments(as_of)["segments"] == queries.raw_rfm_segments(as_of)["segments"]


@pytest.fixture
def tea():
    return make_product(name="龙井", price="333.33", stock=1000, skus=["TEA"])


def test_summary_equals_the_raw_figures_after_place_pay_refund_and_cancel(at, tea, staff):
    at(2026, 1, 5, 10, 0)
    first = place_test_order({"TEA": 1}, email="a@example.com")
    place_test_order({"TEA": 2}, email="b@example.com")
    assert_summary_is_true(date(2026, 1, 5))
    assert kept()[0]["a@example.com"] == (
        1,
        33333 + first.shipping_total * 100,
        date(2026, 1, 5),
        date(2026, 1, 5),
        date(2026, 1, 1),
        1,
    )

    at(2026, 3, 20, 23, 30)  # late in the evening: the shop's day, not UTC's
    again = place_test_order({"TEA": 3}, email="a@example.com")
    transition_order(order=again, action="mark_paid")
    assert_summary_is_true(date(2026, 3, 20))
    assert kept()[2][(date(2026, 1, 1), 0)] == (2, 1)  # two January buyers, one came back
    assert kept()[2][(date(2026, 1, 1), 2)] == (1, 0)  # …in March

    refund_order(order=again, amount=Decimal("100.00"), manual=True)
    assert_summary_is_true(date(2026, 3, 20))

    transition_order(order=first, action="cancel", actor=staff("agent"))  # a's first order no longer counts
    assert_summary_is_true(date(2026, 3, 20))
    assert kept()[0]["a@example.com"][2:] == (date(2026, 3, 20), date(2026, 3, 20), date(2026, 3, 1), 1)
    assert (date(2026, 1, 1), 2) not in kept()[2]  # a is now a March buyer

    transition_order(order=again, action="cancel", actor=staff("agent"))  # nothing of a counts
    assert_summary_is_true(date(2026, 3, 20))
    assert "a@example.com" not in kept()[0]


def test_the_rebuild_gives_what_the_upkeep_kept(at, tea, staff):
    for month, email in ((1, "a@example.com"), (2, "a@example.com"), (2, "b@example.com"), (4, "a@example.com")):
        at(2026, month, 3, 12, 0)
        place_test_order({"TEA": 1}, email=email)
    before, cells_before = kept(), kept_rfm_cells()
    services.rebuild_buyer_summaries()
    assert kept() == before == recomputed()
    assert kept_rfm_cells() == cells_before == recomputed_rfm_cells()
    assert cells_are_read()
    assert queries.get_cohorts(date(2026, 1, 1), date(2026, 4, 30)) == [
        {"month": "2026-01", "customers": 1, "repurchase_rate": 1.0, "returned": [1, 0, 1]},
        {"month": "2026-02", "customers": 1, "repurchase_rate": 0.0, "returned": []},
    ]


def test_the_migration_fill_gives_what_the_live_rebuild_gives(at, tea, staff):
    """Migration 0007 fills the summaries with the historical models and its own copy of the rules:
    on a shop with orders it must write exactly the rows the live rebuild writes."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    for month, day, hour, email in (
        (1, 3, 12, "a@example.com"),
        (2, 28, 23, "a@example.com"),  # late evening: the shop's day, not UTC's
        (2, 3, 12, "b@example.com"),
        (4, 3, 12, "a@example.com"),
        (4, 9, 9, "c@example.com"),
    ):
        at(2026, month, day, hour, 30)
        place_test_order({"TEA": month}, email=email)
    at(2026, 4, 10, 9, 0)
    transition_order(order=place_test_order({"TEA": 1}, email="c@example.com"), action="cancel", actor=staff("agent"))
    services.rebuild_buyer_summaries()
    rebuilt = kept()
    for model in (BuyerSummary, BuyerMonth, CohortMonth):
        model.objects.all().delete()

    migration = importlib.import_module("dianpu.analytics.migrations.0007_fill_buyer_summaries")
    historical = MigrationExecutor(connection).loader.project_state(("analytics", "0007_fill_buyer_summaries")).apps
    migration.fill(historical, None)

    assert kept() == rebuilt == recomputed()
    assert kept()[0]["a@example.com"][2:] == (date(2026, 1, 3), date(2026, 4, 3), date(2026, 1, 1), 3)

    cells = kept_rfm_cells()
    RfmCell.objects.all().delete()
    RfmCellRule.objects.all().delete()
    cutting = importlib.import_module("dianpu.analytics.migrations.0008_rfm_cells")
    cutting.fill(
        MigrationExecutor(connection).loader.project_state(("analytics", "0008_rfm_cells")).apps,
        connection.schema_editor(),
    )
    assert kept_rfm_cells() == cells == recomputed_rfm_cells()
    assert cells_are_read()
    assert "c@example.com" in kept()[0] and kept()[0]["c@example.com"][0] == 1


def segments(as_of: date) -> dict:
    return {s["segment"]: (s["customers"], s["revenue"]) for s in queries.get_rfm_segments(as_of)["segments"]}


def test_rfm_cells_follow_a_buyer_across_bands_and_days(at, tea, staff):
    """Frequent (3 orders), high value (2,000 and more), back again on a cancellation; the last
    order's day moves back when the latest order is cancelled; the segments stay the raw ones."""
    orders = []
    for day in (2, 3, 4):
        at(2026, 5, day, 10, 0)
        orders.append(place_test_order({"TEA": 1}, email="a@example.com"))
        assert_summary_is_true(date(2026, 5, day))
    assert kept_rfm_cells()[(date(2026, 5, 4), True, False)][0] == 1  # three orders: frequent
    assert segments(date(2026, 5, 4))["loyal"][0] == 1

    at(2026, 5, 6, 10, 0)
    big = place_test_order({"TEA": 6}, email="a@example.com")  # 1,999.98 + shipping: over 2,000 in all
    transition_order(order=big, action="mark_paid")
    assert_summary_is_true(date(2026, 5, 6))
    assert set(kept_rfm_cells()) == {(date(2026, 5, 6), True, True)}
    assert segments(date(2026, 5, 6))["high_value"][0] == 1

    refund_order(order=big, amount=Decimal("100.00"), manual=True)  # a refund leaves the segments alone
    assert_summary_is_true(date(2026, 5, 6))

    transition_order(order=big, action="cancel", actor=staff("agent"))
    assert_summary_is_true(date(2026, 5, 6))
    assert set(kept_rfm_cells()) == {(date(2026, 5, 4), True, False)}  # last day back to the 4th

    transition_order(order=orders[0], action="cancel", actor=staff("agent"))
    assert_summary_is_true(date(2026, 5, 6))
    assert set(kept_rfm_cells()) == {(date(2026, 5, 4), False, False)}  # two orders left: other
    assert segments(date(2026, 5, 6))["other"][0] == 1

    at(2026, 9, 1, 10, 0)  # 120 days on: at risk, from the same cells
    place_test_order({"TEA": 1}, email="b@example.com")
    assert_summary_is_true(date(2026, 9, 1))
    assert segments(date(2026, 9, 1))["at_risk"][0] == 1
    assert segments(date(2026, 9, 1))["other"][0] == 1


def test_rfm_segments_under_a_new_rule_come_from_the_summaries_until_the_cells_are_cut_again(at, tea, settings):
    for day in (2, 3):
        at(2026, 5, day, 10, 0)
        place_test_order({"TEA": 1}, email="a@example.com")
    raw_before = queries.raw_rfm_segments(date(2026, 5, 3))["segments"]
    assert queries.get_rfm_segments(date(2026, 5, 3))["segments"] == raw_before
    assert segments(date(2026, 5, 3))["other"][0] == 1

    settings.ANALYTICS_RFM_RULE = {**settings.ANALYTICS_RFM_RULE, "loyal_orders": 2}
    assert not cells_are_read()  # cut by three orders, not two
    assert segments(date(2026, 5, 3))["loyal"][0] == 1  # right all the same, from the summaries
    assert (
        queries.get_rfm_segments(date(2026, 5, 3))["segments"] == queries.raw_rfm_segments(date(2026, 5, 3))["segments"]
    )
    call_command("rebuild_analytics", "--rfm-cells", verbosity=0)
    assert cells_are_read()
    assert kept_rfm_cells() == recomputed_rfm_cells()
    assert segments(date(2026, 5, 3))["loyal"][0] == 1
