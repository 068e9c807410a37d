from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .domain import pricing


def option_label_for(options, options_en=None) -> str:
    """ "红 / M", or with English values ("Red / M") on English pages where they exist."""
    english = (options_en or {}) if (get_language() or "").startswith("en") else {}
    return " / ".join(str(english.get(name) or value) for name, value in (options or {}).items())


def _localized(obj, field: str) -> str:
    """The English text when the page is in English and one exists, else the Chinese."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)


class Category(models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    slug = models.SlugField(_("网址名"), max_length=80, unique=True)
    position = models.PositiveIntegerField(_("排序"), default=0)
    seo_description = models.CharField(_("SEO 描述"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("类目")

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return _localized(self, "name")


class Tag(models.Model):
    name = models.CharField(_("标签"), max_length=50, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Brand(models.Model):
    """A brand the shop sells. Products name it in `Product.brand` (its name), so a brand renamed
    here is renamed on its products in the same transaction (catalog.services.rename_brand)."""

    name = models.CharField(_("品牌"), max_length=80, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    slug = models.SlugField(_("网址名"), max_length=80, unique=True)
    description = models.TextField(_("描述"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("品牌")

    def __str__(self):
        return self.name


class ProductQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(status=Product.Status.LISTED)


class Product(models.Model):
    """An SPU: what a customer sees as one product; its variants are the SKUs sold."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        LISTED = "listed", _("已上架")
        DELISTED = "delisted", _("已下架")

    name = models.CharField(_("商品名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    slug = models.SlugField(_("网址名"), max_length=80, unique=True)
    description = models.TextField(_("描述"), blank=True)
    description_en = models.TextField(_("英文描述"), blank=True)
    brand = models.CharField(_("品牌"), max_length=80, blank=True)
    # Product attributes shown on the product page, e.g. {"材质": "棉", "产地": "新疆"}.
    attributes = models.JSONField(_("属性"), default=dict, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="products")
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    seo_title = models.CharField(_("SEO 标题"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO 描述"), max_length=200, blank=True)
    # Kept by catalog.services from the variants (for sorting and filtering list pages).
    min_price = models.DecimalField(_("最低价"), max_digits=12, decimal_places=2, default=0)
    # Kept by orders (units sold), for "bestselling" sort.
    sold_count = models.PositiveIntegerField(_("销量"), default=0)
    search_document = models.TextField(blank=True, editable=False)
    # The name, English name, brand and category as search tokens: matches here weigh more (catalog.search).
    search_title = models.TextField(blank=True, editable=False)
    listed_at = models.DateTimeField(_("上架时间"), null=True, blank=True)
    # Run by the worker (catalog.tasks): list at / delist at these times, then cleared.
    scheduled_list_at = models.DateTimeField(_("定时上架"), null=True, blank=True)
    scheduled_delist_at = models.DateTimeField(_("定时下架"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Optimistic lock: an edit made on an older version is refused, not silently overwritten.
    version = models.PositiveIntegerField(default=1)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("change_price", "Can change prices"),
            ("publish_product", "Can list and delist products"),
        ]
        indexes = [
            models.Index(fields=["status", "category", "-listed_at"]),
            models.Index(fields=["status", "min_price"]),
            models.Index(fields=["status", "-sold_count"]),
            # The storefront's "newest" and "bestselling" lists across the whole shop (home, API).
            models.Index(fields=["status", "-listed_at", "-id"], name="product_listed_newest"),
            models.Index(fields=["status", "-sold_count", "-id"], name="product_listed_bestselling"),
            # A category page's facets and count: one grouped read of this index, not of the rows.
            models.Index(fields=["status", "category", "brand", "min_price"], name="product_listed_facets"),
        ]
        verbose_name = _("商品")

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return _localized(self, "name")

    @property
    def display_description(self) -> str:
        return _localized(self, "description")


class Variant(models.Model):
    """A SKU: one buyable option combination of a product, with its own price and stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU 编码"), max_length=64, unique=True)
    options = models.JSONField(_("规格"), default=dict, blank=True)  # {"颜色": "红", "尺码": "M"}
    # English option values, by the same option names: {"颜色": "Red"}; a value missing stays Chinese.
    options_en = models.JSONField(_("英文规格值"), default=dict, blank=True)
    price = models.DecimalField(_("售价"), max_digits=12, decimal_places=2)
    compare_at_price = models.DecimalField(_("划线价"), max_digits=12, decimal_places=2, null=True, blank=True)
    cost_price = models.DecimalField(_("成本价"), max_digits=12, decimal_places=2, default=0)
    # `price` is the list price (标价) that checkout charges; these are optional alternatives.
    sale_price = models.DecimalField(_("促销价"), max_digits=12, decimal_places=2, null=True, blank=True)
    member_price = models.DecimalField(_("会员价"), max_digits=12, decimal_places=2, null=True, blank=True)
    weight_grams = models.PositiveIntegerField(_("重量（克）"), default=0)
    barcode = models.CharField(_("条码"), max_length=32, blank=True, db_index=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="variant_price_not_negative"),
            models.CheckConstraint(condition=Q(cost_price__gte=0), name="variant_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(sale_price__gte=0) | Q(sale_price__isnull=True), name="variant_sale_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(member_price__gte=0) | Q(member_price__isnull=True),
                name="variant_member_price_not_negative",
            ),
        ]
        verbose_name = _("SKU")

    def __str__(self):
        return f"{self.product.name} {self.option_label}".strip() if self.options else self.product.name

    @property
    def option_label(self) -> str:
        return " / ".join(str(v) for v in (self.options or {}).values())

    @property
    def display_option_label(self) -> str:
        """The option values in English on English pages when an English value exists."""
        return option_label_for(self.options, self.options_en)

    @property
    def selling_price(self) -> Decimal:
        """What a shopper pays for one unit (see `domain.pricing.selling_price`)."""
        return pricing.selling_price(self.price, self.sale_price)

    @property
    def struck_price(self) -> Decimal | None:
        """The price shown struck through next to `selling_price`, if any."""
        return pricing.struck_price(self.price, self.compare_at_price, self.selling_price)


def product_image_path(instance, filename):
    return f"products/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("图片"), upload_to=product_image_path)
    thumbnail = models.ImageField(upload_to=product_image_path, blank=True)
    alt_text = models.CharField(_("替代文字"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("商品图片")

    def __str__(self):
        return self.alt_text or self.image.name


class PriceHistory(models.Model):
    """One change of one price of one SKU: who, when, from, to, and why."""

    class Kind(models.TextChoices):
        PRICE = "price", _("标价")
        SALE = "sale_price", _("促销价")
        MEMBER = "member_price", _("会员价")
        COMPARE_AT = "compare_at_price", _("划线价")
        COST = "cost_price", _("成本价")

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="price_history")
    kind = models.CharField(_("价格类型"), max_length=20, choices=Kind.choices)
    old_amount = models.DecimalField(_("原价格"), max_digits=12, decimal_places=2, null=True, blank=True)
    new_amount = models.DecimalField(_("新价格"), max_digits=12, decimal_places=2, null=True, blank=True)
    below_floor = models.BooleanField(_("低于底价"), default=False)
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    source = models.CharField(_("来源"), max_length=30, blank=True)  # console, api, import, bulk
    created_at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("价格历史")


class MarginRule(models.Model):
    """The price floor: cost x (1 + minimum margin). One shop-wide row (no category) and
    optional rows per category; the most specific one applies."""

    category = models.OneToOneField(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="margin_rule"
    )
    min_margin_percent = models.DecimalField(_("最低毛利率（%）"), max_digits=6, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category"], condition=Q(category__isnull=True), name="one_shop_margin_rule"
            ),
            models.CheckConstraint(condition=Q(min_margin_percent__gte=0), name="margin_not_negative"),
        ]
        verbose_name = _("底价规则")


class BannedWord(models.Model):
    """A shop's own word that must not appear in listing texts (beside the Advertising Law terms)."""

    word = models.CharField(_("禁用词"), max_length=50, unique=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("禁用词")


class PrivateFileStorage(FileSystemStorage):
    """Files that must never be public (uploaded product files hold cost prices): next to the
    media directory, not under it, so the /media/ route cannot serve them."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, str(Path(settings.MEDIA_ROOT).parent / "private"))


_private_storage = PrivateFileStorage()


def private_storage():
    return _private_storage


class ImportJob(models.Model):
    """A product file uploaded in the console and imported by the worker, with its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        REFUSED = "refused", _("已拒绝")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    file = models.FileField(_("文件"), upload_to="imports/", storage=private_storage)
    filename = models.CharField(_("文件名"), max_length=200)
    file_format = models.CharField(_("格式"), max_length=20, default="auto")
    skip_bad_rows = models.BooleanField(_("跳过错误行"), default=False)
    dry_run = models.BooleanField(_("仅预检"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)  # created/updated/unchanged/skipped counts
    errors = models.JSONField(default=list, blank=True)  # [{line, column, reason}]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入任务")

    @property
    def percent(self) -> int:
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0


class SearchSynonym(models.Model):
    """Words a shopper may type for the same thing, e.g. "手机, 电话" or "tee, t-shirt": a search for
    any of them finds products that name any other (catalog.search expands the query)."""

    words = models.CharField(_("同义词"), max_length=300, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["words"]
        verbose_name = _("搜索同义词")

    def __str__(self):
        return self.words

    @property
    def word_list(self) -> list[str]:
        from .domain.search import synonym_words

        return synonym_words(self.words)
