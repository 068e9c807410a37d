from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles_after_migrate(sender, **kwargs):
    from .services import sync_roles

    sync_roles()


class AccountsConfig(AppConfig):
    name = "dianpu.accounts"
    label = "accounts"

    def ready(self):
        # Permissions exist only after migrate (one post_migrate per app, in app order), so
        # roles are re-synced after each; it is idempotent and cheap.
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="dianpu.sync_roles")
