from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dianpu.accounts.domain.scopes import AREAS
from dianpu.accounts.services import create_api_token
from dianpu.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create an API token for a staff user and print it (shown once; only its hash is kept). "
        "--scopes narrows it to areas (orders:read catalog:write …; write implies read); "
        "without --scopes it may do all the user's roles allow. --expires-in-days N ends it."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument(
            "--scopes", default="", help="comma- or space-separated <area>:read|write; areas: " + ", ".join(AREAS)
        )
        parser.add_argument("--expires-in-days", type=int, default=None, dest="expires_in_days")

    def handle(self, *args, username, name, scopes, expires_in_days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff")
        try:
            key = create_api_token(user=user, name=name, scopes=scopes, expires_in_days=expires_in_days)
        except DomainError as exc:
            raise CommandError(str(exc.detail)) from None
        self.stdout.write(key)
