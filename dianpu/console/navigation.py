"""The console's sections and the permission each needs: who may open which page, in one place."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from dianpu.accounts.domain import roles


@dataclass(frozen=True)
class Section:
    key: str
    label: Promise
    url_name: str
    permission: str | None  # None: every staff member


SECTIONS: tuple[Section, ...] = (
    Section("home", pgettext_lazy("console section", "概览"), "console:home", None),
    Section("catalog", pgettext_lazy("console section", "商品"), "console:catalog:product-list", roles.VIEW_CATALOG),
    Section("orders", pgettext_lazy("console section", "订单"), "console:orders:order-list", roles.VIEW_ORDERS),
    Section("returns", pgettext_lazy("console section", "售后"), "console:returns:return-list", roles.VIEW_RETURNS),
    Section("fulfillment", pgettext_lazy("console section", "物流"), "console:fulfillment:home", roles.VIEW_ORDERS),
    Section("inventory", pgettext_lazy("console section", "库存"), "console:inventory:level-list", roles.VIEW_STOCK),
    Section(
        "notifications",
        pgettext_lazy("console section", "通知模板"),
        "console:messaging:template-list",
        roles.EDIT_TEMPLATES,
    ),
    Section(
        "purchasing", pgettext_lazy("console section", "采购"), "console:purchasing:order-list", roles.VIEW_PURCHASING
    ),
    Section(
        "promotions",
        pgettext_lazy("console section", "促销"),
        "console:promotions:promotion-list",
        roles.MANAGE_PROMOTIONS,
    ),
    Section(
        "marketing", pgettext_lazy("console section", "营销"), "console:marketing:campaign-list", roles.MANAGE_MARKETING
    ),
    Section(
        "analytics", pgettext_lazy("console section", "数据分析"), "console:analytics:dashboard", roles.VIEW_ANALYTICS
    ),
    Section(
        "customers", pgettext_lazy("console section", "客户"), "console:customers:customer-list", roles.VIEW_CUSTOMERS
    ),
    Section(
        "channels", pgettext_lazy("console section", "销售渠道"), "console:channels:channel-list", roles.MANAGE_CHANNELS
    ),
    Section("support", pgettext_lazy("console section", "客服"), "console:support:inbox", roles.ANSWER_CONVERSATIONS),
    Section(
        "competitors",
        pgettext_lazy("console section", "竞品"),
        "console:competitors:competitor-list",
        roles.MONITOR_COMPETITORS,
    ),
    Section("knowledge", pgettext_lazy("console section", "知识库"), "console:knowledge:article-list", None),
    Section("design", pgettext_lazy("console section", "美工需求"), "console:design:brief-list", roles.WORK_ON_BRIEFS),
    Section("teamwork", pgettext_lazy("console section", "日常工作"), "console:teamwork:today", None),
    Section("finance", pgettext_lazy("console section", "财务"), "console:finance:overview", roles.VIEW_BOOKS),
    Section("audit", pgettext_lazy("console section", "审计日志"), "console:audit:entry-list", roles.VIEW_AUDIT),
    Section("staff", pgettext_lazy("console section", "员工与角色"), "console:accounts:staff-list", roles.MANAGE_STAFF),
    Section("shop", pgettext_lazy("console section", "店铺设置"), "console:shop:settings", roles.MANAGE_SHOP),
    Section("status", pgettext_lazy("console section", "运行状态"), "console:operations:status", roles.VIEW_OPERATIONS),
)
# URL namespace inside "console" -> section key
NAMESPACE_SECTIONS = {
    "catalog": "catalog",
    "orders": "orders",
    "inventory": "inventory",
    "audit": "audit",
    "accounts": "staff",
    "payments": "orders",
    "returns": "returns",
    "messaging": "notifications",
    "fulfillment": "fulfillment",
    "channels": "channels",
    "purchasing": "purchasing",
    "promotions": "promotions",
    "marketing": "marketing",
    "analytics": "analytics",
    "customers": "customers",
    "shop": "shop",
    "competitors": "competitors",
    "support": "support",
    "reviews": "support",
    "knowledge": "knowledge",
    "operations": "status",
    "design": "design",
    "teamwork": "teamwork",
    "finance": "finance",
}


def section_of(namespaces: list[str]) -> str:
    for namespace in reversed(namespaces):
        if namespace in NAMESPACE_SECTIONS:
            return NAMESPACE_SECTIONS[namespace]
    return "home"


def sections_for(user) -> list[dict]:
    """The sections `user` may open, with their URLs."""
    return [
        {"key": s.key, "label": s.label, "url": reverse(s.url_name)}
        for s in SECTIONS
        if s.permission is None or user.has_perm(s.permission)
    ]
