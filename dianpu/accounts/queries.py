"""Reads for the staff security pages: API tokens, sign-in sessions."""

from .models import ApiToken

TOKEN_ROWS = 200  # a page lists at most this many tokens, newest first


def list_tokens(*, viewer, everyone: bool):
    """The viewer's own tokens, or every staff member's (`everyone`, for those who manage staff)."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    if not everyone:
        tokens = tokens.filter(user=viewer)
    return list(tokens[:TOKEN_ROWS])


def token_visible_to(*, viewer, token_id: int, everyone: bool) -> ApiToken | None:
    tokens = ApiToken.objects.select_related("user").filter(pk=token_id)
    if not everyone:
        tokens = tokens.filter(user=viewer)
    return tokens.first()
