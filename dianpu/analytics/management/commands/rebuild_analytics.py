"""`dianpu rebuild_analytics`: recompute every analytics rollup from the raw tables (after a bulk
import or a restore). Shows progress; safe to run again."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from dianpu.analytics.services import rebuild_rollups


class Command(BaseCommand):
    help = "Recompute the analytics rollups from orders, refunds and tracking events."

    def handle(self, *args, verbosity, **options):
        with tqdm(desc="rollups", unit="row", unit_scale=True, disable=verbosity < 1, file=self.stderr._out) as bar:
            rebuild_rollups(progress=bar.update)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS("Analytics rollups rebuilt."))
