"""Importing a file in chunks: bounded memory, and the same promises as a file read whole."""

import pytest
from django.db import transaction

from dianpu.catalog import imports
from dianpu.catalog.imports import ImportRefused
from dianpu.catalog.models import Product, Variant
from dianpu.catalog.tests.builders import make_product
from dianpu.catalog.tests.test_imports import NATIVE_HEADER, native_csv, run, stock_of

pytestmark = pytest.mark.django_db

SHOPIFY_HEADER = ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price"]


def tee_rows(products: int, sizes: tuple[str, ...] = ("S", "M")) -> list[list[str]]:
    rows = []
    for p in range(products):
        for i, size in enumerate(sizes):
            first = i == 0
            rows.append(
                [
                    f"tee-{p}",
                    f"纯棉T恤 {p} 号" if first else "",
                    f"Cotton tee {p}" if first else "",
                    ("服装" if p % 2 else "新品类") if first else "",
                    "夏季, 新品" if first else "",
                    "listed" if first else "",
                    f"TEE-{p}-{size}",
                    f"尺码:{size}",
                    f"{59 + p}.00",
                    "",
                    "",
                    "20.00",
                    "300",
                    str(p + i),
                ]
            )
    return rows


def catalogue() -> dict:
    """What a shopper and the staff see of the catalogue, by slug and SKU (no ids)."""
    products = {
        p.slug: (
            p.name,
            p.name_en,
            p.status,
            p.category.name if p.category else "",
            p.min_price,
            sorted(t.name for t in p.tags.all()),
            p.search_document,
            p.search_title,
        )
        for p in Product.objects.select_related("category").prefetch_related("tags")
    }
    variants = {
        v.sku: (v.product.slug, v.price, v.cost_price, v.options, v.position, stock_of(v.sku))
        for v in Variant.objects.select_related("product")
    }
    return {"products": products, "variants": variants}


@pytest.fixture
def chunk_of(monkeypatch):
    def set_chunk(size: int) -> None:
        monkeypatch.setattr(imports, "CHUNK", size)

    return set_chunk


@pytest.fixture
def planned_chunks(monkeypatch):
    """The number of rows of every chunk the planner was given (the seam that shows the file is
    never planned whole)."""
    sizes: list[int] = []
    real_plan = imports._plan

    def recording_plan(rows, *args, **kwargs):
        sizes.append(len(rows))
        return real_plan(rows, *args, **kwargs)

    monkeypatch.setattr(imports, "_plan", recording_plan)
    return sizes


