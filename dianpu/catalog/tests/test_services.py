"""Catalog: sanitised text, search, slugs, audited prices, images with thumbnails."""

import io
from decimal import Decimal

import pytest
from PIL import Image

from dianpu.audit.models import AuditEntry
from dianpu.catalog.models import Product
from dianpu.catalog.queries import list_listed_products
from dianpu.catalog.services import VariantInput, add_product_image, create_product, update_product
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db


def png_bytes(size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def test_descriptions_are_sanitised_and_names_stripped_of_markup():
    product = create_product(
        actor=None,
        name="<i>真丝</i>围巾 <script>x()</script>",
        variants=[VariantInput(sku="S-1", price=Decimal("9"))],
        description='<p style="x" onmouseover="evil()">好<img src="javascript:alert(1)" alt="a"><iframe src="x"></iframe></p>',
    )
    assert product.name == "真丝围巾"  # tags and script bodies gone
    assert product.description == '<p>好<img alt="a"></p>'


def test_slug_comes_from_the_english_name_and_stays_unique():
    a = make_product(name="羽绒服", name_en="Down Jacket")
    b = make_product(name="羽绒服", name_en="Down Jacket")
    c = make_product(name="龙井", name_en="")
    assert (a.slug, b.slug) == ("down-jacket", "down-jacket-2")
    assert c.slug.startswith("p-")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("羽绒", ["jacket"]),
        ("羽绒服", ["jacket"]),
        ("轻薄 羽绒", ["jacket"]),
        ("down", ["jacket"]),
        ("DOWN JACKET", ["jacket"]),
        ("降噪耳机", ["phones"]),
        ("headphone", ["phones"]),
        ("BT-900", ["phones"]),
        ("户外", ["jacket"]),
        ("西瓜", []),
    ],
)
def test_search_finds_chinese_and_english_words(query, expected):
    make_product(name="轻薄羽绒服", name_en="Lightweight Down Jacket", tags=["户外"], description="<p>保暖</p>")
    make_product(
        name="蓝牙降噪耳机",
        name_en="Noise-cancelling Bluetooth Headphones",
        skus=["BT-900"],
        description="<p>续航 30 小时</p>",
    )
    found = [("jacket" if "Jacket" in p.name_en else "phones") for p in list_listed_products(search=query)]
    assert found == expected


def test_price_change_is_audited_with_old_and_new_and_reason(staff):
    product = make_product(price="59.00", skus=["P-1"])
    update_product(
        actor=staff("operator"),
        product=product,
        changes={},
        reason="618 大促",
        variant_changes={"P-1": {"price": "49.90", "cost_price": "20.00"}},
    )
    entry = AuditEntry.objects.get(action="price.changed", reason="618 大促")
    assert entry.actor_label == "operator"
    assert entry.changes == {"price[P-1]": ["59.00", "49.90"]}
    assert Product.objects.get(pk=product.pk).min_price == Decimal("49.90")


def test_negative_prices_and_clashing_skus_are_refused():
    make_product(skus=["TAKEN-1"])
    with pytest.raises(DomainError) as clash:
        create_product(actor=None, name="另一个", variants=[VariantInput(sku="TAKEN-1", price=Decimal("1"))])
    assert clash.value.code == "sku_taken"
    with pytest.raises(DomainError) as negative:
        create_product(actor=None, name="负价", variants=[VariantInput(sku="NEG-1", price=Decimal("-1"))])
    assert negative.value.code == "price_negative"
    assert Product.objects.count() == 1


def test_concurrent_edits_the_later_save_is_refused():
    product = make_product(name="原名")
    update_product(actor=None, product=product, changes={"name": "甲改"}, expected_version=1)
    with pytest.raises(ConflictError):
        update_product(
            actor=None, product=Product.objects.get(pk=product.pk), changes={"name": "乙改"}, expected_version=1
        )
    assert Product.objects.get(pk=product.pk).name == "甲改"


def test_image_upload_makes_a_thumbnail_and_keeps_alt_text():
    product = make_product()
    image = add_product_image(
        actor=None, product=product, filename="red scarf.png", data=png_bytes(), alt_text="红色围巾"
    )
    with Image.open(image.thumbnail.path) as thumb:
        assert max(thumb.size) == 480
    assert image.alt_text == "红色围巾"


def test_a_file_that_is_not_an_image_is_refused():
    product = make_product()
    with pytest.raises(DomainError) as refused:
        add_product_image(actor=None, product=product, filename="x.jpg", data=b"MZ\x90\x00 not a picture")
    assert refused.value.code == "image_invalid"
    assert not product.images.exists()
