from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dianpu.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Create an API token for a staff user and print it (shown once; only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff")
        self.stdout.write(create_api_token(user=user, name=name))
