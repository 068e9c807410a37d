"""Console forms for promotions and coupons. They keep what was typed and turn it into the same
definition the API takes; the service judges the whole definition and names bad fields."""

import json
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dianpu.promotions.domain.window import is_open_end
from dianpu.promotions.models import Coupon, Promotion

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _when(label):
    return forms.DateTimeField(
        label=label, required=False, widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
    )


def _number(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
    )


def _words(value: str) -> list[str]:
    return [w.strip() for w in (value or "").replace("，", ",").replace("\n", ",").split(",") if w.strip()]


def _decimal_or_text(value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return value  # the service answers "enter a number"


class ScopeFields(forms.Form):
    scope_all = forms.BooleanField(label=_("全部商品"), required=False, initial=True)
    scope_skus = forms.CharField(label=_("SKU"), required=False, help_text=_("逗号分隔"))
    scope_categories = forms.CharField(label=_("类目网址名"), required=False, help_text=_("逗号分隔，含子类目"))

    def scope(self) -> dict:
        d = self.cleaned_data
        if d.get("scope_all"):
            return {"all": True}
        scope = {}
        if _words(d.get("scope_skus")):
            scope["skus"] = _words(d["scope_skus"])
        if _words(d.get("scope_categories")):
            scope["categories"] = _words(d["scope_categories"])
        return scope

    @staticmethod
    def initial_scope(scope: dict) -> dict:
        scope = scope or {"all": True}
        return {
            "scope_all": bool(scope.get("all")),
            "scope_skus": ", ".join(scope.get("skus", [])),
            "scope_categories": ", ".join(scope.get("categories", [])),
        }


class KindFields:
    """The fields each kind uses: console.js shows only those of the chosen kind (all without JS)."""

    KIND_FIELDS: dict[str, tuple[str, ...]] = {}

    @property
    def kind_fields_json(self) -> str:
        return json.dumps({kind: list(names) for kind, names in self.KIND_FIELDS.items()})


class PromotionForm(KindFields, ScopeFields):
    KIND_FIELDS = {
        "percent_off": ("percent",),
        "amount_off": ("amount",),
        "member_price": ("percent",),
        "flash_sale": ("price", "stock_cap", "per_customer_limit"),
        "buy_x_get_y": ("buy", "get", "discount_percent"),
        "bundle": ("skus", "price"),
        "spend_x_save_y": ("tiers", "repeat"),
        "spend_x_percent_off": ("tiers",),
        "free_shipping": ("threshold",),
    }
    name = forms.CharField(label=_("名称"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Promotion.Kind.choices)
    starts_at = _when(_("开始时间"))
    ends_at = _when(_("结束时间"))
    priority = forms.IntegerField(label=_("优先级"), required=False, initial=0, help_text=_("数字大的先用"))
    exclusive = forms.BooleanField(label=_("不与其他促销同享"), required=False)
    allow_below_floor = forms.BooleanField(label=_("允许低于底价"), required=False)
    budget = _number(_("预算"), _("可选：活动成本上限，用于活动看板"))
    percent = _number(_("折扣（%）"), _("限时折扣、会员价：减免百分比，如 10 表示九折"))
    amount = _number(_("金额"), _("限时直降：每件减免金额"))
    price = _number(_("价格"), _("秒杀价或搭配购套餐价"))
    tiers = forms.CharField(
        label=_("档位"), required=False, help_text=_("满减如 200:20, 400:50；满折如 300:10（满 300 打九折）")
    )
    repeat = forms.BooleanField(label=_("每满（按门槛倍数叠加）"), required=False)
    buy = forms.IntegerField(label=_("买 N 件"), required=False, min_value=0)
    get = forms.IntegerField(label=_("送 / 折扣 M 件"), required=False, min_value=0)
    discount_percent = _number(_("第 M 件折扣（%）"), _("100 为免费，50 为半价"))
    threshold = _number(_("包邮门槛"), _("0 表示无门槛（可配合会员等级）"))
    skus = forms.CharField(label=_("搭配购 SKU"), required=False, help_text=_("逗号分隔，每个各一件"))
    stock_cap = forms.IntegerField(label=_("秒杀总量"), required=False, min_value=0)
    per_customer_limit = forms.IntegerField(label=_("每人限购"), required=False, min_value=0)
    member_tiers = forms.CharField(label=_("限会员等级"), required=False, help_text=_("逗号分隔，如 gold, platinum"))
    first_order = forms.BooleanField(label=_("仅限首单"), required=False)

    def definition(self) -> dict:
        d = self.cleaned_data
        data = {
            "name": d.get("name") or "",
            "kind": d.get("kind"),
            "starts_at": d.get("starts_at"),
            "ends_at": d.get("ends_at"),
            "priority": d.get("priority") or 0,
            "exclusive": d.get("exclusive"),
            "allow_below_floor": d.get("allow_below_floor"),
            "scope": self.scope(),
            "budget": _decimal_or_text(d.get("budget")),
        }
        for key in ("percent", "amount", "price", "discount_percent", "threshold"):
            value = _decimal_or_text(d.get(key))
            if value is not None:
                data[key] = value
        for key in ("buy", "get", "stock_cap", "per_customer_limit"):
            if d.get(key) is not None:
                data[key] = d[key]
        if d.get("kind") in ("spend_x_save_y", "spend_x_percent_off") or _words(d.get("tiers")):
            reward = "amount" if d.get("kind") == "spend_x_save_y" else "percent"
            tiers = []
            for pair in _words(d.get("tiers")):
                threshold, _sep, value = pair.replace("：", ":").partition(":")
                tiers.append({"threshold": _decimal_or_text(threshold), reward: _decimal_or_text(value)})
            data["tiers"] = tiers
            data["repeat"] = bool(d.get("repeat"))
        if _words(d.get("skus")):
            data["skus"] = _words(d["skus"])
        conditions = []
        if _words(d.get("member_tiers")):
            conditions.append({"kind": "member_tier", "tiers": _words(d["member_tiers"])})
        if d.get("first_order"):
            conditions.append({"kind": "first_order"})
        data["conditions"] = conditions
        if data["budget"] is None:
            data.pop("budget")
        return data

    @classmethod
    def initial_of(cls, p: Promotion) -> dict:
        params = p.params or {}
        tiers = params.get("tiers") or []
        reward = "amount" if p.kind == "spend_x_save_y" else "percent"
        initial = {
            "name": p.name,
            "kind": p.kind,
            "starts_at": timezone.localtime(p.starts_at),
            "ends_at": None if is_open_end(p.ends_at) else timezone.localtime(p.ends_at),
            "priority": p.priority,
            "exclusive": p.exclusive,
            "allow_below_floor": p.allow_below_floor,
            "budget": p.budget or "",
            "tiers": ", ".join(f"{t.get('threshold')}:{t.get(reward)}" for t in tiers),
            "repeat": params.get("repeat", False),
            "skus": ", ".join(params.get("skus", [])),
            **{
                k: params.get(k, "")
                for k in (
                    "percent",
                    "amount",
                    "price",
                    "discount_percent",
                    "threshold",
                    "buy",
                    "get",
                    "stock_cap",
                    "per_customer_limit",
                )
            },
            **cls.initial_scope(p.scope),
        }
        for c in p.conditions or []:
            if c.get("kind") == "member_tier":
                initial["member_tiers"] = ", ".join(c.get("tiers", []))
            if c.get("kind") == "first_order":
                initial["first_order"] = True
        return initial


class CouponForm(KindFields, ScopeFields):
    KIND_FIELDS = {"amount": ("amount",), "percent": ("percent",), "shipping": ()}
    code = forms.CharField(label=_("券码"), required=False, max_length=40)
    name = forms.CharField(label=_("名称"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Coupon.Kind.choices)
    amount = _number(_("金额"))
    percent = _number(_("折扣（%）"))
    min_spend = _number(_("最低消费"))
    starts_at = _when(_("开始时间"))
    ends_at = _when(_("结束时间"))
    usage_limit = forms.IntegerField(label=_("总次数上限"), required=False, min_value=0)
    per_customer_limit = forms.IntegerField(label=_("每人次数上限"), required=False, min_value=0)
    segments = forms.CharField(label=_("限定客户分群"), required=False, help_text=_("逗号分隔；留空为所有人"))

    def definition(self) -> dict:
        d = self.cleaned_data
        data = {
            "code": d.get("code") or "",
            "name": d.get("name") or "",
            "kind": d.get("kind"),
            "starts_at": d.get("starts_at"),
            "ends_at": d.get("ends_at"),
            "scope": self.scope(),
            "segments": _words(d.get("segments")),
            "usage_limit": d.get("usage_limit"),
            "per_customer_limit": d.get("per_customer_limit"),
        }
        for key in ("amount", "percent", "min_spend"):
            value = _decimal_or_text(d.get(key))
            if value is not None:
                data[key] = value
        return data

    @classmethod
    def initial_of(cls, c: Coupon) -> dict:
        return {
            "code": c.code,
            "name": c.name,
            "kind": c.kind,
            "amount": c.amount,
            "percent": c.percent,
            "min_spend": c.min_spend,
            "starts_at": timezone.localtime(c.starts_at),
            "ends_at": None if is_open_end(c.ends_at) else timezone.localtime(c.ends_at),
            "usage_limit": c.usage_limit,
            "per_customer_limit": c.per_customer_limit,
            "segments": ", ".join(c.segments or []),
            **cls.initial_scope(c.scope),
        }


class BatchForm(CouponForm):
    prefix = forms.CharField(label=_("前缀"), required=False, max_length=12)
    quantity = forms.IntegerField(label=_("数量"), required=False, min_value=0)
