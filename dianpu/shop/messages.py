"""shop error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "logo_too_large": _("标志图片不能超过 512 KB。"),
    "logo_invalid": _("无法读取该图片文件，请上传 PNG、JPEG 或 WebP 图片。"),
}
