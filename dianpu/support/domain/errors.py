"""Error codes of the service desk (texts in dianpu/support/messages.py)."""

from typing import Any

from dianpu.core.errors import DomainError


class SupportError(DomainError):
    """A refused service-desk action; `code` picks the text in messages.py."""

    def __init__(self, code: str, *, status: int = 422, **params: Any) -> None:
        from dianpu.support.messages import MESSAGES  # text only: no models

        text = MESSAGES.get(code, code)
        super().__init__(str(text) % params if params else str(text), code=code, status=status, **params)
