"""Reactions to other apps' domain events: a paid order, a shipment, a refund and received
goods, returned goods back on the shelf and ad spend post to the ledger, in the same transaction as the change that caused them."""

from dianpu import events

from . import postings

PAID_BY = {"mark_paid", "mark_delivered"}  # cash on delivery is paid when delivered


def on_order_transitioned(event: events.OrderTransitioned) -> None:
    if event.action in PAID_BY:
        postings.post_order_paid(event.order_id)
    if event.to_status == "shipped":
        postings.post_order_shipped(event.order_id)


def on_order_refunded(event: events.OrderRefunded) -> None:
    postings.post_refund(event.refund_id)


def on_return_received(event: events.ReturnReceived) -> None:
    postings.post_return_received(event.return_id)


def on_stock_received(event: events.StockReceived) -> None:
    postings.post_stock_received(
        variant_id=event.variant_id,
        warehouse_id=event.warehouse_id,
        quantity=event.quantity,
        unit_cost=event.unit_cost,
        reference=event.reference,
        received_at=event.received_at,
    )


def on_ad_spend_recorded(event: events.AdSpendRecorded) -> None:
    postings.post_ad_spend(
        ad_spend_id=event.ad_spend_id, day=event.day, channel=event.channel, campaign=event.campaign, spend=event.spend
    )


def register() -> None:
    events.subscribe(events.OrderTransitioned, on_order_transitioned)
    events.subscribe(events.OrderRefunded, on_order_refunded)
    events.subscribe(events.StockReceived, on_stock_received)
    events.subscribe(events.ReturnReceived, on_return_received)
    events.subscribe(events.AdSpendRecorded, on_ad_spend_recorded)
