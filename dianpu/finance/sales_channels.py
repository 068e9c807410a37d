"""Which sales channel an order came through, as the books keep it and as people read it.

`Order.channel` holds a code ("web", a marketplace's code typed at an import such as "taobao")
or, for a connected channel (app `channels`), that channel's id as text. The books read it only
through `order_channel` (so a change in how orders store it is adapted here, once) and show it
only through `channel_names`, which uses the shared `channels.queries.channel_labels`."""

from dianpu.channels.queries import channel_labels


def order_channel(order) -> str:
    """The channel the books record for an order (its code, or a connected channel's id)."""
    return (getattr(order, "channel", "") or "").strip()[:100]


def channel_names(codes) -> dict[str, str]:
    """Each channel as recorded in the books -> what people call it, as everywhere else in the
    console (`channels.queries.channel_labels`); "" stays "" (no channel)."""
    codes = {str(c) for c in codes if c is not None}
    names = channel_labels(codes - {""})
    return {c: names.get(c, "") for c in codes}


def channel_name(code: str) -> str:
    return channel_names([code]).get(str(code), str(code))
