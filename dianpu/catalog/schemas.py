from decimal import Decimal

from ninja import Field, Schema


class VariantOut(Schema):
    sku: str
    options: dict
    price: Decimal
    compare_at_price: Decimal | None
    stock_available: int
    in_stock: bool
    weight_grams: int
    barcode: str


class StaffVariantOut(VariantOut):
    cost_price: Decimal
    stock_on_hand: int
    is_active: bool


class ImageOut(Schema):
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


class VariantIn(Schema):
    sku: str = Field(max_length=64)
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    compare_at_price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    cost_price: Decimal = Field(Decimal("0"), ge=0, max_digits=12, decimal_places=2)
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
    weight_grams: int | None = Field(None, ge=0, le=1_000_000)
    barcode: str | None = Field(None, max_length=32)
    stock: int | None = Field(None, ge=0, le=10_000_000)
    is_active: bool | None = None


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
    variants: list[VariantPatch] = []
    version: int | None = Field(None, description="the version you edited; a later save by someone else is refused")
    reason: str = Field("", max_length=500)


class CategoryOut(Schema):
    slug: str
    name: str
    name_en: str
    parent: str | None
