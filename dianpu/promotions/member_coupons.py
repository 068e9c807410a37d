"""Coupons given to one customer by the CRM (points exchange, birthday coupon, win-back offer):
the customers app publishes MemberCouponIssued inside its transaction; this creates the coupon
there, single-use, so it is redeemed like any other coupon at checkout."""

from dianpu import events

from .models import Coupon


def on_member_coupon_issued(event: events.MemberCouponIssued) -> None:
    Coupon.objects.create(
        code=event.code,
        name=event.name[:100],
        kind=Coupon.Kind.AMOUNT,
        amount=event.amount,
        min_spend=event.min_spend,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        usage_limit=1,
        per_customer_limit=1,
        created_at=event.starts_at,
    )
