"""design error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "brief_not_found": _("设计需求不存在。"),
    "draft_not_found": _("设计稿不存在。"),
    "title_required": _("请填写标题。"),
    "product_required": _("请选择商品。"),
    "requirements_required": _("请至少选择一种图片。"),
    "requirement_invalid": _("图片要求无效：尺寸须在 100 到 5000 像素之间，数量 1 到 20 张。"),
    "url_invalid": _("请输入以 http:// 或 https:// 开头的完整网址。"),
    "assignee_not_designer": _("只能指派给美工。"),
    "action_not_allowed": _("当前状态下不能执行这个操作。"),
    "not_your_brief": _("这个设计需求没有指派给你。"),
    "drafts_closed": _("这个需求当前不接受上传设计稿。"),
    "no_drafts": _("请先上传设计稿再提交审核。"),
    "nothing_approved": _("没有已通过的设计稿。"),
    "kind_not_in_brief": _("这个需求没有要求这种图片。"),
    "image_unreadable": _("文件不是可识别的图片（请上传 JPG、PNG 或 WEBP）。"),
    "image_format": _("不支持 %(format)s 格式，请上传 JPG、PNG 或 WEBP。"),
    "image_too_big_pixels": _("图片像素过多（%(width)s×%(height)s），最多 4000 万像素。"),
    "image_too_small": _("图片尺寸 %(width)s×%(height)s 太小，要求至少 %(need_width)s×%(need_height)s。"),
    "image_ratio": _("图片比例 %(ratio)s 不符合要求的 %(need_ratio)s。"),
    "image_too_heavy": _("图片文件 %(kb)s KB，超过上限 %(max_kb)s KB。"),
    "image_not_white": _("主图要求白底：边缘只有 %(percent)s%% 是白色（至少 97%%）。"),
    "comment_required": _("请填写意见。"),
    "experiment_not_found": _("测试不存在。"),
    "experiment_needs_images": _("请至少选择该商品的两张图片。"),
    "experiment_running": _("该商品已有进行中的主图测试。"),
    "experiment_not_running": _("这个测试已经结束。"),
    "no_winner": _("还没有显著胜出的图片。"),
}

KIND_LABELS = {
    "main": _("主图"),
    "sku": _("SKU 图"),
    "detail": _("详情图"),
    "banner": _("横幅"),
    "scene": _("场景图"),
}
ACTION_LABELS = {
    "submit": _("提交审核"),
    "approve": _("通过"),
    "request_changes": _("要求修改"),
    "apply": _("放到商品上"),
    "cancel": _("取消需求"),
}
VERDICT_LABELS = {
    "significant": _("差异显著"),
    "not_significant": _("差异尚不显著"),
    "too_few_impressions": _("曝光还不够"),
    "tie": _("点击率相同"),
}
