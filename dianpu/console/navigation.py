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
    Section("inventory", pgettext_lazy("console section", "库存"), "console:inventory:level-list", roles.VIEW_STOCK),
    Section("analytics", pgettext_lazy("console section", "数据分析"), "console:analytics:dashboard",
            roles.VIEW_ANALYTICS),
    Section("audit", pgettext_lazy("console section", "审计日志"), "console:audit:entry-list", roles.VIEW_AUDIT),
    Section("staff", pgettext_lazy("console section", "员工与角色"), "console:accounts:staff-list", roles.MANAGE_STAFF),
)
# URL namespace inside "console" -> section key
NAMESPACE_SECTIONS = {"catalog": "catalog", "orders": "orders", "inventory": "inventory", "audit": "audit",
                      "accounts": "staff", "analytics": "analytics"}


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
