from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "carrier_unknown": _("未知的承运商。"),
    "tracking_number_invalid": _("运单号格式不符合 %(carrier)s 的规则（例如 %(example)s）。"),
    "shipping_method_unknown": _("未知或已停用的配送方式。"),
    "region_not_served": _("该配送方式不送达此地区。"),
    "too_heavy": _("包裹超过该配送方式的重量上限。"),
    "rate_invalid": _("运费模板填写有误：首重、续重单位须大于 0，运费不能为负数。"),
    "rate_duplicate": _("该配送方式已有这个省份的运费。"),
    "rate_not_found": _("找不到该运费模板。"),
    "tracking_refused": _("物流轨迹有 %(count)s 处错误，没有保存任何轨迹。"),
    "tracking_parcel_unknown": _("找不到该运单号对应的包裹。"),
    "tracking_status_unknown": _("未知的物流状态（可用：in_transit, out_for_delivery, delivered, failed, returned）。"),
    "tracking_time_invalid": _("时间格式无效，请使用带时区的 ISO 8601 格式，例如 2026-11-23T10:00:00+08:00。"),
    "tracking_tracking_number_missing": _("缺少运单号。"),
    "tracking_column_missing": _("文件缺少必需的列。"),
    "tracking_file_empty": _("文件中没有物流轨迹。"),
    "tracking_webhook_not_configured": _("未配置物流回调密钥（TRACKING_WEBHOOK_SECRET）。"),
    "tracking_signature_missing": _("缺少或无法识别签名头 X-Dianpu-Tracking-Signature。"),
    "tracking_signature_expired": _("签名时间戳超出允许范围（5 分钟）。"),
    "tracking_signature_invalid": _("签名不正确。"),
    "tracking_body_invalid": _("请求内容不是有效的 JSON（需要 {\"events\": [...]}）。"),
}
