"""Product review error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "review_line_not_found": _("没有找到这件可评价的商品。"),
    "review_order_not_delivered": _("订单签收后才能评价。"),
    "review_already_given": _("这件商品已经评价过了。"),
    "review_rating_invalid": _("评分须为 1 到 5 的整数。"),
    "review_body_too_long": _("评价内容过长（最多 %(limit)s 字）。"),
    "review_too_many_images": _("最多上传 %(limit)s 张图片。"),
    "review_image_invalid": _("只能上传 JPEG、PNG、GIF 或 WebP 图片。"),
    "review_image_too_large": _("图片过大（最大 %(limit)s MB）。"),
    "review_not_found": _("评价不存在。"),
}
