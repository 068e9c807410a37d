from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "out_of_stock": _("库存不足：%(sku)s 只剩 %(available)s 件。"),
    "stock_negative": _("在库数量不能小于已占用数量（%(reserved)s）。"),
    "quantity_invalid": _("数量必须是正整数。"),
    "no_warehouse": _("还没有仓库。"),
    "transfer_short": _("调拨数量超过可用库存：%(sku)s 在 %(warehouse)s 只有 %(available)s 件可用。"),
    "same_warehouse": _("调出仓和调入仓不能相同。"),
    "unknown_warehouse": _("未知的仓库：%(code)s"),
    "unknown_sku": _("未知的 SKU：%(sku)s"),
    "unknown_code": _("本盘点单中没有 SKU 或条码为 %(code)s 的商品。"),
    "reason_required": _("请选择调整原因。"),
    "warehouse_code_taken": _("仓库编码 %(code)s 已存在。"),
    "warehouse_code_invalid": _("仓库编码只能包含字母、数字、连字符和下划线。"),
    "name_required": _("请填写名称。"),
    "safety_stock_invalid": _("安全库存必须是不小于 0 的整数。"),
    "stocktake_closed": _("盘点单 %(number)s 已过账或已取消，不能再修改。"),
    "stocktake_short": _("无法过账：%(sku)s 盘点后的在库数量 %(on_hand)s 小于已占用数量 %(reserved)s。"),
    "stocktake_empty": _("盘点单还没有录入任何实盘数量。"),
    "cost_invalid": _("成本价必须是不小于 0 的金额。"),
    "window_invalid": _("统计窗口只能是 7、14 或 30 天。"),
    "stock_below_reserved": _("%(sku)s 的目标在库数量 %(target)s 小于已占用数量 %(reserved)s。"),
    "stock_busy": _("库存正在被频繁修改，请稍后重试。"),
    "stock_targets_below_reserved": _("%(count)s 个 SKU 的目标在库数量小于已占用数量，未做任何修改：%(skus)s"),
}

# Why stock was adjusted by hand: code -> label. The ledger row keeps "label: note".
ADJUSTMENT_REASONS = {
    "damaged": _("损坏报废"),
    "lost": _("丢失"),
    "found": _("找到 / 盘盈"),
    "correction": _("录入更正"),
    "sample": _("样品 / 自用"),
    "other": _("其他"),
}

ACTION_LABELS = {
    "restock": _("补货"),
    "clear": _("清仓促销"),
    "promote": _("加大推广"),
    "watch": _("关注：无货无销量"),
    "ok": _("正常"),
}
