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
    "product_in_use_delist_instead": _("该商品已有关联记录，不能删除，可改为下架。"),
}

MESSAGES.update(
    {
        "import_refused": _("文件中有 %(count)d 处错误，整个文件未导入。请修正后重新上传，或选择跳过错误行。"),
        "below_floor": _("价格低于底价 %(floor)s（成本 × (1 + 最低毛利率)），需要明确确认并填写原因。"),
        "override_reason_required": _("低于底价的改价必须填写原因。"),
        "margin_invalid": _("最低毛利率必须是 0 到 1000 之间的数字。"),
        "price_not_number": _("价格必须是数字。"),
        "bulk_empty": _("没有选中任何商品。"),
        "bulk_action_invalid": _("未知的批量操作。"),
        "schedule_invalid": _("定时下架时间必须晚于定时上架时间。"),
        "banned_word_invalid": _("请填写禁用词（最多 50 个字）。"),
        "banned_word_taken": _("该禁用词已存在。"),
        "synonym_invalid": _("请填写至少两个词，用逗号或等号分隔（最多 300 个字）。"),
        "synonym_taken": _("这组同义词已存在。"),
        "job_not_found": _("导入任务不存在。"),
        "job_finished": _("导入任务已经结束，不能再取消。"),
        "export_format_invalid": _("未知的导出格式。"),
    }
)

# Problems with a whole file (before any row is read).
TABLE_ERRORS = {
    "file_kind": _("文件类型不对：请上传 CSV 或 XLSX 文件。"),
    "file_empty": _("文件是空的。"),
    "encoding_unknown": _("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV。"),
    "csv_broken": _("CSV 格式错误（第 %(line)s 行附近的引号没有闭合）。"),
    "header_merged": _("表头有合并单元格（%(cells)s）：请取消合并，让每列有自己的表头。"),
    "format_unknown": _("无法识别文件格式：表头既不是本系统格式，也不是 Shopify 或 WooCommerce 的商品 CSV。"),
    "format_invalid": _("未知的导入格式。"),
    "columns_missing": _("缺少必需的列：%(columns)s"),
}

# Problems with one row (reported with line and column).
ROW_ERRORS = {
    "required": _("必填项为空"),
    "price_not_number": _("价格不是数字"),
    "price_negative": _("价格不能为负数"),
    "price_too_large": _("价格过大"),
    "quantity_invalid": _("库存必须是不小于 0 的整数"),
    "weight_invalid": _("重量必须是不小于 0 的数字"),
    "options_invalid": _("规格格式应为「名称:值; 名称:值」"),
    "status_invalid": _("状态只能是 draft、listed 或 delisted"),
    "sku_duplicated_in_file": _("SKU 在文件中重复出现"),
    "sku_other_product": _("SKU 已属于另一个商品"),
    "type_unsupported": _("不支持的商品类型（只支持 simple、variable、variation）"),
    "parent_unknown": _("找不到父商品"),
    "below_floor": _("价格低于底价（成本 × (1 + 最低毛利率)）"),
    "stock_below_reserved": _("库存低于已占用数量（已有订单占用）"),
    # warnings: the row is imported (or left out on purpose) and the file is not refused
    "barcode_scientific": _("条码被电子表格改成了科学计数法，原数字已丢失：此 SKU 未导入条码，请在商品页补填"),
    "type_grouped": _("组合商品（grouped）本身不能购买，未导入；其中的商品按各自的行导入"),
    "type_external": _("外部商品（external）在其他网站出售，未导入"),
    "columns_ignored": _("这些列不会导入"),
}


def table_error_text(code: str, params: dict) -> str:
    text = str(TABLE_ERRORS.get(code, code))
    return text % params if params else text


def row_error_text(code: str) -> str:
    return str(ROW_ERRORS.get(code, code))


SEO_ISSUES = {
    "title_missing": _("缺少 SEO 标题"),
    "title_duplicate": _("标题与其他商品重复"),
    "title_too_long": _("SEO 标题过长（超过 60 字）"),
    "meta_missing": _("缺少 SEO 描述"),
    "meta_too_short": _("SEO 描述过短（少于 50 字）"),
    "meta_too_long": _("SEO 描述过长（超过 160 字）"),
    "image_alt_missing": _("图片缺少替代文字"),
    "description_thin": _("描述内容太少（少于 80 字）"),
    "slug_broken": _("网址名不规范"),
    "slug_not_descriptive": _("网址名是随机编码，建议填写英文名称"),
}

MESSAGES["import_conflict"] = _("导入期间有人同时新建了相同的 SKU 或网址名，整个文件未导入，请重新导入。")
MESSAGES["attributes_invalid"] = _("属性应为“名称: 值”的对应表（最多 50 项）。")
MESSAGES["brand_taken"] = _("品牌名称已存在。")
MESSAGES["brand_not_found"] = _("品牌不存在。")
MESSAGES["bulk_changed"] = _("预览之后有商品被修改，请重新预览后再保存。")
