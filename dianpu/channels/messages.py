from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "import_refused": _("导入文件有 %(count)s 处错误，没有导入任何订单。请修改后重新导入。"),
    "channel_unknown": _("未知的渠道。"),
    "file_unreadable": _("无法读取文件：请上传 UTF-8 或 GBK 编码的 CSV，或 XLSX 文件。"),
    "file_empty": _("文件中没有订单。"),
    "column_missing": _("文件缺少这一列。"),
    "mapping_missing": _("请为这个字段指定文件中的列。"),
    "order_number_missing": _("缺少订单号。"),
    "order_number_duplicate": _("订单号在文件中重复出现（不相邻的两段）。"),
    "sku_missing": _("缺少 SKU。"),
    "sku_unknown": _("未知的 SKU。"),
    "quantity_invalid": _("数量必须是 1 到 9999 的整数。"),
    "amount_invalid": _("金额无效。"),
    "address_incomplete": _("收货信息不完整（收货人、电话、省、市、地址都需要）。"),
    "email_invalid": _("邮箱无效。"),
    "out_of_stock": _("库存不足。"),
    "import_conflict": _("同一批订单正在被另一次导入写入，请稍后查看订单列表。"),
}
