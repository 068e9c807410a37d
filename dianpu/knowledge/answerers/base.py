"""The answerer interface and the passages it is given."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Passage:
    title: str
    text: str
    url: str


class Answerer(Protocol):
    def compose(self, *, question: str, passages: list[Passage], language: str) -> str | None:
        """The answer worded from `passages` only, in `language`; None when it cannot."""
