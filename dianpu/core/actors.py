"""Who asks for a change: a staff user (console or API token), a signed-in user, an anonymous
visitor, or None for the system itself (a scheduled task, a webhook)."""

from typing import TYPE_CHECKING, TypeAlias, cast

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

Actor: TypeAlias = "User | AnonymousUser | None"


def person_of(actor: Actor) -> "User | None":
    """The signed-in user behind `actor`, or None (the system, an anonymous visitor): what a
    `created_by` or `actor` column stores."""
    return cast("User | None", actor if actor is not None and getattr(actor, "is_authenticated", False) else None)
