"""DomainError: a refused business action with a stable code and a message per language.

Each app lists its codes in `<app>/messages.py` (code -> lazily translated text). The API turns
a DomainError into JSON `{"code", "detail", ...extra}` with the status the error carries; the
console shows `detail` to the user.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a lazily translated text (gettext_lazy) is as good as a str here
    from django.utils.functional import Promise


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(
        self, detail: "str | Promise | None" = None, *, code: str | None = None, status: int | None = None, **extra: Any
    ) -> None:
        if code:
            self.code = code
        if status:
            self.status = status
        self.detail = detail or self.code
        self.extra = extra
        super().__init__(str(self.detail))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "detail": str(self.detail), **self.extra}


class NotFoundError(DomainError):
    code = "not_found"
    status = 404


class ConflictError(DomainError):
    """The state moved under us (someone else changed it first)."""

    code = "conflict"
    status = 409


class ValidationFailed(DomainError):
    """Input that cannot be accepted; `errors` maps field -> message."""

    code = "invalid"
    status = 422

    def __init__(
        self, errors: dict[str, str], detail: "str | Promise | None" = None, codes: dict[str, str] | None = None
    ) -> None:
        extra = {"errors": errors, **({"error_codes": codes} if codes else {})}  # codes: field -> stable code
        super().__init__(detail or "; ".join(f"{k}: {v}" for k, v in errors.items()), **extra)
        self.errors = errors
