"""How many units to reorder (补货建议). Pure.

target = velocity × (lead time + days of cover wanted) + safety stock
order  = target − available − on order, rounded up to the supplier's minimum order quantity,
         and nothing when available + on order already reaches the target.
"""

import math
from decimal import Decimal


def calculate_reorder_quantity(
    *,
    velocity: Decimal,
    lead_time_days: int,
    cover_days: int,
    safety_stock: int,
    available: int,
    on_order: int,
    min_order_quantity: int = 1,
) -> int:
    if lead_time_days < 0 or cover_days < 0 or safety_stock < 0 or on_order < 0:
        raise ValueError("negative input")
    target = Decimal(velocity) * (lead_time_days + cover_days) + safety_stock
    short = target - available - on_order
    if short <= 0:
        return 0
    quantity = math.ceil(short)
    return max(quantity, min_order_quantity or 1)
