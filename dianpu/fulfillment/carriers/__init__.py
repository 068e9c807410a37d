"""Registry of carriers, by code."""

from . import china, international
from .base import Carrier

CARRIERS: dict[str, Carrier] = {c.code: c for c in (*china.CARRIERS, *international.CARRIERS)}


def get_carrier(code: str) -> Carrier | None:
    return CARRIERS.get(code)


__all__ = ["CARRIERS", "Carrier", "get_carrier"]
