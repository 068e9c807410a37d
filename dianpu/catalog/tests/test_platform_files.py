"""Files from Shopify and WooCommerce themselves import unedited: `dianpu import-products FILE`
succeeds on each, as it is and as a Chinese spreadsheet saves it again (GBK, CRLF); what cannot
be imported is said per row as a warning, never by refusing the file."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from dianpu.catalog.imports import import_products
from dianpu.catalog.models import Product, Variant
from dianpu.inventory.queries import get_on_hand_by_variant

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SHOPIFY = DATA / "shopify-product-template.csv"
WOO = DATA / "woocommerce-sample-products.csv"


def resaved_by_a_chinese_spreadsheet(path: Path, tmp_path: Path, *, retitle: tuple[str, str]) -> Path:
    """The same file saved again by WPS / Excel in a Chinese Windows: GBK, CRLF line ends (and a
    Chinese title, so the encoding matters)."""
    text = path.read_text(encoding="utf-8").replace(*retitle)
    target = tmp_path / f"gbk-{path.name}"
    target.write_bytes(text.replace("\r\n", "\n").replace("\n", "\r\n").encode("gbk"))
    return target


def run_command(path: Path, capsys) -> tuple[str, str]:
    capsys.readouterr()
    call_command("import_products", str(path), verbosity=1)  # a CommandError would be exit status 1
    out = capsys.readouterr()
    return out.out, out.err


def variant(sku: str) -> Variant:
    return Variant.objects.select_related("product").get(sku=sku)


@pytest.mark.parametrize("gbk", [False, True], ids=["as-downloaded", "gbk-crlf"])
def test_shopifys_own_template_imports_unedited(gbk, tmp_path, capsys):
    path = (
        resaved_by_a_chinese_spreadsheet(SHOPIFY, tmp_path, retitle=("Example T-Shirt,", "示例T恤,"))
        if gbk
        else SHOPIFY
    )
    out, err = run_command(path, capsys)
    assert "shopify: 新建商品 3 个，更新商品 0 个；新建 SKU 16 个，更新 SKU 0 个，未变 0 个；跳过 0 行。" in out
    assert Product.objects.get(slug="example-shirt").name == ("示例T恤" if gbk else "Example T-Shirt")
    jeans = variant("PNT_DEN_285")
    # Decimal grams (8 oz = 226.796185 g) are rounded to whole grams.
    assert (jeans.weight_grams, variant("PNT_DEN_305").weight_grams, variant("PNT_DEN_405").weight_grams) == (
        227,
        283,
        397,
    )
    assert (jeans.price, jeans.compare_at_price, jeans.cost_price, jeans.options) == (
        Decimal("95.00"),
        Decimal("64.95"),
        Decimal("50.00"),
        {"Size": "28"},
    )
    assert (jeans.product.status, variant("HAT_GRY_275").product.status, variant("SRT_COT_111").product.status) == (
        "draft",
        "delisted",
        "listed",
    )
    assert variant("SRT_COT_111").options == {"Color": "Green", "Size": "S"}
    assert variant("HAT_GRY_275").options == {}  # Shopify's "Title: Default Title" is no option
    assert get_on_hand_by_variant([jeans.pk]) == {jeans.pk: 20}
    # Barcodes a spreadsheet rounded (3.65275E+11) are not kept: a warning per row says so.
    assert set(Variant.objects.values_list("barcode", flat=True)) == {""}
    barcode_warnings = [line for line in err.splitlines() if "Variant Barcode" in line]
    assert len(barcode_warnings) == 16
    assert barcode_warnings[0] == (
        "warning: line 2, column Variant Barcode: 条码被电子表格改成了科学计数法，原数字已丢失："
        "此 SKU 未导入条码，请在商品页补填 (3.65275E+11)"
    )
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warnings[0].startswith("warning: line 1: 这些列不会导入 (Product Category, Published, ")
    # Importing the same file again writes nothing.
    out, _err = run_command(path, capsys)
    assert "新建 SKU 0 个，更新 SKU 0 个，未变 16 个" in out


@pytest.mark.parametrize("gbk", [False, True], ids=["as-downloaded", "gbk-crlf"])
def test_woocommerces_sample_catalogue_imports_unedited(gbk, tmp_path, capsys):
    path = resaved_by_a_chinese_spreadsheet(WOO, tmp_path, retitle=(",Hoodie,", ",连帽卫衣,")) if gbk else WOO
    out, err = run_command(path, capsys)
    assert "woocommerce: 新建商品 10 个，更新商品 0 个；新建 SKU 15 个，更新 SKU 0 个，未变 0 个；跳过 0 行。" in out
    # Grouped and external products cannot be sold here: left out, each said on its own line.
    assert (
        "warning: line 18, column Type: 组合商品（grouped）本身不能购买，未导入；其中的商品按各自的行导入 (Logo Collection)"
        in err
    )
    assert "warning: line 19, column Type: 外部商品（external）在其他网站出售，未导入 (WordPress Pennant)" in err
    assert not Product.objects.filter(name__in=["Logo Collection", "WordPress Pennant"]).exists()
    # Variations join their variable product (Parent is its SKU) and share its weight in lbs.
    hoodie = variant("woo-hoodie-red")
    assert hoodie.product.name == ("连帽卫衣" if gbk else "Hoodie")
    assert sorted(hoodie.product.variants.values_list("sku", flat=True)) == [
        "woo-hoodie-blue",
        "woo-hoodie-blue-logo",
        "woo-hoodie-green",
        "woo-hoodie-red",
    ]
    assert (hoodie.price, hoodie.sale_price, hoodie.weight_grams, hoodie.options) == (
        Decimal("45.00"),
        Decimal("42.00"),
        680,
        {"Color": "Red", "Logo": "No"},
    )  # 1.5 lbs
    belt = variant("woo-belt")
    assert (belt.price, belt.sale_price, belt.weight_grams) == (Decimal("65.00"), Decimal("55.00"), 544)  # 1.2 lbs
    assert variant("woo-album").product.name == "Album"  # "simple, downloadable, virtual"
    assert variant("woo-vneck-tee-blue").product.category.name == "Tshirts"
    assert "T-Shirt" in variant("woo-tshirt").product.name
    out, _err = run_command(path, capsys)
    assert "新建 SKU 0 个，更新 SKU 0 个，未变 15 个" in out


def test_the_report_carries_the_warnings_for_the_console_and_the_api():
    report = import_products(data=WOO.read_bytes(), filename=WOO.name)
    assert [(w["line"], w["column"], w["code"]) for w in report.warnings] == [
        (1, "", "columns_ignored"),
        (18, "Type", "type_grouped"),
        (19, "Type", "type_external"),
    ]
    assert report.errors == [] and not report.refused
