"""Bot sessions keep only the SHA-256 of the key the visitor holds (core.visitor_tokens)."""

import hashlib

from django.db import migrations


def hash_existing_keys(apps, schema_editor):
    BotSession = apps.get_model("knowledge", "BotSession")
    for session in BotSession.objects.only("pk", "key_hash").iterator():
        session.key_hash = hashlib.sha256(session.key_hash.encode()).hexdigest()
        session.save(update_fields=["key_hash"])


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_articles_bot_sessions_answers")]

    operations = [
        migrations.RenameField("botsession", "key", "key_hash"),
        migrations.RunPython(hash_existing_keys, migrations.RunPython.noop),
    ]
