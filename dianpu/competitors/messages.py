"""competitors error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "competitor_not_found": _("竞品店铺不存在。"),
    "competitor_product_not_found": _("竞品商品不存在。"),
    "alert_not_found": _("提醒不存在。"),
    "name_required": _("请填写名称。"),
    "url_invalid": _("请输入以 http:// 或 https:// 开头的完整网址。"),
    "unknown_products": _("找不到这些商品：%(items)s"),
    "price_invalid": _("价格须为不小于 0 的金额。"),
    "rating_invalid": _("评分须在 0 到 5 之间。"),
    "count_invalid": _("数量须为不小于 0 的整数。"),
    "no_our_product": _("该竞品商品没有对应我方商品。"),
    "url_not_allowed": _("该网址指向内网、本机或保留地址，不允许抓取。"),
    "fetch_failed": _("抓取页面失败：%(reason)s"),
    "selector_no_match": _("选择器在页面中没有匹配到内容。"),
    "price_unparsed": _("无法从页面内容中识别价格：%(text)s"),
    "check_not_found": _("检查记录不存在。"),
    "check_finished": _("这次检查已经结束。"),
    "import_unreadable": _("无法读取该文件，请上传 CSV 或 XLSX 文件。"),
    "import_columns": _("文件缺少这些列：%(columns)s"),
    "import_refused": _("文件中有错误，未导入任何数据（行:问题）：%(lines)s"),
    "import_too_large": _("文件过大（最大 5 MB）。"),
}

FETCH_REASONS = {
    "robots": _("robots.txt 不允许抓取"),
    "timeout": _("超时"),
    "too_large": _("页面过大"),
    "not_html": _("不是 HTML 或 JSON 页面"),
    "status": _("服务器返回错误状态"),
    "too_many_redirects": _("重定向次数过多"),
    "connection": _("无法连接"),
    "rate_limited": _("对同一网站的请求过于频繁，稍后再试"),
}
