"""dianpu check-links [--max-pages N]: crawl the storefront now for broken links and missing
images (the worker does it daily); exit 1 when something is broken."""

from django.core.management.base import BaseCommand, CommandError

from dianpu.operations import services


class Command(BaseCommand):
    help = "Check the storefront for broken links and missing images."

    def add_arguments(self, parser):
        parser.add_argument("--max-pages", type=int, default=None)

    def handle(self, *args, max_pages=None, **options):
        check = services.run_link_check(max_pages)
        problems = list(check.problems.order_by("kind", "page")[:200])
        for p in problems:
            self.stdout.write(f"{p.kind} {p.status} {p.target} (on {p.page})")
        self.stdout.write(
            f"{check.pages} pages, {check.links} links and images checked"
            f"{' (stopped at the page limit)' if check.truncated else ''}"
        )
        if problems:
            raise CommandError(f"{check.problems.count()} broken links or missing images")
