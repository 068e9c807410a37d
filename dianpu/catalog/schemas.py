from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class VariantOut(Schema):
    sku: str
    options: dict
    price: Decimal = Field(description="List price (标价)")
    selling_price: Decimal = Field(description="What a shopper pays per unit: the sale price when set and lower")
    compare_at_price: Decimal | None
    stock_available: int
    in_stock: bool
    weight_grams: int
    barcode: str


class StaffVariantOut(VariantOut):
    cost_price: Decimal
    sale_price: Decimal | None
    member_price: Decimal | None
    stock_on_hand: int
    is_active: bool


class ImageOut(Schema):
    id: int
    url: str
    thumbnail_url: str
    alt: str


class ProductListItem(Schema):
    slug: str
    name: str
    name_en: str
    price: Decimal = Field(description="lowest price among the product's SKUs")
    in_stock: bool
    url: str
    image: str | None
    category: str | None


class ProductList(Schema):
    items: list[ProductListItem]
    count: int
    page: int
    pages: int


class ProductDetail(Schema):
    slug: str
    name: str
    name_en: str
    description: str
    description_en: str
    brand: str
    status: str
    category: str | None
    tags: list[str]
    url: str
    price: Decimal
    in_stock: bool
    images: list[ImageOut]
    variants: list[VariantOut]
    version: int
    seo_title: str
    seo_description: str


class StaffProductDetail(ProductDetail):
    variants: list[StaffVariantOut]
    scheduled_list_at: datetime | None
    scheduled_delist_at: datetime | None
    attributes: dict
    banned_words: list["FindingOut"] = Field(description="Advertising Law terms and shop banned words in the texts")


class VariantIn(Schema):
    sku: str = Field(max_length=64)
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    compare_at_price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    cost_price: Decimal = Field(Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    sale_price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    member_price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    weight_grams: int = Field(0, ge=0, le=1_000_000)
    barcode: str = Field("", max_length=32)
    options: dict[str, str] = {}
    stock: int = Field(0, ge=0, le=10_000_000)


class ProductIn(Schema):
    name: str = Field(max_length=120)
    name_en: str = Field("", max_length=120)
    description: str = Field("", max_length=50_000)
    description_en: str = Field("", max_length=50_000)
    brand: str = Field("", max_length=80)
    status: str = "draft"
    category: str | None = Field(None, description="category slug")
    tags: list[str] = []
    slug: str = Field("", max_length=80)
    seo_title: str = Field("", max_length=70)
    seo_description: str = Field("", max_length=200)
    variants: list[VariantIn] = Field(min_length=1, max_length=200)


class VariantPatch(Schema):
    sku: str
    price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    compare_at_price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    cost_price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    sale_price: Decimal | None = Field(
        None, ge=0, max_digits=12, decimal_places=2, description="null removes the sale price"
    )
    member_price: Decimal | None = Field(
        None, ge=0, max_digits=12, decimal_places=2, description="null removes the member price"
    )
    weight_grams: int | None = Field(None, ge=0, le=1_000_000)
    barcode: str | None = Field(None, max_length=32)
    stock: int | None = Field(None, ge=0, le=10_000_000)
    is_active: bool | None = None
    override_floor: bool = Field(False, description="accept a price below the floor (needs a reason)")


class ProductPatch(Schema):
    name: str | None = Field(None, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=50_000)
    description_en: str | None = Field(None, max_length=50_000)
    brand: str | None = Field(None, max_length=80)
    status: str | None = None
    category: str | None = None
    tags: list[str] | None = None
    seo_title: str | None = Field(None, max_length=70)
    seo_description: str | None = Field(None, max_length=200)
    scheduled_list_at: datetime | None = None
    scheduled_delist_at: datetime | None = None
    attributes: dict[str, str] | None = Field(None, description='e.g. {"材质": "棉", "产地": "新疆"}')
    variants: list[VariantPatch] = []
    version: int | None = Field(None, description="the version you edited; a later save by someone else is refused")
    reason: str = Field("", max_length=500)


class CategoryOut(Schema):
    slug: str
    name: str
    name_en: str
    parent: str | None


class ImportJobOut(Schema):
    id: int
    filename: str
    file_format: str
    state: str
    dry_run: bool
    skip_bad_rows: bool
    total_rows: int
    processed_rows: int
    percent: int
    summary: dict
    errors: list[dict] = Field(description="[{line, column, code, reason, value}]")


class PriceHistoryOut(Schema):
    sku: str
    kind: str
    old_amount: Decimal | None
    new_amount: Decimal | None
    below_floor: bool
    reason: str
    actor: str
    source: str
    created_at: datetime


class MarginRuleIn(Schema):
    category: str | None = Field(None, description="category slug; null for the shop-wide rule")
    min_margin_percent: Decimal | None = Field(
        None, ge=0, le=1000, max_digits=6, decimal_places=2, description="null removes the rule"
    )


class MarginRuleOut(Schema):
    category: str | None
    min_margin_percent: Decimal


class BulkActionIn(Schema):
    action: str = Field(description="list | delist | move_category | add_tag | change_price")
    slugs: list[str] = Field(
        [], max_length=5000, description="the selection; empty: every product matching the filters"
    )
    search: str = ""
    status: str = ""
    category: str | None = Field(None, description="filter: category slug")
    category_to: str | None = Field(None, description="move_category: target category slug")
    tag: str = Field("", max_length=50)
    price_kind: str = Field("price", description="price | sale_price | member_price")
    mode: str = Field("amount", description="amount | percent | set")
    value: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    reason: str = Field("", max_length=500)
    override_floor: bool = False
    preview_token: str | None = Field(
        None, max_length=64, description="token of the preview you saw: refused (409) if anything changed since"
    )


class BulkPreviewRow(Schema):
    slug: str
    sku: str
    field: str
    old: str
    new: str
    below_floor: bool
    floor: Decimal | None
    banned_words: list[str]


class BulkPreviewOut(Schema):
    token: str = Field(description="pass as preview_token when applying")
    rows: list[BulkPreviewRow]


class BulkResult(Schema):
    changed_products: int


class FindingOut(Schema):
    field: str
    word: str
    reason: str
    source: str


class SeoIssueOut(Schema):
    code: str
    text: str
    detail: str


class AuditRowOut(Schema):
    slug: str
    name: str
    status: str
    seo_issues: list[SeoIssueOut]
    banned_words: list[FindingOut]


class BannedWordIn(Schema):
    word: str = Field(max_length=50)
    reason: str = Field("", max_length=200)


class BannedWordOut(Schema):
    word: str
    reason: str


class ImageOrderIn(Schema):
    order: list[int] = Field([], description="image ids, first = main image")
    alt_texts: dict[str, str] = Field({}, description="image id -> alt text")


class BrandIn(Schema):
    name: str = Field(max_length=80)
    name_en: str = Field("", max_length=80)
    description: str = Field("", max_length=5000)


class BrandPatch(Schema):
    name: str = Field(max_length=80)
    name_en: str | None = Field(None, max_length=80)


class BrandOut(Schema):
    slug: str
    name: str
    name_en: str
    product_count: int
