"""Listing work: scheduled listing, bulk actions with preview, compliance and SEO audit, duplication."""

from datetime import timedelta
from decimal import Decimal

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog import bulk, queries, services
from dianpu.catalog.domain.compliance import find_banned_words
from dianpu.catalog.models import PriceHistory, Product, Variant
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.core import clock
from dianpu.core.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db


def test_the_worker_lists_and_delists_products_at_their_scheduled_times():
    now = clock.now()
    soon = make_product(status=Product.Status.DRAFT)
    later = make_product(status=Product.Status.DRAFT)
    ending = make_product(status=Product.Status.LISTED)
    services.update_product(actor=None, product=soon, changes={"scheduled_list_at": now - timedelta(minutes=1)})
    services.update_product(actor=None, product=later, changes={"scheduled_list_at": now + timedelta(hours=1)})
    services.update_product(actor=None, product=ending, changes={"scheduled_delist_at": now - timedelta(seconds=1)})
    assert services.apply_scheduled_listings(now) == {"listed": 1, "delisted": 1}
    statuses = {p.pk: (p.status, p.scheduled_list_at) for p in Product.objects.all()}
    assert statuses[soon.pk] == ("listed", None)
    assert statuses[later.pk][0] == "draft"
    assert statuses[ending.pk] == ("delisted", None)
    assert services.apply_scheduled_listings(now) == {"listed": 0, "delisted": 0}  # safe to run twice


def test_a_delisting_time_before_the_listing_time_is_refused():
    now = clock.now()
    product = make_product(status=Product.Status.DRAFT)
    with pytest.raises(DomainError) as error:
        services.update_product(
            actor=None,
            product=product,
            changes={"scheduled_list_at": now + timedelta(hours=2), "scheduled_delist_at": now + timedelta(hours=1)},
        )
    assert error.value.code == "schedule_invalid"
    product.refresh_from_db()
    assert (product.scheduled_list_at, product.version) == (None, 1)


def test_bulk_price_change_by_percent_previews_old_to_new_and_then_applies_it():
    cat = make_category()
    a = make_product(skus=["A-1", "A-2"], price="100.00", cost_price="10.00", category=cat)
    make_product(skus=["B-1"], price="59.90", cost_price="10.00", category=cat)
    make_product(skus=["C-1"], price="10.00", category=make_category())  # not selected
    selection = queries.select_products(category=cat)
    action = bulk.parse_bulk_action("change_price", mode="percent", value="-10")
    preview = bulk.preview_bulk_action(selection, action)
    assert [(r.sku, r.old, r.new) for r in preview] == [
        ("A-1", "100.00", "90.00"),
        ("A-2", "100.00", "90.00"),
        ("B-1", "59.90", "53.91"),
    ]
    assert Variant.objects.get(sku="A-1").price == Decimal("100.00")  # preview writes nothing
    assert bulk.apply_bulk_action(actor=None, selection=selection, action=action, reason="双十一") == 2
    assert dict(Variant.objects.values_list("sku", "price")) == {
        "A-1": Decimal("90.00"),
        "A-2": Decimal("90.00"),
        "B-1": Decimal("53.91"),
        "C-1": Decimal("10.00"),
    }
    assert PriceHistory.objects.filter(variant__product=a).count() == 2


def test_a_bulk_price_change_below_the_floor_is_refused_whole_unless_overridden():
    services.set_margin_rule(actor=None, category=None, min_margin_percent="100")
    make_product(skus=["A-1"], price="100.00", cost_price="10.00")
    make_product(skus=["B-1"], price="30.00", cost_price="20.00")  # floor 40 -> 25 is below
    action = bulk.parse_bulk_action("change_price", mode="amount", value="-5")
    selection = queries.select_products()
    assert [r.below_floor for r in bulk.preview_bulk_action(selection, action)] == [False, True]
    with pytest.raises(DomainError) as error:
        bulk.apply_bulk_action(actor=None, selection=selection, action=action)
    assert error.value.code == "below_floor"
    assert dict(Variant.objects.values_list("sku", "price")) == {"A-1": Decimal("100.00"), "B-1": Decimal("30.00")}
    bulk.apply_bulk_action(actor=None, selection=selection, action=action, override_floor=True, reason="清仓")
    assert dict(Variant.objects.values_list("sku", "price")) == {"A-1": Decimal("95.00"), "B-1": Decimal("25.00")}
    assert AuditEntry.objects.filter(action="price.floor_overridden", reason="清仓").count() == 1


