"""catalog error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "product_not_found": _("商品不存在。"),
    "sku_taken": _("SKU 编码已被其他商品使用。"),
    "sku_duplicated": _("同一商品中 SKU 编码重复。"),
    "price_negative": _("价格不能为负数。"),
    "name_required": _("请填写商品名称。"),
    "variants_required": _("商品至少需要一个 SKU。"),
    "product_changed": _("该商品已被他人修改，请刷新后重新编辑。"),
    "slug_invalid": _("网址名只能包含小写字母、数字和连字符。"),
    "slug_taken": _("网址名已被使用。"),
    "image_invalid": _("无法读取该图片文件，请上传 JPEG、PNG、WebP 或 GIF 图片。"),
    "category_not_found": _("类目不存在。"),
    "status_invalid": _("未知的商品状态。"),
    "nothing_to_change": _("没有需要修改的内容。"),
}
