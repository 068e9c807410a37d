"""Demo customer service, made through the support services: canned replies, three weeks of
conversations in Chinese from the storefront chat, e-mail and the bot's hand-over — about delivery,
sizes, invoices, broken goods — answered (some late, some with a rude word the chat review finds),
tagged, a few classified as complaints; agents' daily logs and a sampled week of chat review."""

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from dianpu.catalog.models import Product
from dianpu.customers.models import Customer
from dianpu.orders.models import Order
from dianpu.support import services
from dianpu.support.models import Conversation

from .operations import at

CANNED = (
    (
        "问候",
        "通用",
        "{customer_name}您好，欢迎光临，请问有什么可以帮您？",
        "Hello {customer_name}, welcome! How can I help you?",
    ),
    (
        "发货进度",
        "物流",
        "{customer_name}您好，订单 {order_number} 的物流信息可在这里查看：{tracking_link}",
        "Hi {customer_name}, you can follow order {order_number} here: {tracking_link}",
    ),
    (
        "尺码建议",
        "商品",
        "您好，这款尺码偏标准，建议按平时尺码购买；身高体重告诉我，帮您推荐。",
        "Hello, this item runs true to size; tell me your height and weight and I will suggest one.",
    ),
    (
        "开发票",
        "售后",
        "您好，确认收货后可在订单页申请电子发票，1–3 个工作日内发到您的邮箱。",
        "Hello, once received you can request an e-invoice on the order page; it arrives within 1–3 working days.",
    ),
    (
        "退换说明",
        "售后",
        "您好，支持七天无理由退换，请在订单页提交售后申请，我们审核后告知寄回地址。",
        "Hello, returns are accepted within seven days; please request one on the order page.",
    ),
    (
        "结束语",
        "通用",
        "感谢您的耐心，祝您生活愉快！还有问题随时找我们。",
        "Thank you for your patience. Have a nice day!",
    ),
)
QUESTIONS = (
    ("我的订单什么时候发货？", ["发货"], None),
    ("快递三天没更新了，帮我查一下", ["物流"], "logistics"),
    ("这件衣服 165cm 50kg 穿什么码？", ["尺码"], None),
    ("可以开发票吗？要写公司抬头", ["发票"], None),
    ("收到的杯子有裂缝，怎么处理？", ["破损", "售后"], "product"),
    ("昨天买的今天就降价了，能退差价吗？", ["价格"], "price"),
    ("客服一直不回消息，太慢了", ["服务"], "service"),
    ("能改收货地址吗？", ["地址"], None),
    ("有没有优惠券可以用？", ["优惠"], None),
    ("退货的运费谁出？", ["售后"], None),
)
ANSWERS = (
    "您好，马上为您查询，请稍等。",
    "已经为您登记，今天内处理好。",
    "您好，已联系仓库加急发出。",
    "抱歉给您带来不便，我们为您安排换货。",
    "可以的，已为您修改。",
    "不知道，你自己看订单页吧。",
)
EMAIL_SUBJECTS = ("咨询：发票开具", "投诉：商品破损", "询问：批量采购价格")


