from django.contrib.auth import get_user_model

from dianpu.accounts.services import create_api_token, set_user_roles

PASSWORD = "test-pass-123"


def make_staff(role: str, username: str | None = None):
    """A staff user holding one role (owner, operator, marketing, agent, warehouse, finance, designer)."""
    user = get_user_model().objects.create_user(username or role, password=PASSWORD, is_staff=True)
    set_user_roles(actor=None, user=user, roles=[role])
    return get_user_model().objects.get(pk=user.pk)  # fresh: no cached permissions


def token_for(user) -> str:
    return create_api_token(user=user, name="test")
