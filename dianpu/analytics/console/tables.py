"""The console's analytics tables: columns in the page's language, rows from analytics.queries."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dianpu.core.tables import Column, Table

STEP_LABELS = {
    "visits": lambda: pgettext("funnel step", "访问"),
    "product_view_visits": lambda: pgettext("funnel step", "浏览商品"),
    "cart_visits": lambda: pgettext("funnel step", "加入购物车"),
    "checkout_visits": lambda: pgettext("funnel step", "进入结算"),
    "purchase_visits": lambda: pgettext("funnel step", "下单"),
    "paid_visits": lambda: pgettext("funnel step", "支付"),
}
FLAG_LABELS = {"declining": lambda: _("下滑"), "improve_or_replace": lambda: _("需改进或更换")}
SEGMENT_LABELS = {
    "high_value": lambda: _("高价值客户"),
    "loyal": lambda: _("忠诚客户"),
    "at_risk": lambda: _("流失风险"),
    "lost": lambda: _("已流失"),
    "other": lambda: _("一般客户"),
}
WEEKDAYS = {
    1: lambda: _("周一"),
    2: lambda: _("周二"),
    3: lambda: _("周三"),
    4: lambda: _("周四"),
    5: lambda: _("周五"),
    6: lambda: _("周六"),
    7: lambda: _("周日"),
}


def flag_label(flag) -> str:
    return FLAG_LABELS[flag]() if flag in FLAG_LABELS else ""


def funnel_table(key, title, steps) -> Table:
    rows = [
        {
            "label": STEP_LABELS[s["step"]](),
            "visits": s["visits"],
            "drop_off_rate": s["drop_off_rate"],
            "rate_from_start": s["rate_from_start"],
        }
        for s in steps
    ]
    return Table(
        key,
        title,
        [
            Column("label", _("步骤")),
            Column("visits", _("访问次数"), numeric=True),
            Column("drop_off_rate", _("本步流失率"), percent=True),
            Column("rate_from_start", _("占访问比例"), percent=True),
        ],
        rows,
    )


def channel_table(key, title, groups, labels) -> Table:
    rows = []
    for group in groups:
        row = {"label": str(labels.get(group["key"], group["key"]))}
        for step in group["steps"]:
            row[step["step"]] = step["visits"]
            row[step["step"] + "_drop"] = step["drop_off_rate"]
        row["conversion_rate"] = group["steps"][-1]["rate_from_start"]
        rows.append(row)
    columns = [Column("label", _("分组"))]
    for step in STEP_LABELS:
        columns.append(Column(step, STEP_LABELS[step](), numeric=True))
        if step != "visits":
            columns.append(Column(step + "_drop", _("流失率"), percent=True))
    columns.append(Column("conversion_rate", _("转化率"), percent=True))
    return Table(key, title, columns, rows)


def source_table(key, title, sources, labels) -> Table:
    rows = [{**r, "channel": str(labels.get(r["channel"], r["channel"]))} for r in sources]
    return Table(
        key,
        title,
        [
            Column("source", _("来源")),
            Column("channel", _("渠道")),
            Column("visits", _("访问次数"), numeric=True),
            Column("product_view_visits", STEP_LABELS["product_view_visits"](), numeric=True),
            Column("cart_visits", STEP_LABELS["cart_visits"](), numeric=True),
            Column("checkout_visits", STEP_LABELS["checkout_visits"](), numeric=True),
            Column("purchase_visits", STEP_LABELS["purchase_visits"](), numeric=True),
            Column("paid_visits", STEP_LABELS["paid_visits"](), numeric=True),
            Column("conversion_rate", _("转化率"), percent=True),
        ],
        rows,
    )


def bestseller_table(items, date_from=None, date_to=None) -> Table:
    """The table fits a 1366-pixel screen: the figures to act on; list impressions and clicks stay
    in the API and the report."""
    rows = []
    query = f"?date_from={date_from}&date_to={date_to}" if date_from and date_to and date_from != date_to else ""
    for item in items:
        url = reverse("console:analytics:bestseller-product", args=[item["slug"]]) + query if item["slug"] else ""
        rows.append({**item, "flag_label": flag_label(item["flag"]), "url": url})
    return Table(
        "bestsellers",
        _("爆款数据跟踪"),
        [
            Column("name", _("商品")),
            Column("flag_label", _("预警")),
            Column("visitors", _("访客数"), numeric=True),
            Column("avg_dwell_seconds", _("平均停留（秒）"), numeric=True),
            Column("add_to_cart_rate", _("加购率"), percent=True),
            Column("buyers", _("支付买家数"), numeric=True),
            Column("conversion_rate", _("转化率"), percent=True),
            Column("units", _("件数"), numeric=True),
            Column("sales", _("销售额"), numeric=True),
            Column("refunds", _("退款金额"), numeric=True),
            Column("click_through_rate", _("主图点击率"), percent=True),
        ],
        rows,
        links={"name": "url"},
    )


def product_track_table(days) -> Table:
    rows = [{**d, "flag_label": flag_label(d["flag"])} for d in reversed(days)]
    return Table(
        "product_track",
        _("每日数据"),
        [
            Column("date", _("日期")),
            Column("flag_label", _("预警")),
            Column("visitors", _("访客数"), numeric=True),
            Column("avg_dwell_seconds", _("平均停留（秒）"), numeric=True),
            Column("buyers", _("支付买家数"), numeric=True),
            Column("converted_visitors", _("购买的访客"), numeric=True),
            Column("conversion_rate", _("转化率"), percent=True),
            Column("units", _("件数"), numeric=True),
            Column("sales", _("销售额"), numeric=True),
        ],
        rows,
    )


def breakdown_table(key, title, rows, *, with_margin, by, channel_labels) -> Table:
    shown = []
    for r in rows:
        label = r["key"]
        if by == "weekday":
            label = WEEKDAYS[r["key"]]()
        elif by == "hour":
            label = f"{r['key']:02d}:00"
        elif by == "channel":
            label = str(channel_labels.get(r["key"], r["key"]))
        shown.append({**r, "key": label})
    columns = [Column("key", str(title)), Column("orders", _("订单数"), numeric=True)]
    if by in ("category", "price_band", "product"):
        columns.append(Column("units", _("件数"), numeric=True))
    columns.append(Column("sales", _("销售额"), numeric=True))
    if with_margin:
        columns.append(Column("margin", _("毛利"), numeric=True))
    return Table(key, str(title), columns, shown)


def rfm_table(segments) -> Table:
    rows = [{**s, "label": SEGMENT_LABELS[s["segment"]]()} for s in segments]
    return Table(
        "rfm",
        _("RFM 客户分群"),
        [
            Column("label", _("分群")),
            Column("customers", _("客户数"), numeric=True),
            Column("revenue", _("消费金额"), numeric=True),
        ],
        rows,
    )


def cohort_table(cohorts) -> Table:
    width = max((len(c["returned"]) for c in cohorts), default=0)
    rows = []
    for c in cohorts:
        row = {"month": c["month"], "customers": c["customers"], "repurchase_rate": c["repurchase_rate"]}
        for i, n in enumerate(c["returned"], 1):
            row[f"m{i}"] = n
        rows.append(row)
    columns = [
        Column("month", _("首单月份")),
        Column("customers", _("新客数"), numeric=True),
        Column("repurchase_rate", _("复购率"), percent=True),
    ]
    columns += [Column(f"m{i}", _("第 %(n)s 月回购") % {"n": i}, numeric=True) for i in range(1, width + 1)]
    return Table("cohorts", _("首单月份同期群"), columns, rows)


def row_table(kind, rows, channel_labels, device_labels) -> Table:
    if kind == "visits":
        shown = [
            {
                **r,
                "channel": str(channel_labels.get(r["channel"], r["channel"])),
                "device": str(device_labels.get(r["device"], r["device"])),
                "stage": STEP_LABELS[
                    (
                        "visits",
                        "product_view_visits",
                        "cart_visits",
                        "checkout_visits",
                        "purchase_visits",
                        "paid_visits",
                    )[r["stage"] - 1]
                ](),
            }
            for r in rows
        ]
        return Table(
            "visits",
            _("访问明细"),
            [
                Column("day", _("日期")),
                Column("visitor_id", _("访客")),
                Column("channel", _("渠道")),
                Column("source", _("来源")),
                Column("device", _("设备")),
                Column("stage", _("最远到达")),
            ],
            shown,
        )
    if kind == "refunds":
        shown = [{**r, "url": reverse("console:orders:order-detail", args=[r["number"]])} for r in rows]
        return Table(
            "refunds",
            _("退款明细"),
            [
                Column("created_at", _("退款时间")),
                Column("number", _("订单号")),
                Column("amount", _("退款金额"), numeric=True),
                Column("reason", _("原因")),
            ],
            shown,
            links={"number": "url"},
        )
    shown = [{**r, "url": reverse("console:orders:order-detail", args=[r["number"]])} for r in rows]
    title = _("新客订单") if kind == "new" else _("老客订单")
    return Table(
        kind,
        title,
        [
            Column("placed_at", _("下单时间")),
            Column("number", _("订单号")),
            Column("email", _("买家邮箱")),
            Column("grand_total", _("应付总额"), numeric=True),
        ],
        shown,
        links={"number": "url"},
    )


PAGE_LABELS = {
    "home": lambda: _("首页"),
    "category": lambda: _("分类页"),
    "product": lambda: _("商品详情页"),
    "search": lambda: _("搜索页"),
    "cart": lambda: _("购物车"),
    "checkout": lambda: _("结算页"),
    "order": lambda: _("订单页"),
}


def path_table(key, title, paths) -> Table:
    rows = [
        {
            "pages": " → ".join(PAGE_LABELS[p]() if p in PAGE_LABELS else p for p in r["pages"]),
            "visits": r["visits"],
            "share": r["share"],
        }
        for r in paths
    ]
    return Table(
        key,
        title,
        [
            Column("pages", _("页面路径（最后几步）")),
            Column("visits", _("访问次数"), numeric=True),
            Column("share", _("占比"), percent=True),
        ],
        rows,
    )