class SupportDesk:
    def __init__(self, rng: random.Random, *, as_of: datetime):
        self.rng, self.as_of = rng, as_of

    def run(self) -> dict[str, int]:
        users = {u.username: u for u in get_user_model().objects.filter(username__in=("agent", "owner", "operator"))}
        agent, lead = users.get("agent"), users.get("owner")
        if agent is None:
            return {}
        for title, category, zh, en in CANNED:
            services.create_canned_reply(title=title, category=category, body_zh=zh, body_en=en, actor=lead)
        with at(self.as_of - timedelta(days=21)):
            services.set_on_duty(user=agent, on_duty=True)
        customers = list(Customer.objects.filter(erased_at__isnull=True).exclude(name="").order_by("id")[:60])
        orders = {o.customer_id: o for o in Order.objects.filter(customer__in=customers).order_by("id")}
        products = list(Product.objects.order_by("-sold_count", "id")[:5])
        made = 0
        for n in range(36):
            opened_at = self.as_of - timedelta(
                days=self.rng.randint(0, 20), hours=self.rng.randint(0, 10), minutes=self.rng.randint(0, 59)
            )
            made += self._conversation(n, opened_at, agent, lead, customers, orders, products)
        for day in range(1, 4):
            with at(self.as_of - timedelta(days=day, hours=-2)):
                log = services.draft_daily_log(agent=agent)
                if log.status == "draft":
                    log = services.submit_daily_log(
                        log=log, agent=agent, notes="今日发票和物流咨询较多，建议在帮助中心补充开票说明。"
                    )
                    if day > 1 and lead is not None:
                        services.review_daily_log(log=log, reviewer=lead, comment="收到，帮助中心本周补上。")
        reviewed = 0
        with at(self.as_of):
            for weeks_ago in (1, 2):
                services.sample_week_for_review(week=(self.as_of - timedelta(weeks=weeks_ago)).date(), actor=lead)
            from dianpu.support.models import ChatReview

            for review in ChatReview.objects.filter(scored_at__isnull=True).order_by("id")[:6]:
                rude = bool(review.banned_words)
                services.score_chat_review(
                    review=review,
                    reviewer=lead,
                    scores={
                        "greeting": self.rng.randint(3, 5),
                        "accuracy": self.rng.randint(3, 5),
                        "tone": 2 if rude else self.rng.randint(4, 5),
                        "resolution": self.rng.randint(3, 5),
                    },
                    comment="语气需要改进" if rude else "回复及时、准确",
                )
                reviewed += 1
        return {"support conversations": made, "chat reviews scored": reviewed}

    def _conversation(self, n, opened_at, agent, lead, customers, orders, products) -> int:
        rng = self.rng
        question, tags, cause = QUESTIONS[n % len(QUESTIONS)]
        customer = customers[n % len(customers)] if customers else None
        name = customer.name if customer else f"顾客{n}"
        email = customer.email if customer else f"guest{n}@example.com"
        order = orders.get(customer.pk) if customer else None
        with at(opened_at):
            if n % 9 == 4:
                conversation_id, _token = services.hand_over_from_bot(
                    conversation_id=None,
                    token=None,
                    name=name,
                    email=email,
                    question=question,
                    bot_answer="抱歉，这个问题我回答不了，正在为您转接人工客服。",
                )
                conversation = Conversation.objects.get(pk=conversation_id)
            elif n % 12 == 7:
                raw = (
                    f"From: {name} <{email}>\r\nSubject: {EMAIL_SUBJECTS[n % len(EMAIL_SUBJECTS)]}\r\n"
                    f"Message-ID: <demo-{n}@mail.example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                    f"{question}\r\n"
                ).encode()
                conversation = services.receive_inbound_email(raw=raw)
            else:
                conversation, _token = services.open_conversation(
                    name=name,
                    email=email,
                    message=question,
                    order_number=order.number if order else "",
                    ip=f"10.1.{n // 200}.{n % 200}",
                )
        if n % 6 == 0:  # the newest ones wait in the queue, some close to the SLA
            return 1
        reply_at = opened_at + timedelta(minutes=rng.choice((3, 8, 15, 40, 90)))
        with at(min(reply_at, self.as_of)):
            answer = ANSWERS[-1] if n % 11 == 5 else rng.choice(ANSWERS[:-1])
            services.post_agent_reply(conversation=conversation, actor=agent, message=answer)
            services.set_tags(conversation=conversation, tags=tags, actor=agent)
            if cause:
                services.classify_complaint(
                    conversation=conversation,
                    cause=cause,
                    product_slug=products[n % len(products)].slug if cause == "product" and products else "",
                    carrier="顺丰速运" if cause == "logistics" else "",
                    actor=agent,
                )
        if n % 3 != 1:
            with at(min(reply_at + timedelta(hours=rng.randint(1, 20)), self.as_of)):
                services.change_status(conversation=conversation, status="resolved", actor=agent)
        return 1
