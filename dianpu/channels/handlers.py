"""Reactions of channels to other apps' events (registered in dianpu/events.py).

Stock moved: the SKU's listings on every channel are flagged in the same transaction, and a push
is queued once it commits (debounced: one queued push at a time collects every change made
meanwhile; the once-a-minute sweep catches anything else). A channel order shipped: its tracking
goes back to the platform after commit.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

PUSH_QUEUED_KEY = "channels:stock-push-queued"


def debounce_seconds() -> int:
    return int(getattr(settings, "CHANNEL_PUSH_DEBOUNCE_SECONDS", 3))


def on_stock_changed(event) -> None:
    from .sync import mark_stock_changed

    if mark_stock_changed(event.variant_ids):
        transaction.on_commit(_queue_push)


def _queue_push() -> None:
    from .tasks import push_channel_stock

    delay = debounce_seconds()
    if delay <= 0:
        push_channel_stock()
    elif cache.add(PUSH_QUEUED_KEY, 1, timeout=delay):
        push_channel_stock.schedule(delay=delay)


def on_order_transitioned(event) -> None:
    if event.to_status != "shipped":
        return
    from dianpu.orders.models import Order

    from .tasks import push_channel_tracking

    order_id = event.order_id
    channel = Order.objects.filter(pk=order_id).values_list("channel", flat=True).first() or ""
    if not channel.isdigit():  # web orders and file imports: nothing to send back
        return
    transaction.on_commit(lambda: push_channel_tracking(order_id))


def on_customer_erased(event) -> None:
    """A held channel order keeps the platform's copy of the buyer (for a retry): erased with them."""
    from .models import ChannelOrderIntake

    for intake in ChannelOrderIntake.objects.filter(payload__email__iexact=event.email).only("id", "payload"):
        kept = {k: intake.payload.get(k) for k in ("id", "name", "created_at") if k in intake.payload}
        ChannelOrderIntake.objects.filter(pk=intake.pk).update(payload=kept)
