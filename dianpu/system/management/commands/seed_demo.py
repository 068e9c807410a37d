from argparse import ArgumentTypeError
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from dianpu.core.errors import DomainError
from dianpu.system.demo import DEMO_PASSWORD, DemoOptions, seed_demo


def _timestamp(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"not an ISO time: {text!r} (e.g. 2026-11-11T20:00:00+08:00)") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Fill the store with demo data: a bilingual catalogue, stock, customers, orders over the last "
        "--days days (618, 双十一 …) and one staff sign-in per role (password dianpu-demo). "
        "The same --seed gives the same data. Refuses a store that has products unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=300, help="products (SPUs) to create (default 300)")
        parser.add_argument("--customers", type=int, default=2000, help="customers (default 2000)")
        parser.add_argument("--orders", type=int, default=12000, help="orders (default 12000: a year of a small shop)")
        parser.add_argument("--days", type=int, default=365, help="days of history ending today (default 365)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--now",
            type=_timestamp,
            default=None,
            help="end the history at this ISO time instead of now (for repeatable runs)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the shop's data (products, stock, customers, orders, payments, shipments, audit log) first",
        )

    def handle(self, *args, products, customers, orders, days, seed, reset, verbosity, now=None, **options):
        stream = getattr(self.stderr, "_out", self.stderr)
        if isinstance(now, str):  # call_command() hands keyword options over unparsed
            try:
                now = _timestamp(now)
            except ArgumentTypeError as exc:
                raise CommandError(str(exc)) from exc

        def progress(description: str, total: int):
            return tqdm(
                total=total,
                desc=f"{description:<9}",
                file=stream,
                disable=verbosity < 1,
                mininterval=0.25,
                dynamic_ncols=True,
            )

        try:
            summary = seed_demo(
                DemoOptions(
                    products=products, customers=customers, orders=orders, days=days, seed=seed, reset=reset, now=now
                ),
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(str(exc.detail)) from exc
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS("Demo store ready."))
            for key, value in summary.items():
                if isinstance(value, dict):
                    value = ", ".join(f"{k} {v}" for k, v in value.items())
                self.stdout.write(f"  {key:<20} {value}")
            self.stdout.write(f"  staff sign-in password: {DEMO_PASSWORD}")
