"""Promotions and coupons with sensible defaults (live now, for a week)."""

from datetime import timedelta

from dianpu.core import clock
from dianpu.promotions.services import create_coupon, create_promotion


def make_promotion(kind="percent_off", *, name=None, **fields):
    now = clock.now()
    data = {
        "name": name or kind,
        "kind": kind,
        "starts_at": now - timedelta(days=1),
        "ends_at": now + timedelta(days=7),
        "scope": {"all": True},
        **fields,
    }
    return create_promotion(data)


def make_coupon(code="SAVE10", kind="amount", **fields):
    now = clock.now()
    data = {
        "code": code,
        "kind": kind,
        "starts_at": now - timedelta(days=1),
        "ends_at": now + timedelta(days=7),
        **({"amount": "10.00"} if kind == "amount" else {}),
        **fields,
    }
    return create_coupon(data)
