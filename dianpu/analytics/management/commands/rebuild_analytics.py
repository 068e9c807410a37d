"""`dianpu rebuild_analytics`: recompute every analytics rollup from the raw tables (after a bulk
import or a restore). Shows progress; safe to run again. `--rfm-cells` only cuts the RFM cells again
from the buyer summaries (after a change of ANALYTICS_RFM_RULE: seconds, not the whole rebuild)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from dianpu.analytics.services import rebuild_rfm_cells, rebuild_rollups


class Command(BaseCommand):
    help = "Recompute the analytics rollups from orders, refunds and tracking events."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--rfm-cells",
            action="store_true",
            help="only cut the RFM cells again from the buyer summaries (after a change of the RFM rule)",
        )

    def handle(self, *args: Any, verbosity: int, rfm_cells: bool, **options: Any) -> None:
        if rfm_cells:
            rebuild_rfm_cells()
            if verbosity >= 1:
                self.stdout.write(self.style.SUCCESS("RFM cells cut again."))
            return
        with tqdm(desc="rollups", unit="row", unit_scale=True, disable=verbosity < 1, file=self.stderr._out) as bar:
            rebuild_rollups(progress=bar.update)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS("Analytics rollups rebuilt."))
