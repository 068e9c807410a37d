"""Conversation attachments move under MEDIA_ROOT/private/, which /media/ does not serve: they are
read through the support attachment view (visitor token, signed link or staff)."""

from django.db import migrations, models

OLD_PREFIX = "support/"
NEW_PREFIX = "private/support/"


def move_files(apps, schema_editor, *, source=OLD_PREFIX, target=NEW_PREFIX):
    from pathlib import Path

    from django.conf import settings

    Attachment = apps.get_model("support", "Attachment")
    root = Path(settings.MEDIA_ROOT)
    for attachment in Attachment.objects.filter(file__startswith=source).iterator():
        old_name = attachment.file.name
        new_name = target + old_name[len(source) :]
        old_path, new_path = root / old_name, root / new_name
        if old_path.exists():
            new_path.parent.mkdir(parents=True, exist_ok=True)
            old_path.replace(new_path)
        Attachment.objects.filter(pk=attachment.pk).update(file=new_name)


def move_files_back(apps, schema_editor):
    move_files(apps, schema_editor, source=NEW_PREFIX, target=OLD_PREFIX)


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0002_agent_logs_and_chat_reviews"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(upload_to="private/support/%Y/%m/"),
        ),
        migrations.RunPython(move_files, move_files_back),
    ]
