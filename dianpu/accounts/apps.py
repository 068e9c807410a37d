from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles_after_migrate(sender, **kwargs):
    from .services import sync_roles

    sync_roles()


def _end_sign_in_on_logout(sender, request=None, **kwargs):
    from .signin import mark_signed_out

    if request is not None and hasattr(request, "session"):
        mark_signed_out(request.session.session_key)


class AccountsConfig(AppConfig):
    name = "dianpu.accounts"
    label = "accounts"

    def ready(self):
        # Permissions exist only after migrate (one post_migrate per app, in app order), so
        # roles are re-synced after each; it is idempotent and cheap.
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="dianpu.sync_roles")
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_end_sign_in_on_logout, dispatch_uid="dianpu.end_sign_in")
