"""The checklists each role starts with (the seeds' 每日店铺检查), and when a routine is on time."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DefaultRoutine:
    role: str
    title: str
    items: tuple[str, ...]


DEFAULT_ROUTINES: tuple[DefaultRoutine, ...] = (
    DefaultRoutine(
        "owner",
        "每日店铺检查",
        ("查看昨日销售额、访客和转化率", "查看待审核订单和售后", "查看库存预警", "查看竞品动态", "确认今日活动准备"),
    ),
    DefaultRoutine(
        "operator",
        "每日运营检查",
        (
            "更新库存：核对低库存和在途采购",
            "竞品检查：价格、促销、主图",
            "爆款数据复盘：流量、转化、加购",
            "检查新品上架和商品信息",
            "活动准备：报名、价格、素材",
        ),
    ),
    DefaultRoutine("marketing", "每日推广检查", ("查看昨日活动和优惠券数据", "查看竞品促销", "准备明日活动素材和推送")),
    DefaultRoutine(
        "agent", "客服日志复盘", ("查看未回复的咨询和留言", "复盘昨日客服记录，整理常见问题", "跟进未完结的售后")
    ),
    DefaultRoutine("warehouse", "仓库每日检查", ("核对昨日发货和异常件", "检查低库存商品", "整理今日待收货采购单")),
    DefaultRoutine("finance", "财务每日检查", ("核对昨日收款和退款", "查看待付款采购单")),
    DefaultRoutine("designer", "美工每日检查", ("查看新的美工需求和修改意见", "按截止日期安排今日设计")),
)


def is_on_time(done_times: list[datetime | None], deadline: datetime) -> bool:
    """A routine is done on time when it has items and every one was ticked before the deadline
    (the end of its day)."""
    return bool(done_times) and all(t is not None and t <= deadline for t in done_times)


def clean_items(lines: list[str], limit: int = 30) -> list[str]:
    """Checklist items from user input: stripped, empty lines dropped, duplicates removed, bounded."""
    seen, items = set(), []
    for line in lines:
        text = " ".join(str(line).split())[:200]
        if text and text not in seen:
            seen.add(text)
            items.append(text)
    return items[:limit]
