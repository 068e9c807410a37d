"""Reactions to order events: keep the order rollups in step, in the same transaction."""

from dianpu import events

from . import services


def on_order_placed(event: events.OrderPlaced) -> None:
    services.count_order_placed(event.order_id)


def on_order_transitioned(event: events.OrderTransitioned) -> None:
    services.count_order_changed(event.order_id)


def on_order_refunded(event: events.OrderRefunded) -> None:
    services.count_refund(event.refund_id)


def register() -> None:
    events.subscribe(events.OrderPlaced, on_order_placed)
    events.subscribe(events.OrderTransitioned, on_order_transitioned)
    events.subscribe(events.OrderRefunded, on_order_refunded)
