"""The default checklists of every role (domain/routines.py), so the first morning has routines."""

from django.db import migrations

from dianpu.teamwork.domain.routines import DEFAULT_ROUTINES


def forward(apps, schema_editor):
    Template = apps.get_model("teamwork", "RoutineTemplate")
    if not Template.objects.exists():
        Template.objects.bulk_create(
            [Template(role=r.role, title=r.title, items=list(r.items)) for r in DEFAULT_ROUTINES]
        )


class Migration(migrations.Migration):
    dependencies = [("teamwork", "0001_routines_tasks_training")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
