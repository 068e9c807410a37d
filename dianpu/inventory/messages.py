from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "out_of_stock": _("库存不足：%(sku)s 只剩 %(available)s 件。"),
    "stock_negative": _("在库数量不能小于已占用数量（%(reserved)s）。"),
    "quantity_invalid": _("数量必须是正整数。"),
    "no_warehouse": _("还没有仓库。"),
}
