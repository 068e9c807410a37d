"""Messages every edge uses: generic input errors and the API's error envelope."""

from django.utils.translation import gettext_lazy as _

REQUIRED = _("此项必填。")
TOO_LONG = _("内容过长。")
OUT_OF_RANGE = _("数值超出允许范围。")
NOT_A_NUMBER = _("请输入有效的数字。")
BAD_FORMAT = _("格式不正确。")
INVALID_INPUT = _("提交的信息有误，请检查标出的字段。")
TOKEN_REQUIRED = _("需要有效的 API 令牌（Authorization: Bearer …）。")
NOT_FOUND = _("找不到该资源。")
BAD_JSON = _("请求内容不是有效的 JSON。")

# Uploaded files refused before or while they are read (dianpu.core.uploads); each names its limit.
UPLOAD_ERRORS = {
    "upload_too_large": _("文件太大（%(size)s）：上传文件最大 %(limit)s。"),
    "upload_unpacked_too_large": _("XLSX 文件解压后太大（%(size)s）：最大 %(limit)s。请拆分成几个文件。"),
    "upload_compression_suspicious": _("XLSX 文件的压缩比异常（%(ratio)s 倍，上限 %(limit)s 倍），不予读取。"),
    "upload_too_many_parts": _("XLSX 文件包含的部件太多（%(count)s 个，上限 %(limit)s 个）。"),
    "upload_too_many_rows": _("文件行数超过上限 %(limit)s 行：请拆分成几个文件。"),
    "upload_too_many_columns": _("文件列数超过上限 %(limit)s 列（第 %(line)s 行有 %(count)s 列）。"),
    "upload_cell_too_long": _("第 %(line)s 行有单元格超过 %(limit)s 个字符。"),
}
