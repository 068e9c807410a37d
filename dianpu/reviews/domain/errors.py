"""Error codes of product reviews (texts in dianpu/reviews/messages.py)."""

from dianpu.core.errors import DomainError


class ReviewError(DomainError):
    def __init__(self, code: str, *, status: int = 422, **params: object) -> None:
        from dianpu.reviews.messages import MESSAGES  # text only: no models

        text = MESSAGES.get(code, code)
        super().__init__(str(text) % params if params else str(text), code=code, status=status, **params)
