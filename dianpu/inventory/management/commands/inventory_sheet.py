"""`dianpu inventory-sheet [--date YYYY-MM-DD] [--output FILE.xlsx] [--email]`: build the daily
inventory sheet now (what the worker e-mails each morning): save it as XLSX and/or e-mail it."""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from dianpu.inventory.exports import build_daily_sheet_xlsx, daily_sheet_filename
from dianpu.inventory.notifications import send_daily_sheet
from dianpu.inventory.queries import count_stock_actions, iter_daily_sheet, local_today
from dianpu.inventory.services import ensure_stock_summaries_current


class Command(BaseCommand):
    help = "Build the daily inventory sheet: save it as XLSX and/or e-mail it to stock staff."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the sheet's day (default: today, shop time)")
        parser.add_argument("--output", help="where to save the XLSX (a file or a directory)")
        parser.add_argument("--email", action="store_true", help="e-mail it to staff who may adjust stock")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else local_today()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from None
        if not options["output"] and not options["email"]:
            raise CommandError("say --output FILE and/or --email")
        ensure_stock_summaries_current()
        if options["output"]:
            target = Path(options["output"])
            if target.is_dir():
                target = target / daily_sheet_filename(day)
            with translation.override(settings.LANGUAGE_CODE), open(target, "wb") as handle:
                build_daily_sheet_xlsx(iter_daily_sheet(), day, out=handle)
            self.stdout.write(f"{sum(count_stock_actions().values())} SKUs → {target}")
        if options["email"]:
            self.stdout.write(f"sent to {send_daily_sheet(day)} recipient(s)")
