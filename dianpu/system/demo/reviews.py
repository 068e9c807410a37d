"""Demo product reviews and conversation ratings (CSAT).

Reviews: about a third of the lines of delivered or completed orders that a customer placed get a
review a few days after delivery — mostly 4–5★, some 1–3★ with a concrete complaint, a few in
English — built from phrases that come back across reviews (质量很好, 物流很快, 尺码偏小, 包装破损…)
so a bestseller has an average, pages of reviews and review themes. They are written in bulk: the
same rows `reviews.services.submit_review` writes (product, line, customer, masked name, rating,
text, the line's variant label, visible), without images and WITHOUT the first-review points (the
CRM phase has already written the demo's points ledger; the demo awards none for reviews).

Ratings: about three quarters of the resolved demo conversations are rated through
`support.services.rate_conversation` (credited to the agent as the service decides), at least one
per agent who resolved a conversation, so every agent has a CSAT figure.
"""

import random
from datetime import datetime, timedelta

from dianpu.catalog.models import Product
from dianpu.orders.models import OrderLine
from dianpu.reviews.domain import rules
from dianpu.reviews.models import Review
from dianpu.support import services as support
from dianpu.support.models import Conversation

from .operations import at

REVIEW_SHARE = 0.35  # of the reviewable lines
ENGLISH_SHARE = 0.05
RATING_WEIGHTS = ((5, 58), (4, 24), (3, 8), (2, 5), (1, 5))

PRAISE = ("质量很好", "物流很快", "包装很用心", "性价比高", "和图片一样", "客服态度好", "会回购")
PRAISE_BY_ROOT = {
    "apparel": ("面料舒服", "颜色很正", "上身效果好"),
    "electronics": ("做工精致", "手感不错", "操作简单"),
    "home": ("做工精致", "容量够大", "颜值很高"),
    "food": ("味道不错", "日期新鲜", "分量足"),
}
COMPLAINTS = (
    "包装破损，外箱压坏了",
    "物流太慢，等了好久",
    "与描述不符，实物比图片差",
    "客服回复慢，问了两次才回",
)
COMPLAINTS_BY_ROOT = {
    "apparel": ("尺码偏小，平时穿M这次要换L", "有色差，比图片暗", "有线头，做工一般"),
    "electronics": ("充电发热，用久了烫手", "蓝牙连接不稳定，经常断开", "包装破损，盒子角压扁了"),
    "home": ("有异味，放了几天才散", "包装破损，收到有划痕", "做工一般，边缘毛糙"),
    "food": ("快递压坏了，包装破损", "口味偏甜", "日期不新鲜，离过期只剩一个月"),
}
MILD = ("总体还行", "中规中矩", "价格再低点就好了", "一般般吧")
ENDINGS = ("", "，推荐！", "，满意。", "，下次还来。", "，好评。")
ENGLISH_HIGH = (
    "Great quality and fast delivery. Would buy again.",
    "Exactly as pictured, well packed. Recommended!",
    "Good value for money, arrived in two days.",
)
ENGLISH_LOW = (
    "The parcel arrived damaged and the box was crushed.",
    "Runs small, I had to exchange it for a bigger size.",
    "Not as described, the colour is much darker than the photos.",
)


def _root_slugs() -> dict[int, str]:
    return {
        pk: parent or own or ""
        for pk, own, parent in Product.objects.values_list("pk", "category__slug", "category__parent__slug")
    }


class ReviewsDemo:
    def __init__(self, rng: random.Random, *, as_of: datetime):
        self.rng, self.as_of = rng, as_of

    def run(self) -> dict[str, int]:
        return {"product reviews": self.write_reviews(), "conversation ratings": self.rate_conversations()}

    def _body(self, rating: int, root: str) -> str:
        rng = self.rng
        if rng.random() < ENGLISH_SHARE:
            return rng.choice(ENGLISH_HIGH if rating >= 4 else ENGLISH_LOW)
        praise = PRAISE + PRAISE_BY_ROOT.get(root, ())
        complaints = COMPLAINTS + COMPLAINTS_BY_ROOT.get(root, ())
        if rating >= 4:
            parts = rng.sample(praise, rng.choice((1, 2, 2, 3)))
            return "，".join(parts) + rng.choice(ENDINGS)
        if rating == 3:
            return f"{rng.choice(MILD)}，{rng.choice(praise)}，就是{rng.choice(complaints)}。"
        parts = rng.sample(complaints, rng.choice((1, 2)))
        return "，".join(parts) + rng.choice(("。", "，不会再买了。", "，很失望。", "，已经联系客服。"))

    def write_reviews(self) -> int:
        rng = self.rng
        roots = _root_slugs()
        lines = (
            OrderLine.objects.filter(
                order__status__in=rules.REVIEWABLE_ORDER_STATUSES,
                order__customer__isnull=False,
                variant__isnull=False,
                review__isnull=True,
            )
            .order_by("id")
            .values_list(
                "id",
                "variant__product_id",
                "variant_label",
                "order__customer_id",
                "order__customer__name",
                "order__customer__email",
                "order__delivered_at",
                "order__placed_at",
            )
        )
        ratings, weights = zip(*RATING_WEIGHTS, strict=True)
        rows = []
        for line_id, product_id, label, customer_id, name, email, delivered_at, placed_at in lines.iterator(2000):
            if rng.random() >= REVIEW_SHARE:
                continue
            rating = rng.choices(ratings, weights)[0]
            after = (delivered_at or placed_at + timedelta(days=3)) + timedelta(hours=rng.randint(2, 24 * 10))
            rows.append(
                Review(
                    product_id=product_id,
                    order_line_id=line_id,
                    customer_id=customer_id,
                    author_name=rules.mask_name(name or email.split("@")[0]) or "匿名",
                    rating=rating,
                    body=self._body(rating, roots.get(product_id, "")),
                    variant_label=(label or "")[:120],
                    status=Review.Status.VISIBLE,
                    created_at=min(after, self.as_of),
                )
            )
        Review.objects.bulk_create(rows, batch_size=1000)
        return len(rows)

    def rate_conversations(self) -> int:
        rng = self.rng
        rated_agents: set[int] = set()
        made = 0
        resolved = Conversation.objects.filter(
            status__in=("resolved", "closed"), satisfaction_score__isnull=True, resolved_at__isnull=False
        ).order_by("id")
        for conversation in resolved[:2000]:
            first_for_agent = conversation.assignee_id is not None and conversation.assignee_id not in rated_agents
            if not first_for_agent and rng.random() >= 0.75:
                continue
            rude = conversation.complaint_cause == "service"
            score = rng.choice((1, 2)) if rude else rng.choices((5, 4, 3), (6, 3, 1))[0]
            comment = (
                "回复太慢，态度也不好"
                if rude
                else rng.choice(("", "", "回复很快，问题解决了", "客服很耐心", "谢谢！", "处理得还可以"))
            )
            moment = min(conversation.resolved_at + timedelta(minutes=rng.randint(1, 90)), self.as_of)
            with at(moment):
                support.rate_conversation(conversation=conversation, score=score, comment=comment)
            if conversation.assignee_id is not None:
                rated_agents.add(conversation.assignee_id)
            made += 1
        return made
