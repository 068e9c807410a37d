from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "unknown_sku": _("该商品不存在或已下架。"),
    "quantity_invalid": _("数量必须是 1 到 %(max)s 之间的整数。"),
}
