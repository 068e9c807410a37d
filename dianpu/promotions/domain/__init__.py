"""The promotion engine: pure Python, no Django, no I/O, no clock.

`evaluate_cart(CartFacts, promotions, coupons)` returns a `PricingResult`. Stacking and priority
are documented in `engine.py` and docs/decisions/0007-one-pricing-engine.md.
"""

from .engine import evaluate_cart
from .types import (
    Adjustment,
    CartFacts,
    CouponFacts,
    CouponRejection,
    CustomerFacts,
    Hint,
    LineFacts,
    PricedLine,
    PricingResult,
    Promotion,
    Scope,
)

__all__ = [
    "Adjustment",
    "CartFacts",
    "CouponFacts",
    "CouponRejection",
    "CustomerFacts",
    "Hint",
    "LineFacts",
    "PricedLine",
    "PricingResult",
    "Promotion",
    "Scope",
    "evaluate_cart",
]