def test_bulk_list_move_category_and_add_tag():
    a = make_product(status=Product.Status.DRAFT, tags=["夏季"])
    b = make_product(status=Product.Status.DRAFT)
    selection = queries.select_products(slugs=[a.slug, b.slug])
    bulk.apply_bulk_action(actor=None, selection=selection, action=bulk.parse_bulk_action("list"))
    tea = make_category(name="茶叶")
    bulk.apply_bulk_action(
        actor=None, selection=selection, action=bulk.parse_bulk_action("move_category", category=tea)
    )
    bulk.apply_bulk_action(actor=None, selection=selection, action=bulk.parse_bulk_action("add_tag", tag="新品"))
    for p in Product.objects.all():
        assert (p.status, p.category_id) == ("listed", tea.pk)
    assert sorted(Product.objects.get(pk=a.pk).tags.values_list("name", flat=True)) == ["夏季", "新品"]


def test_a_bulk_action_on_an_empty_selection_is_refused():
    with pytest.raises(DomainError) as error:
        bulk.preview_bulk_action(queries.select_products(status="listed"), bulk.parse_bulk_action("delist"))
    assert error.value.code == "bulk_empty"


def test_a_later_save_of_an_older_version_is_refused():
    product = make_product(price="59.00", skus=["V-1"])
    services.update_product(actor=None, product=product, changes={"name": "甲"}, expected_version=1)
    with pytest.raises(ConflictError):
        services.update_product(actor=None, product=product, changes={"name": "乙"}, expected_version=1)
    assert Product.objects.get(pk=product.pk).name == "甲"


def test_advertising_law_terms_are_found_with_their_reasons():
    findings = find_banned_words(
        {"name": "全网第一 最佳口感 顶级龙井", "description": "最近上新"}, {"山寨": "侵权风险"}
    )
    assert [(f.field, f.word, f.source) for f in findings] == [
        ("name", "最佳", "law"),
        ("name", "第一", "law"),
        ("name", "顶级", "law"),
    ]
    assert findings[0].reason_en.startswith("'best'")
    shop = find_banned_words({"name": "山寨款"}, {"山寨": "侵权风险"})
    assert [(f.word, f.reason_zh, f.source) for f in shop] == [("山寨", "侵权风险", "shop")]


def test_the_bulk_list_preview_shows_the_compliance_findings():
    services.add_banned_word(actor=None, word="特供", reason="涉嫌虚假宣传")
    product = make_product(name="国家级特供茶", status=Product.Status.DRAFT)
    [row] = bulk.preview_bulk_action(queries.select_products(slugs=[product.slug]), bulk.parse_bulk_action("list"))
    assert sorted(f.word for f in row.findings) == ["国家级", "特供"]


def test_the_seo_audit_names_each_problem():
    make_product(name="纯棉T恤", name_en="Tee", description="<p>短</p>")
    make_product(name="纯棉T恤", name_en="Tee")
    rows = queries.get_catalog_audit()
    codes = {c for r in rows for c in (i.code for i in r.seo_issues)}
    assert {"title_missing", "title_duplicate", "meta_missing", "description_thin"} <= codes


def test_a_duplicate_is_a_draft_with_new_skus_and_the_same_prices():
    product = make_product(skus=["D-1", "D-2"], price="88.00", tags=["茶"])
    copy = services.duplicate_product(actor=None, product=product)
    assert (copy.status, copy.name, sorted(copy.variants.values_list("sku", flat=True))) == (
        "draft",
        product.name,
        ["D-1-COPY", "D-2-COPY"],
    )
    assert list(copy.tags.values_list("name", flat=True)) == ["茶"]
    assert set(copy.variants.values_list("price", flat=True)) == {Decimal("88.00")}


def test_applying_a_bulk_change_after_the_products_changed_is_refused():
    product = make_product(skus=["A-1"], price="100.00")
    selection = queries.select_products()
    action = bulk.parse_bulk_action("change_price", mode="percent", value="-10")
    token = bulk.preview_token(bulk.preview_bulk_action(selection, action))  # shows 100.00 -> 90.00
    services.update_product(actor=None, product=product, variant_changes={"A-1": {"price": "120.00"}})
    with pytest.raises(ConflictError) as error:
        bulk.apply_bulk_action(actor=None, selection=selection, action=action, expected_token=token)
    assert error.value.code == "bulk_changed"
    assert Variant.objects.get(sku="A-1").price == Decimal("120.00")