def test_the_planner_never_holds_more_than_one_chunk_of_the_file(chunk_of, planned_chunks):
    chunk_of(6)
    report = run(native_csv(tee_rows(20)))  # 40 rows, products of 2 rows
    assert (report.products_created, report.variants_created) == (20, 40)
    # both passes read the file in chunks: at most the chunk size plus the rest of a product's rows
    assert len(planned_chunks) >= 2 * (40 // 7) and max(planned_chunks) <= 6 + 1
    assert sum(planned_chunks) == 2 * 40


def test_a_bad_row_in_the_last_chunk_refuses_the_whole_file(chunk_of):
    chunk_of(5)
    rows = tee_rows(15)
    rows[-1][8] = "abc"  # the price of the very last row
    with pytest.raises(ImportRefused) as refused:
        run(native_csv(rows))
    assert [(e["line"], e["column"], e["code"]) for e in refused.value.report.errors] == [
        (31, "price", "price_not_number")
    ]
    assert (Product.objects.count(), Variant.objects.count()) == (0, 0)


def test_a_duplicated_sku_in_a_later_chunk_is_found(chunk_of):
    chunk_of(4)
    rows = tee_rows(10)
    rows[-1][6] = "TEE-0-S"
    with pytest.raises(ImportRefused) as refused:
        run(native_csv(rows))
    assert [(e["line"], e["code"]) for e in refused.value.report.errors] == [(21, "sku_duplicated_in_file")]
    assert Product.objects.count() == 0


def test_skipping_bad_rows_in_chunks_writes_the_good_ones(chunk_of):
    chunk_of(4)
    rows = tee_rows(10)
    rows[3][8] = "abc"  # tee-1's second SKU
    rows[-1][8] = "-5"  # tee-9's second SKU
    report = run(native_csv(rows), skip_bad_rows=True)
    assert (report.products_created, report.variants_created, report.rows_skipped) == (10, 18, 2)
    assert not Variant.objects.filter(sku__in=["TEE-1-M", "TEE-9-M"]).exists()
    assert Variant.objects.count() == 18


def import_and_look(data: bytes, size: int, monkeypatch) -> tuple[dict, dict]:
    """Import with chunks of `size` rows, look at the result, and roll it back."""
    monkeypatch.setattr(imports, "CHUNK", size)
    sid = transaction.savepoint()
    report = run(data).as_dict()
    seen = catalogue()
    transaction.savepoint_rollback(sid)
    return report, seen


def test_an_import_in_many_chunks_writes_what_one_chunk_writes(monkeypatch):
    old = make_product(name="老款", name_en="Old tee", skus=["TEE-3-S"])  # an existing product the file updates
    Product.objects.filter(pk=old.pk).update(slug="tee-3")
    rows = tee_rows(12, sizes=("S", "M", "L"))
    # a product whose rows the file splits: its last SKU comes at the end, after other products
    rows.append(["tee-0", "", "", "", "", "", "TEE-0-XL", "尺码:XL", "70.00", "", "", "20.00", "300", "4"])
    data = native_csv(rows)
    whole = import_and_look(data, 10_000, monkeypatch)
    chunked = import_and_look(data, 4, monkeypatch)
    assert chunked[0] == whole[0]
    for part in ("products", "variants"):
        one, many = whole[1][part], chunked[1][part]
        assert {k: (one.get(k), many.get(k)) for k in one.keys() | many.keys() if one.get(k) != many.get(k)} == {}
    report, seen = chunked
    assert (report["products_created"], report["products_updated"], report["variants_created"]) == (11, 1, 36)
    assert seen["variants"]["TEE-0-XL"][0] == "tee-0" and seen["products"]["tee-0"][4] == 59


def test_a_shopify_file_in_chunks_keeps_each_products_title_and_option_names(chunk_of):
    chunk_of(3)
    rows = []
    for p in range(6):
        for i, colour in enumerate(("Red", "Blue")):
            rows.append(
                [f"shirt-{p}", f"Linen shirt {p}" if i == 0 else "", "Dianpu", "Shirts", "Color" if i == 0 else ""]
                + [colour, f"SH-{p}-{colour}", "129.00"]
            )
    rows.append(["shirt-0", "", "", "", "", "Green", "SH-0-Green", "129.00"])  # split from its product
    report = run(native_csv(rows, header=SHOPIFY_HEADER))
    assert (report.file_format, report.products_created, report.variants_created) == ("shopify", 6, 13)
    green = Variant.objects.select_related("product").get(sku="SH-0-Green")
    assert (green.product.slug, green.product.name, green.options) == ("shirt-0", "Linen shirt 0", {"Color": "Green"})


def test_stock_below_what_orders_hold_in_a_later_chunk_refuses_the_whole_file(chunk_of):
    from dianpu.inventory.services import reserve_stock

    rows = tee_rows(6)
    run(native_csv(rows))
    variant = Variant.objects.get(sku="TEE-5-M")
    reserve_stock(reference="DP1", wanted={variant.id: 3})
    chunk_of(4)
    rows = [row[:] for row in rows]
    rows[0][-1] = "50"
    rows[-1][-1] = "1"  # below the 3 an order holds
    with pytest.raises(ImportRefused) as refused:
        run(native_csv(rows))
    assert [(e["line"], e["code"]) for e in refused.value.report.errors] == [(13, "stock_below_reserved")]
    assert (stock_of("TEE-0-S"), stock_of("TEE-5-M")) == (0, 6)


def test_imported_products_are_found_by_the_same_words_as_products_saved_in_the_console():
    """The import builds min price and search text its own (faster) way: they must be exactly what
    the catalogue's one definition (refresh_derived_fields, run on every console edit) computes."""
    from dianpu.catalog.services import refresh_derived_fields

    header = [*NATIVE_HEADER, "brand", "description", "description_en"]
    rows = [
        [*row, "店铺" if row[1] else "", "<p>舒适透气的纯棉T恤。" + "长" * 600 + "</p>" if row[1] else "", ""]
        for row in tee_rows(4)
    ]
    rows[0][-1] = "<p>Soft <b>cotton</b> tee</p>"
    run(native_csv(rows, header=header))
    imported = {p.slug: (p.min_price, p.search_document, p.search_title) for p in Product.objects.all()}
    for product in Product.objects.select_related("category"):
        refresh_derived_fields(product)
    recomputed = {p.slug: (p.min_price, p.search_document, p.search_title) for p in Product.objects.all()}
    assert imported == recomputed
    assert " 店铺 " in imported["tee-0"][2] and " cotton " in imported["tee-0"][1]
