"""Test builders for purchasing, through the real services."""

import itertools

from dianpu.purchasing.services import create_supplier, set_supplier_price

_seq = itertools.count(1)


def make_supplier(*, name="义乌织造厂", lead_time_days=7, email="", prices=None):
    """A supplier; `prices` maps variant -> unit cost (or (unit cost, minimum order quantity))."""
    supplier = create_supplier(
        actor=None, code=f"sup-{next(_seq)}", name=name, lead_time_days=lead_time_days, email=email
    )
    for variant, price in (prices or {}).items():
        cost, moq = price if isinstance(price, tuple) else (price, 1)
        set_supplier_price(actor=None, supplier=supplier, variant=variant, unit_cost=cost, min_order_quantity=moq)
    return supplier
