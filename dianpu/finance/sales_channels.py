"""Which sales channel an order came through, as the books keep it and as people read it.

`Order.channel` holds a code ("web", a marketplace's code typed at an import such as "taobao")
or, for a connected channel (app `channels`), that channel's id as text. The books read it only
through `order_channel` (so a change in how orders store it is adapted here, once) and show it
only through `channel_names` (a connected channel by its name, a code by its label)."""

from django.utils.translation import gettext_lazy as _

from dianpu.channels.models import Channel

LABELS = {
    "web": _("网店"),
    "shopify": "Shopify",
    "taobao": _("淘宝/天猫"),
    "tmall": _("天猫"),
    "jd": _("京东"),
    "pdd": _("拼多多"),
    "douyin": _("抖音"),
    "xiaohongshu": _("小红书"),
    "wechat": _("微信"),
    "other": _("其他渠道"),
}


def order_channel(order) -> str:
    """The channel the books record for an order (its code, or a connected channel's id)."""
    return (getattr(order, "channel", "") or "").strip()[:100]


def channel_names(codes) -> dict[str, str]:
    """Each channel as recorded in the books -> what people call it. A connected channel (its id)
    shows its name, a known code its label, anything else itself; "" stays "" (no channel)."""
    codes = {str(c) for c in codes if c is not None}
    ids = {int(c) for c in codes if c.isdigit() and len(c) < 18}
    connected = {str(pk): name for pk, name in Channel.objects.filter(pk__in=ids).values_list("pk", "name")} if ids else {}
    return {c: connected.get(c) or (str(LABELS[c.lower()]) if c.lower() in LABELS else c) for c in codes}


def channel_name(code: str) -> str:
    return channel_names([code]).get(str(code), str(code))
