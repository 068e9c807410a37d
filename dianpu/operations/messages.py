"""operations error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "disk_full": _("磁盘空间不足，备份未完成（%(path)s），未完成的文件已删除。"),
    "backup_failed": _("备份失败：%(reason)s"),
    "dump_failed": _("pg_dump 失败：%(reason)s"),
    "backup_missing": _("找不到备份文件：%(path)s"),
    "backup_unreadable": _("备份文件不完整或已损坏（%(reason)s），未做任何更改。"),
    "backup_other_version": _("该备份来自其他版本（%(version)s），无法恢复，未做任何更改。"),
    "backup_other_schema": _("该备份的数据库结构与当前版本不同（%(migrations)s），无法恢复，未做任何更改。"),
    "backup_other_database": _("该备份来自另一种数据库（%(kind)s），无法恢复到当前数据库，未做任何更改。"),
    "store_not_empty": _("当前店铺已有数据；确认要覆盖请加 --yes。未做任何更改。"),
    "restore_failed": _("恢复失败：%(reason)s"),
    "no_backup": _("还没有可检查的备份。"),
    "offsite_failed": _("上传到对象存储失败：%(reason)s"),
}
