"""Importing and exporting products: native, Shopify and WooCommerce files, CSV and XLSX."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from dianpu.audit.models import AuditEntry
from dianpu.catalog.exports import export_products
from dianpu.catalog.imports import ImportRefused, import_products
from dianpu.catalog.models import Category, MarginRule, PriceHistory, Product, Variant
from dianpu.catalog.spreadsheets import write_csv
from dianpu.catalog.tasks import stock_setter
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.inventory.queries import get_on_hand_by_variant

pytestmark = pytest.mark.django_db

NATIVE_HEADER = [
    "handle",
    "name",
    "name_en",
    "category",
    "tags",
    "status",
    "sku",
    "options",
    "price",
    "sale_price",
    "member_price",
    "cost_price",
    "weight_grams",
    "stock",
]


def native_csv(rows, header=NATIVE_HEADER, encoding="utf-8") -> bytes:
    return write_csv(header, rows, bom=False).decode("utf-8").encode(encoding)


TEE_ROWS = [
    [
        "cotton-tee",
        "纯棉T恤",
        "Cotton Tee",
        "服装",
        "夏季, 新品",
        "listed",
        "TEE-S",
        "尺码:S",
        "59.00",
        "49.00",
        "55.00",
        "20.00",
        "300",
        "10",
    ],
    ["cotton-tee", "", "", "", "", "", "TEE-M", "尺码:M", "59.00", "", "", "20.00", "310", "5"],
    ["silk-scarf", "真丝围巾", "Silk Scarf", "配饰", "", "draft", "SCARF-1", "", "199", "", "", "80", "", ""],
]


def stock_of(sku: str) -> int:
    variant = Variant.objects.get(sku=sku)
    return get_on_hand_by_variant([variant.id]).get(variant.id, 0)


def run(data: bytes, **kwargs):
    kwargs.setdefault("set_stock", stock_setter(None))
    return import_products(data=data, filename=kwargs.pop("filename", "products.csv"), **kwargs)


def test_native_csv_creates_products_with_their_skus_prices_and_stock():
    report = run(native_csv(TEE_ROWS))
    assert (report.file_format, report.products_created, report.variants_created) == ("native", 2, 3)
    tee = Product.objects.get(slug="cotton-tee")
    assert (tee.name, tee.name_en, tee.status, tee.category.name, tee.min_price) == (
        "纯棉T恤",
        "Cotton Tee",
        "listed",
        "服装",
        Decimal("49.00"),
    )  # the lowest selling price: TEE-S's sale price
    assert sorted(t.name for t in tee.tags.all()) == ["夏季", "新品"]
    s = Variant.objects.get(sku="TEE-S")
    assert (s.options, s.price, s.sale_price, s.member_price, s.cost_price, s.weight_grams) == (
        {"尺码": "S"},
        Decimal("59.00"),
        Decimal("49.00"),
        Decimal("55.00"),
        Decimal("20.00"),
        300,
    )
    assert (stock_of("TEE-S"), stock_of("TEE-M")) == (10, 5)
    assert Product.objects.get(slug="silk-scarf").status == "draft"


def test_importing_the_same_file_again_changes_nothing():
    data = native_csv(TEE_ROWS)
    run(data)
    versions = dict(Product.objects.values_list("slug", "updated_at"))
    audits, history = AuditEntry.objects.count(), PriceHistory.objects.count()
    again = run(data)
    assert (
        again.products_created,
        again.products_updated,
        again.variants_created,
        again.variants_updated,
        again.variants_unchanged,
        again.stock_rows,
    ) == (0, 0, 0, 0, 3, 0)
    assert dict(Product.objects.values_list("slug", "updated_at")) == versions
    assert (AuditEntry.objects.count(), PriceHistory.objects.count()) == (audits, history)


def test_stock_columns_write_one_ledger_row_per_changed_sku_named_after_the_file():
    from dianpu.inventory.models import StockMove

    run(native_csv(TEE_ROWS), filename="tees.csv")
    assert sorted(
        StockMove.objects.filter(kind="adjustment").values_list("variant__sku", "on_hand_delta", "reason")
    ) == [("TEE-M", 5, "import tees.csv"), ("TEE-S", 10, "import tees.csv")]
    moves = StockMove.objects.count()
    rows = [row[:] for row in TEE_ROWS]
    rows[1][-1] = "8"
    report = run(native_csv(rows), filename="recount.csv")
    assert (report.stock_rows, stock_of("TEE-S"), stock_of("TEE-M")) == (1, 10, 8)
    assert list(StockMove.objects.order_by("pk").values_list("variant__sku", "on_hand_delta", "reason")[moves:]) == [
        ("TEE-M", 3, "import recount.csv")
    ]


def test_stock_below_what_orders_hold_refuses_the_whole_file_naming_line_and_sku():
    from dianpu.inventory.models import StockMove
    from dianpu.inventory.services import reserve_stock

    run(native_csv(TEE_ROWS))
    reserve_stock(reference="DP9", wanted={Variant.objects.get(sku="TEE-M").id: 4})
    rows = [row[:] for row in TEE_ROWS]
    rows[0][8], rows[0][-1], rows[1][-1] = "69.00", "12", "3"  # a price change, stock up, stock below the 4 held
    moves, audits = StockMove.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ImportRefused) as refused:
        run(native_csv(rows))
    errors = refused.value.report.errors
    assert [(e["line"], e["column"], e["code"], e["value"]) for e in errors] == [
        (3, "stock", "stock_below_reserved", "3")
    ]
    assert "TEE-M" in errors[0]["reason"]
    assert (Variant.objects.get(sku="TEE-S").price, stock_of("TEE-S"), stock_of("TEE-M")) == (Decimal("59.00"), 10, 5)
    assert (StockMove.objects.count(), AuditEntry.objects.count()) == (moves, audits)


def test_a_changed_price_is_updated_with_its_price_history():
    run(native_csv(TEE_ROWS))
    rows = [list(r) for r in TEE_ROWS]
    rows[1][8] = "69.00"
    report = run(native_csv(rows))
    assert (report.variants_updated, report.variants_unchanged) == (1, 2)
    assert Variant.objects.get(sku="TEE-M").price == Decimal("69.00")
    entry = PriceHistory.objects.get()
    assert (entry.variant.sku, entry.kind, entry.old_amount, entry.new_amount, entry.source) == (
        "TEE-M",
        "price",
        Decimal("59.00"),
        Decimal("69.00"),
        "import",
    )


def test_a_file_with_bad_rows_is_refused_whole_naming_line_and_column():
    rows = [list(r) for r in TEE_ROWS]
    rows[1][8] = "abc"
    rows[2][8] = "-5"
    with pytest.raises(ImportRefused) as refused:
        run(native_csv(rows))
    assert [(e["line"], e["column"], e["code"]) for e in refused.value.report.errors] == [
        (3, "price", "price_not_number"),
        (4, "price", "price_negative"),
    ]
    assert refused.value.report.errors[0]["reason"] == "价格不是数字"
    assert Product.objects.count() == 0 and Variant.objects.count() == 0 and Category.objects.count() == 0


def test_with_skip_bad_rows_the_good_rows_are_imported_and_the_bad_reported():
    rows = [list(r) for r in TEE_ROWS]
    rows[2][8] = "-5"
    report = run(native_csv(rows), skip_bad_rows=True)
    assert (report.products_created, report.variants_created, report.rows_skipped) == (1, 2, 1)
    assert [(e["line"], e["column"]) for e in report.errors] == [(4, "price")]
    assert not Product.objects.filter(slug="silk-scarf").exists()


def test_a_sku_twice_in_one_file_or_owned_by_another_product_is_a_clash():
    make_product(name="旧商品", name_en="Old", skus=["SCARF-1"])
    rows = [list(r) for r in TEE_ROWS] + [
        ["cotton-tee", "", "", "", "", "", "TEE-S", "尺码:XL", "59", "", "", "", "", ""]
    ]
    rows[2][0] = "cotton-tee"  # SCARF-1 now claimed by the tee
    with pytest.raises(ImportRefused) as refused:
        run(native_csv(rows))
    assert sorted((e["line"], e["code"]) for e in refused.value.report.errors) == [
        (4, "sku_other_product"),
        (5, "sku_duplicated_in_file"),
    ]
    assert Variant.objects.count() == 1


def test_dry_run_reports_what_would_change_and_writes_nothing():
    report = run(native_csv(TEE_ROWS), dry_run=True)
    assert (report.products_created, report.variants_created, report.dry_run) == (2, 3, True)
    assert Product.objects.count() == 0 and Category.objects.count() == 0


def test_a_gbk_csv_is_detected_and_read():
    report = run(native_csv(TEE_ROWS, encoding="gbk"))
    assert report.encoding == "gbk"
    assert Product.objects.get(slug="cotton-tee").name == "纯棉T恤"


def xlsx_bytes(rows, merge: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_xlsx_file_is_imported():
    rows = [NATIVE_HEADER, ["tea", "龙井", "Longjing", "茶", "", "listed", "TEA-1", "", 88.5, None, None, 30, 250, 7]]
    report = run(xlsx_bytes(rows), filename="p.xlsx")
    assert report.variants_created == 1
    tea = Variant.objects.get(sku="TEA-1")
    assert (tea.price, tea.cost_price, tea.weight_grams, stock_of("TEA-1")) == (
        Decimal("88.50"),
        Decimal("30.00"),
        250,
        7,
    )


def test_an_xlsx_with_merged_header_cells_is_refused_with_the_cells_named():
    rows = [NATIVE_HEADER, ["tea", "龙井", "", "", "", "", "TEA-1", "", "88", "", "", "", "", ""]]
    with pytest.raises(DomainError) as error:
        run(xlsx_bytes(rows, merge="A1:B1"), filename="p.xlsx")
    assert error.value.code == "header_merged"
    assert "A1:B1" in str(error.value.detail)
    assert Product.objects.count() == 0


@pytest.mark.parametrize(
    "data, filename",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv"),
        (b"not a zip at all", "products.xlsx"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused(data, filename):
    with pytest.raises(DomainError) as error:
        run(data, filename=filename)
    assert error.value.code == "file_kind"
    assert str(error.value.detail) == "文件类型不对：请上传 CSV 或 XLSX 文件。"


def test_an_unknown_header_is_refused():
    with pytest.raises(DomainError) as error:
        run(b"foo,bar\n1,2\n")
    assert error.value.code == "format_unknown"


def test_a_price_below_the_floor_is_refused_in_an_import():
    MarginRule.objects.create(category=None, min_margin_percent=Decimal("50"))
    rows = [list(r) for r in TEE_ROWS[:1]]
    rows[0][8] = "29.99"  # cost 20 x 1.5 = 30
    rows[0][9] = ""
    rows[0][10] = ""
    with pytest.raises(ImportRefused) as refused:
        run(native_csv(rows))
    assert [(e["line"], e["column"], e["code"]) for e in refused.value.report.errors] == [(2, "price", "below_floor")]


SHOPIFY = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,"
    "Variant SKU,Variant Grams,Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,Image Alt Text,"
    "SEO Title,SEO Description,Status\n"
    'linen-shirt,Linen Shirt,<p>Cool <b>linen</b></p>,Dianpu,Shirts,"summer, linen",TRUE,Color,White,Size,M,'
    "LS-W-M,250,4,129.00,159.00,https://cdn.example.com/ls.jpg,A white linen shirt,Linen shirt,Breathable linen,active\n"
    "linen-shirt,,,,,,,,White,,L,LS-W-L,260,2,129.00,159.00,,,,,\n"
    "linen-shirt,,,,,,,,,,,,,,,,https://cdn.example.com/ls-2.jpg,Back view,,,\n"
)


def test_a_shopify_product_csv_is_imported_with_options_and_seo():
    report = run(SHOPIFY.encode())
    assert (report.file_format, report.products_created, report.variants_created) == ("shopify", 1, 2)
    shirt = Product.objects.get(slug="linen-shirt")
    assert (shirt.name, shirt.brand, shirt.category.name, shirt.status, shirt.seo_title, shirt.description) == (
        "Linen Shirt",
        "Dianpu",
        "Shirts",
        "listed",
        "Linen shirt",
        "<p>Cool <b>linen</b></p>",
    )
    large = Variant.objects.get(sku="LS-W-L")
    assert (large.options, large.price, large.compare_at_price, large.weight_grams, stock_of("LS-W-L")) == (
        {"Color": "White", "Size": "L"},
        Decimal("129.00"),
        Decimal("159.00"),
        260,
        2,
    )


@pytest.mark.parametrize("file_format", ["native", "shopify", "woocommerce"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_imports_back_without_changing_anything(file_format, kind):
    run(native_csv(TEE_ROWS))
    data = export_products(file_format, kind)
    report = run(data, filename=f"export.{kind}", file_format=file_format)
    assert (
        report.products_created,
        report.products_updated,
        report.variants_created,
        report.variants_updated,
        report.variants_unchanged,
    ) == (0, 0, 0, 0, 3)


@pytest.mark.parametrize("file_format", ["native", "shopify", "woocommerce"])
def test_an_export_imports_into_an_empty_shop_as_the_same_catalogue(file_format):
    run(native_csv(TEE_ROWS))
    data = export_products(file_format, "csv", stock_by_variant=lambda ids: get_on_hand_by_variant(ids))
    Product.objects.all().delete()
    report = run(data, file_format="auto")
    assert (report.file_format, report.products_created, report.variants_created) == (file_format, 2, 3)
    tee = Variant.objects.get(sku="TEE-S")
    assert (tee.price, tee.options, stock_of("TEE-S")) == (Decimal("59.00"), {"尺码": "S"}, 10)
    assert tee.product.name == "纯棉T恤"


WOO = (
    "ID,Type,SKU,Name,Published,Short description,Description,Sale price,Regular price,Categories,Tags,Images,"
    "Parent,Weight (kg),Stock,Attribute 1 name,Attribute 1 value(s)\n"
    '11,variable,HOODIE,Hoodie,1,,<p>Warm</p>,,,Clothing > Hoodies,winter,https://x/h.jpg,,,,Color,"Blue, Red"\n'
    ",variation,HOODIE-BLUE,Hoodie - Blue,1,,,35,45,,,,HOODIE,0.5,3,Color,Blue\n"
    ",variation,HOODIE-RED,Hoodie - Red,1,,,,45,,,,id:11,0.5,,Color,Red\n"
    ",simple,CAP-1,Cap,0,,<p>Cap</p>,,18,Accessories,,,,0.1,9,,\n"
)


def test_a_woocommerce_product_csv_is_imported():
    report = run(WOO.encode())
    assert (report.file_format, report.products_created, report.variants_created) == ("woocommerce", 2, 3)
    blue = Variant.objects.get(sku="HOODIE-BLUE")
    assert (
        blue.product.name,
        blue.options,
        blue.price,
        blue.sale_price,
        blue.weight_grams,
        stock_of("HOODIE-BLUE"),
    ) == ("Hoodie", {"Color": "Blue"}, Decimal("45.00"), Decimal("35.00"), 500, 3)
    assert Variant.objects.get(sku="HOODIE-RED").product_id == blue.product_id
    assert blue.product.category.name == "Hoodies"
    assert Product.objects.get(variants__sku="CAP-1").status == "draft"


def test_the_command_imports_and_reports(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_bytes(native_csv(TEE_ROWS))
    call_command("import_products", str(path), "--dry-run", verbosity=0)
    assert Product.objects.count() == 0
    call_command("import_products", str(path), "--format", "native", verbosity=0)
    assert Variant.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(native_csv([TEE_ROWS[0][:8] + ["x"] + TEE_ROWS[0][9:]]))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_products", str(bad), verbosity=0)
    assert "line 2, column price" in capsys.readouterr().err


@pytest.mark.parametrize("after_plan", [1, 2], ids=["between-check-and-write", "between-plan-and-insert"])
def test_an_import_that_collides_with_a_concurrent_change_writes_nothing(monkeypatch, after_plan):
    """Another writer creates one of the file's SKUs after the file was checked (plan 1, the first
    pass) or after its chunk was planned for writing (plan 2, the second pass)."""
    from dianpu.catalog import imports

    real_plan = imports._plan
    calls = []

    def plan_then_someone_else_writes(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        calls.append(1)
        if len(calls) == after_plan:
            make_product(name="抢先", name_en="First", skus=["TEE-M"])
        return plan

    monkeypatch.setattr(imports, "_plan", plan_then_someone_else_writes)
    with pytest.raises(DomainError) as error:
        run(native_csv(TEE_ROWS))
    assert error.value.code == "import_conflict"
    # (the second plan runs inside the file's transaction, so this test's "other writer" is rolled back with it)
    assert sorted(Variant.objects.values_list("sku", flat=True)) == (["TEE-M"] if after_plan == 1 else [])
    assert not Product.objects.filter(slug__in=["cotton-tee", "silk-scarf"]).exists()


def test_the_export_command_writes_a_file_that_imports_back_unchanged(tmp_path):
    run(native_csv(TEE_ROWS))
    target = tmp_path / "shop.xlsx"
    call_command("export_products", str(target), "--format", "shopify", verbosity=0)
    report = run(target.read_bytes(), filename="shop.xlsx")
    assert (report.file_format, report.variants_unchanged, report.variants_updated, report.stock_rows) == (
        "shopify",
        3,
        0,
        0,
    )


def test_excels_unicode_text_utf16_with_tabs_is_read():
    text = "\t".join(NATIVE_HEADER) + "\r\n" + "\t".join(TEE_ROWS[2]) + "\r\n"
    report = run(text.encode("utf-16"), filename="products.txt")
    assert (report.encoding, report.variants_created) == ("utf-16", 1)
    assert Product.objects.get().name == "真丝围巾"


def test_skipping_a_products_only_row_leaves_that_product_alone():
    run(native_csv(TEE_ROWS))
    rows = [list(r) for r in TEE_ROWS]
    rows[2][1] = "改名的围巾"
    rows[2][8] = "-1"  # the scarf's only row is bad
    report = run(native_csv(rows), skip_bad_rows=True)
    assert (report.products_updated, report.rows_skipped) == (0, 1)
    assert Product.objects.get(slug="silk-scarf").name == "真丝围巾"


def test_the_fast_xlsx_reader_reads_what_openpyxl_reads():
    from dianpu.catalog.spreadsheets import _read_xlsx_with_openpyxl, read_table

    data = xlsx_bytes(
        [
            ["handle", "sku", "price", "flag", "note"],
            ["a", "A-1", 59.9, True, None],
            ["b", None, 12, False, "x"],
            [None, None, None, None, None],
            ["c", "C-1", "7.50", None, "末尾"],
        ]
    )
    fast, slow = read_table(data, "p.xlsx"), _read_xlsx_with_openpyxl(data)
    fast_rows, slow_rows = list(fast.rows), list(slow.rows)
    assert (fast.header, fast_rows) == (slow.header, slow_rows)
    assert fast_rows[0] == (2, ["a", "A-1", "59.9", "TRUE", ""])
