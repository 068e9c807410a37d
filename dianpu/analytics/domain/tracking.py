"""Tracking vocabulary: event kinds, funnel stages, where a visit came from, what device it used."""

import re
from enum import IntEnum, StrEnum

SESSION_IDLE_MINUTES = 30  # a visit ends after 30 minutes without activity
MAX_EVENTS_PER_BATCH = 50


class Kind(StrEnum):
    PAGE_VIEW = "page_view"
    LEAVE = "leave"  # the page was left: carries the dwell time
    PRODUCT_VIEW = "product_view"
    LIST_IMPRESSION = "list_impression"  # a product card shown on a list page
    LIST_CLICK = "list_click"  # a product card (main image or name) clicked on a list page
    ADD_TO_CART = "add_to_cart"
    CHECKOUT_START = "checkout_start"
    PURCHASE = "purchase"
    PAID = "paid"  # an order placed in the visit was paid (recorded by the server when it is)


# Kinds the browser may send; the others are recorded by the server itself.
BROWSER_KINDS = frozenset({Kind.PAGE_VIEW, Kind.LEAVE, Kind.PRODUCT_VIEW, Kind.LIST_IMPRESSION, Kind.LIST_CLICK})


class Stage(IntEnum):
    """Funnel steps; a visit is counted at every step up to the furthest it reached."""

    VISIT = 1
    PRODUCT_VIEW = 2
    ADD_TO_CART = 3
    CHECKOUT = 4
    PURCHASE = 5
    PAID = 6


STAGE_OF_KIND: dict[str, Stage] = {
    Kind.PAGE_VIEW: Stage.VISIT,
    Kind.LEAVE: Stage.VISIT,
    Kind.LIST_IMPRESSION: Stage.VISIT,
    Kind.LIST_CLICK: Stage.VISIT,
    Kind.PRODUCT_VIEW: Stage.PRODUCT_VIEW,
    Kind.ADD_TO_CART: Stage.ADD_TO_CART,
    Kind.CHECKOUT_START: Stage.CHECKOUT,
    Kind.PURCHASE: Stage.PURCHASE,
    Kind.PAID: Stage.PAID,
}


def stage_of(kind: str) -> int:
    return int(STAGE_OF_KIND.get(kind, Stage.VISIT))


class Device(StrEnum):
    DESKTOP = "desktop"
    MOBILE = "mobile"
    TABLET = "tablet"
    BOT = "bot"


_BOT = re.compile(r"bot|crawl|spider|slurp|headless|curl|wget|python-requests", re.I)
_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.I)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|windows phone|micromessenger|harmonyos", re.I)


def classify_device(user_agent: str) -> Device:
    ua = user_agent or ""
    if _BOT.search(ua):
        return Device.BOT
    if _TABLET.search(ua):
        return Device.TABLET
    if _MOBILE.search(ua):
        return Device.MOBILE
    return Device.DESKTOP


class Channel(StrEnum):
    DIRECT = "direct"
    SEARCH = "search"
    SOCIAL = "social"
    PAID = "paid"
    EMAIL = "email"
    REFERRAL = "referral"
    CAMPAIGN = "campaign"


SEARCH_HOSTS = ("baidu.", "google.", "bing.", "sogou.", "so.com", "sm.cn", "yandex.", "duckduckgo.")
SOCIAL_HOSTS = (
    "weibo.",
    "weixin.",
    "wechat.",
    "qq.com",
    "douyin.",
    "xiaohongshu.",
    "zhihu.",
    "bilibili.",
    "facebook.",
    "instagram.",
    "t.co",
    "twitter.",
    "x.com",
    "tiktok.",
    "kuaishou.",
)
PAID_MEDIA = {"cpc", "ppc", "paid", "cpm", "ads", "display", "paidsearch", "paid_social"}


def _host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    return any(p in host for p in patterns)


def classify_channel(*, utm_source: str = "", utm_medium: str = "", referrer_host: str = "") -> Channel:
    """The channel of a visit from its first touch: UTM tags first, then the referring site."""
    medium = utm_medium.lower().strip()
    if medium in PAID_MEDIA:
        return Channel.PAID
    if medium in {"email", "e-mail", "newsletter", "edm"}:
        return Channel.EMAIL
    if medium in {"social", "social-network", "sns"}:
        return Channel.SOCIAL
    if medium in {"organic", "seo"}:
        return Channel.SEARCH
    if utm_source.strip():
        source = utm_source.lower()
        if _host_matches(source, SOCIAL_HOSTS) or source in {"weibo", "wechat", "douyin", "xiaohongshu"}:
            return Channel.SOCIAL
        return Channel.CAMPAIGN
    host = referrer_host.lower()
    if not host:
        return Channel.DIRECT
    if _host_matches(host, SEARCH_HOSTS):
        return Channel.SEARCH
    if _host_matches(host, SOCIAL_HOSTS):
        return Channel.SOCIAL
    return Channel.REFERRAL


def source_label(*, utm_source: str = "", referrer_host: str = "") -> str:
    """The source shown in tables: the UTM source, else the referring host, else "(direct)"."""
    return (utm_source.strip().lower() or referrer_host.strip().lower() or "(direct)")[:100]
