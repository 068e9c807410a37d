"""Console pages for catalogue-wide work: bulk actions with preview, the SEO and compliance report
with the shop's banned words, price floor rules, and per-product extras (prices, schedule,
duplication, image order, price history)."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import forbidden, staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.catalog import bulk, queries, services
from dianpu.catalog.domain.product_files import format_attribute_lines
from dianpu.catalog.messages import MESSAGES, SEO_ISSUES
from dianpu.catalog.models import BannedWord, Category, MarginRule, Product
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip

from .forms import CategoryChoiceField, ProductFilterForm
from .views import _get_product

ACTION_PERMISSIONS = {
    "list": roles.PUBLISH_PRODUCT,
    "delist": roles.PUBLISH_PRODUCT,
    "move_category": roles.CHANGE_PRODUCT,
    "add_tag": roles.CHANGE_PRODUCT,
    "change_price": roles.CHANGE_PRICE,
}


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("操作"),
        choices=[
            ("list", gettext_lazy("上架")),
            ("delist", gettext_lazy("下架")),
            ("move_category", gettext_lazy("移动到类目")),
            ("add_tag", gettext_lazy("添加标签")),
            ("change_price", gettext_lazy("改价")),
        ],
    )
    category_to = CategoryChoiceField(
        label=gettext_lazy("目标类目"), queryset=Category.objects.order_by("position", "id"), required=False
    )
    tag = forms.CharField(label=gettext_lazy("标签"), max_length=50, required=False)
    price_kind = forms.ChoiceField(
        label=gettext_lazy("价格"),
        choices=[
            ("price", gettext_lazy("标价")),
            ("sale_price", gettext_lazy("促销价")),
            ("member_price", gettext_lazy("会员价")),
        ],
        required=False,
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("方式"),
        choices=[
            ("amount", gettext_lazy("加减金额")),
            ("percent", gettext_lazy("加减百分比")),
            ("set", gettext_lazy("设为")),
        ],
        required=False,
    )
    value = forms.DecimalField(label=gettext_lazy("数值"), max_digits=12, decimal_places=2, required=False)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=200, required=False)
    override_floor = forms.BooleanField(label=gettext_lazy("确认低于底价（必须填写原因）"), required=False)


def _selection(params):
    filters = ProductFilterForm(params)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    return filters, queries.select_products(
        search=cleaned.get("q") or "", status=cleaned.get("status") or "", category=cleaned.get("category")
    )


@staff_permission_required(roles.VIEW_CATALOG)
def bulk_edit(request):
    params = request.POST if request.method == "POST" else request.GET
    filters, selection = _selection(params)
    form = BulkForm(params if "action" in params else None)
    preview, error, status = None, "", 200
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        permission = ACTION_PERMISSIONS[c["action"]]
        if not request.user.has_perm(permission):
            return forbidden(request, permission)
        try:
            action = bulk.parse_bulk_action(
                c["action"],
                category=c["category_to"],
                tag=c["tag"],
                price_kind=c["price_kind"] or "price",
                mode=c["mode"] or "amount",
                value=c["value"] if c["value"] is not None else "",
            )
            if request.method == "POST" and "apply" in request.POST:
                count = bulk.apply_bulk_action(
                    actor=request.user,
                    selection=selection,
                    action=action,
                    reason=c["reason"],
                    override_floor=c["override_floor"],
                    ip_address=client_ip(request),
                    expected_token=request.POST.get("token") or None,
                )
                messages.success(request, _("已修改 %(count)d 个商品。") % {"count": count})
                return redirect("console:catalog:product-list")
            preview = bulk.preview_bulk_action(selection, action)
        except DomainError as exc:
            error, status = str(exc.detail), exc.status
    elif form.is_bound:
        status = 422
    return render(
        request,
        "catalog/console/bulk.html",
        {
            "filters": filters,
            "form": form,
            "preview": preview,
            "error": error,
            "token": bulk.preview_token(preview) if preview else "",
            "count": selection.count(),
            "any_below_floor": any(r.below_floor for r in preview or []),
        },
        status=status,
    )


class BannedWordForm(forms.Form):
    word = forms.CharField(label=gettext_lazy("禁用词"), max_length=50)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=200, required=False)


@staff_permission_required(roles.VIEW_CATALOG)
def seo_audit(request):
    status = request.GET.get("status", "")
    english = (request.LANGUAGE_CODE or "").startswith("en")
    rows = [
        {
            "row": r,
            "issues": [{"text": SEO_ISSUES.get(i.code, i.code), "detail": i.detail} for i in r.seo_issues],
            "findings": [
                {
                    "field": f.field,
                    "word": f.word,
                    "reason": f.reason_en if english else f.reason_zh,
                    "source": f.source,
                }
                for f in r.findings
            ],
        }
        for r in queries.get_catalog_audit(status=status if status in Product.Status.values else "", limit=500)
    ]
    return render(
        request,
        "catalog/console/seo_audit.html",
        {
            "rows": rows,
            "status": status,
            "statuses": Product.Status.choices,
            "word_form": BannedWordForm(),
            "banned_words": BannedWord.objects.all(),
            "can_edit": request.user.has_perm(roles.MANAGE_BANNED_WORDS),
            "english": (request.LANGUAGE_CODE or "").startswith("en"),
        },
    )


@require_POST
@staff_permission_required(roles.MANAGE_BANNED_WORDS)
def banned_word_add(request):
    form = BannedWordForm(request.POST)
    if form.is_valid():
        try:
            services.add_banned_word(
                actor=request.user,
                word=form.cleaned_data["word"],
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("禁用词已添加。"))
    else:
        messages.error(request, _("请填写禁用词（最多 50 个字）。"))
    return redirect("console:catalog:seo-audit")


@require_POST
@staff_permission_required(roles.MANAGE_BANNED_WORDS)
def banned_word_remove(request):
    services.remove_banned_word(actor=request.user, word=request.POST.get("word", ""), ip_address=client_ip(request))
    return redirect("console:catalog:seo-audit")


class MarginForm(forms.Form):
    category = CategoryChoiceField(
        label=gettext_lazy("类目"),
        queryset=Category.objects.order_by("position", "id"),
        required=False,
        empty_label=gettext_lazy("（全店）"),
    )
    min_margin_percent = forms.DecimalField(
        label=gettext_lazy("最低毛利率（%）"),
        max_digits=6,
        decimal_places=2,
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        help_text=gettext_lazy("留空表示删除该规则"),
    )


@staff_permission_required(roles.VIEW_CATALOG)
def price_rules(request):
    form = MarginForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(roles.CHANGE_PRICE):
            return forbidden(request, roles.CHANGE_PRICE)
        if form.is_valid():
            try:
                services.set_margin_rule(
                    actor=request.user,
                    category=form.cleaned_data["category"],
                    min_margin_percent=form.cleaned_data["min_margin_percent"],
                    ip_address=client_ip(request),
                )
            except DomainError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, _("底价规则已保存。"))
                return redirect("console:catalog:price-rules")
    return render(
        request,
        "catalog/console/price_rules.html",
        {
            "form": form,
            "rules": MarginRule.objects.select_related("category").order_by("category__position", "id"),
            "can_edit": request.user.has_perm(roles.CHANGE_PRICE),
        },
        status=422 if request.method == "POST" else 200,
    )


@staff_permission_required(roles.VIEW_CATALOG)
def product_prices(request, slug):
    product = _get_product(slug)
    return render(
        request,
        "catalog/console/product_prices.html",
        {
            "product": product,
            "variants": list(product.variants.all()),
            "history": queries.list_price_history(product),
            "findings": queries.get_listing_findings(product),
            "images": list(product.images.all()),
            "attribute_text": format_attribute_lines(product.attributes),
            "english": (request.LANGUAGE_CODE or "").startswith("en"),
            "can_price": request.user.has_perm(roles.CHANGE_PRICE),
            "can_publish": request.user.has_perm(roles.PUBLISH_PRODUCT),
            "can_change": request.user.has_perm(roles.CHANGE_PRODUCT),
            "can_add": request.user.has_perm(roles.ADD_PRODUCT),
        },
    )


def _decimal_or_none(text: str):
    return None if (text or "").strip() == "" else text.strip()


@require_POST
@staff_permission_required(roles.CHANGE_PRICE)
def product_prices_save(request, slug):
    product = _get_product(slug)
    variant_changes = {}
    for v in product.variants.all():
        fields = {}
        for name in ("price", "sale_price", "member_price"):
            key = f"{name}-{v.sku}"
            if key in request.POST:
                fields[name] = _decimal_or_none(request.POST[key]) if name != "price" else request.POST[key].strip()
        if fields:
            fields["override_floor"] = request.POST.get("override_floor") == "on"
            variant_changes[v.sku] = fields
    try:
        services.update_product(
            actor=request.user,
            product=product,
            variant_changes=variant_changes,
            expected_version=int(request.POST.get("version") or 0) or None,
            reason=request.POST.get("reason", "")[:500],
            ip_address=client_ip(request),
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "detail", str(exc)))
    else:
        messages.success(request, _("价格已保存。"))
    return redirect("console:catalog:product-prices", slug=product.slug)


def _parse_when(text: str):
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    text = (text or "").strip()
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None:
        raise ValueError(_("时间格式不正确。"))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@require_POST
@staff_permission_required(roles.PUBLISH_PRODUCT)
def product_schedule_save(request, slug):
    product = _get_product(slug)
    try:
        changes = {
            "scheduled_list_at": _parse_when(request.POST.get("scheduled_list_at")),
            "scheduled_delist_at": _parse_when(request.POST.get("scheduled_delist_at")),
        }
        services.update_product(
            actor=request.user,
            product=product,
            changes=changes,
            expected_version=int(request.POST.get("version") or 0) or None,
            ip_address=client_ip(request),
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "detail", str(exc)))
    else:
        messages.success(request, _("定时上下架已保存。"))
    return redirect("console:catalog:product-prices", slug=product.slug)


@require_POST
@staff_permission_required(roles.ADD_PRODUCT)
def product_duplicate(request, slug):
    product = _get_product(slug)
    try:
        copy = services.duplicate_product(actor=request.user, product=product)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("console:catalog:product-prices", slug=product.slug)
    messages.success(request, _("已复制为草稿「%(name)s」。") % {"name": copy.name})
    return redirect("console:catalog:product-edit", slug=copy.slug)


@require_POST
@staff_permission_required(roles.CHANGE_PRODUCT)
def product_images_save(request, slug):
    product = _get_product(slug)
    images = list(product.images.all())
    order = sorted(images, key=lambda i: (_int(request.POST.get(f"position-{i.pk}"), i.position), i.position))
    alt_texts = {i.pk: request.POST[f"alt-{i.pk}"] for i in images if f"alt-{i.pk}" in request.POST}
    services.update_product_images(
        actor=request.user, product=product, order=[i.pk for i in order], alt_texts=alt_texts
    )
    messages.success(request, _("图片顺序和替代文字已保存。"))
    return redirect("console:catalog:product-prices", slug=product.slug)


def _int(text, default: int) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


class BrandForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("品牌"), max_length=80)
    name_en = forms.CharField(label=gettext_lazy("英文名称"), max_length=80, required=False)


@staff_permission_required(roles.VIEW_CATALOG)
def brand_list(request):
    form = BrandForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(roles.CHANGE_PRODUCT):
            return forbidden(request, roles.CHANGE_PRODUCT)
        if form.is_valid():
            try:
                slug = request.POST.get("slug")
                if slug:
                    services.rename_brand(
                        actor=request.user,
                        brand=queries.get_brand(slug),
                        name=form.cleaned_data["name"],
                        name_en=form.cleaned_data["name_en"],
                        ip_address=client_ip(request),
                    )
                else:
                    services.create_brand(
                        actor=request.user,
                        name=form.cleaned_data["name"],
                        name_en=form.cleaned_data["name_en"],
                        ip_address=client_ip(request),
                    )
            except DomainError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, _("品牌已保存。"))
                return redirect("console:catalog:brand-list")
    return render(
        request,
        "catalog/console/brands.html",
        {
            "form": form,
            "brands": queries.list_brands(),
            "can_edit": request.user.has_perm(roles.CHANGE_PRODUCT),
        },
    )


@require_POST
@staff_permission_required(roles.CHANGE_PRODUCT)
def product_attributes_save(request, slug):
    from dianpu.catalog.domain.product_files import parse_attribute_lines

    product = _get_product(slug)
    try:
        attributes = parse_attribute_lines(request.POST.get("attributes", ""))
        services.update_product(
            actor=request.user,
            product=product,
            changes={"attributes": attributes},
            expected_version=int(request.POST.get("version") or 0) or None,
            ip_address=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    except ValueError:
        messages.error(request, MESSAGES["attributes_invalid"])
    else:
        messages.success(request, _("属性已保存。"))
    return redirect("console:catalog:product-prices", slug=product.slug)


class SynonymForm(forms.Form):
    words = forms.CharField(
        label=gettext_lazy("同义词"),
        max_length=300,
        help_text=gettext_lazy("用逗号或等号分隔，如：手机, 电话 或 tee = t-shirt"),
    )


@staff_permission_required(roles.VIEW_CATALOG)
def search_synonyms(request):
    """The shop's search synonyms: a search for one word of a group finds the others."""
    form = SynonymForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(roles.CHANGE_PRODUCT):
            return forbidden(request, roles.CHANGE_PRODUCT)
        if "remove" in request.POST:
            try:
                synonym_id = int(request.POST["remove"])
            except ValueError:
                synonym_id = 0
            services.remove_search_synonym(actor=request.user, synonym_id=synonym_id, ip_address=client_ip(request))
            return redirect("console:catalog:search-synonyms")
        if form.is_valid():
            try:
                services.add_search_synonym(
                    actor=request.user, words=form.cleaned_data["words"], ip_address=client_ip(request)
                )
            except DomainError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, _("同义词已添加。"))
                return redirect("console:catalog:search-synonyms")
    return render(
        request,
        "catalog/console/search_synonyms.html",
        {
            "synonyms": queries.list_search_synonyms(),
            "form": form,
            "can_edit": request.user.has_perm(roles.CHANGE_PRODUCT),
        },
    )
