"""Demo knowledge base, written through the knowledge services: ~20 help articles in Chinese and
some in English (shipping, returns, payment, sizes, account), two internal notes for the agents,
one draft, and a few bot questions so the bot log and its filters have content."""

import random

from dianpu.knowledge.services import answer_bot_message, publish_article, rate_bot_answer, save_article

# (category, language, audience, slug, title, body in Markdown)
ARTICLES = (
    (
        "shipping",
        "zh-hans",
        "public",
        "shipping-time",
        "下单后多久发货？多久能收到？",
        "付款后 **24 小时内**发货（节假日顺延）。\n\n- 江浙沪：一般 1-2 天送达\n- 其他地区：一般 3-5 天送达\n"
        "- 偏远地区（新疆、西藏等）：5-7 天\n\n发货后可以在“订单查询”页或问智能客服查看物流。",
    ),
    (
        "shipping",
        "zh-hans",
        "public",
        "shipping-fee",
        "运费怎么算？满多少包邮？",
        "单笔订单商品金额满 **99 元包邮**；不满 99 元收取 10 元运费。偏远地区运费以结算页显示为准。",
    ),
    (
        "shipping",
        "zh-hans",
        "public",
        "carriers",
        "用哪家快递？可以指定快递吗？",
        "默认发顺丰或中通，由系统按收货地址选择最快的快递。需要指定快递请在下单备注中说明，我们尽量安排。",
    ),
    (
        "shipping",
        "zh-hans",
        "public",
        "change-address",
        "下单后可以修改收货地址吗？",
        "订单**发货前**可以修改：请尽快联系在线客服并提供订单号。已发货的订单无法修改地址，可联系快递转寄。",
    ),
    (
        "shipping",
        "zh-hans",
        "public",
        "parcel-not-received",
        "物流显示已签收但没收到包裹怎么办？",
        "请先确认是否由家人、门卫或快递柜代收。仍未找到请在 48 小时内联系客服，我们会向快递公司核实并处理。",
    ),
    (
        "returns",
        "zh-hans",
        "public",
        "seven-day-returns",
        "七天无理由退货怎么申请？",
        "签收后 **7 天内**，商品未穿着、吊牌完好即可申请退货。\n\n1. 在“订单查询”页找到订单，点击申请售后\n"
        "2. 填写原因并按提示寄回\n3. 仓库收货验收后 1-3 个工作日退款",
    ),
    (
        "returns",
        "zh-hans",
        "public",
        "return-shipping-fee",
        "退货运费谁承担？",
        "质量问题、发错货由我们承担退货运费；非质量问题（不喜欢、尺码不合适）由买家承担退货运费。",
    ),
    (
        "returns",
        "zh-hans",
        "public",
        "refund-time",
        "退款多久到账？",
        "仓库验收通过后发起退款，原路退回：微信、支付宝一般即时到账，银行卡 1-3 个工作日。",
    ),
    (
        "returns",
        "zh-hans",
        "public",
        "exchange",
        "可以换尺码或换颜色吗？",
        "可以。签收 7 天内申请换货，寄回后我们重新发出新尺码或新颜色；库存不足时改为退款。",
    ),
    (
        "payment",
        "zh-hans",
        "public",
        "payment-methods",
        "支持哪些付款方式？",
        "支持微信支付、支付宝、银行转账，部分地区支持**货到付款**。",
    ),
    (
        "payment",
        "zh-hans",
        "public",
        "invoice",
        "可以开发票吗？",
        "可以开具电子普通发票。请在下单备注中填写抬头和税号，发货后 3 个工作日内发送到下单邮箱。",
    ),
    (
        "payment",
        "zh-hans",
        "public",
        "unpaid-order",
        "订单未付款会自动取消吗？",
        "下单后 30 分钟内未付款的订单会自动取消，库存释放。需要时请重新下单。",
    ),
    (
        "sizes",
        "zh-hans",
        "public",
        "size-guide",
        "如何选择尺码？",
        "请参考商品页的尺码表，按胸围和衣长选择。介于两个尺码之间时建议选**大一码**；偏瘦可选小一码。",
    ),
    (
        "sizes",
        "zh-hans",
        "public",
        "washing",
        "衣服怎么洗护？",
        "纯棉衣物建议 30 度以下冷水手洗或轻柔机洗，反面晾晒，不可漂白。羽绒服请干洗或专用洗涤剂手洗。",
    ),
    (
        "account",
        "zh-hans",
        "public",
        "sign-up",
        "怎么注册会员？有什么好处？",
        "点击右上角“注册”，用邮箱注册并验证即可。会员下单累计积分，积分可在结算时抵扣现金。",
    ),
    (
        "account",
        "zh-hans",
        "public",
        "forgot-password",
        "忘记密码怎么办？",
        "在登录页点击“忘记密码”，输入注册邮箱，按邮件中的链接重设密码。链接 1 小时内有效。",
    ),
    (
        "account",
        "zh-hans",
        "public",
        "points",
        "积分怎么获得和使用？",
        "每消费 1 元得 1 积分；100 积分可抵 1 元，结算时勾选使用即可。退货时对应积分会扣回。",
    ),
    (
        "shipping",
        "en",
        "public",
        "shipping-en",
        "Shipping times and fees",
        "Orders ship within **24 hours** of payment. Delivery takes 1-2 days near Shanghai and 3-5 days "
        "elsewhere. Shipping is free for orders over 99 yuan; otherwise it costs 10 yuan.",
    ),
    (
        "returns",
        "en",
        "public",
        "returns-en",
        "Returns and refunds",
        "You can return unworn items with their tags within **7 days** of delivery. Refunds go back to the "
        "original payment method within 1-3 working days after the warehouse checks the parcel.",
    ),
    (
        "payment",
        "en",
        "public",
        "payment-en",
        "Payment methods",
        "We accept WeChat Pay, Alipay and bank transfer; cash on delivery in some regions.",
    ),
    (
        "sizes",
        "en",
        "public",
        "sizes-en",
        "How to choose your size",
        "Use the size chart on the product page (chest and length). Between two sizes? Choose the larger one.",
    ),
    (
        "account",
        "en",
        "public",
        "account-en",
        "Your account and points",
        "Sign up with your e-mail to collect points: 1 point per yuan spent, 100 points take 1 yuan off.",
    ),
    (
        "returns",
        "zh-hans",
        "internal",
        "returns-internal",
        "内部：退货异常处理口径",
        "顾客寄回商品有穿着痕迹时：拍照留证，先与顾客沟通，可协商折价退款；不要直接拒收。",
    ),
    (
        "other",
        "zh-hans",
        "internal",
        "difficult-customers",
        "内部：情绪激动顾客的沟通话术",
        "先致歉和共情，再复述问题，给出明确时间点。禁止使用“不可能”“你自己看”等用语。",
    ),
)
DRAFT = (
    "other",
    "zh-hans",
    "public",
    "festival-shipping",
    "春节期间发货安排（草稿）",
    "春节期间（除夕至初六）暂停发货，初七起按付款顺序陆续发出。",
)
QUESTIONS = (
    "退货运费谁出？",
    "多久能收到货",
    "how long does shipping take?",
    "可以开发票吗",
    "你们有实体店吗",
    "转人工",
    "积分怎么用",
    "Can I pay with PayPal?",
)


class Knowledge:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def run(self) -> dict[str, int]:
        for category, language, audience, slug, title, body in ARTICLES:
            article = save_article(
                title=title, body=body, category=category, audience=audience, language=language, slug=slug
            )
            publish_article(article_id=article.pk)
        category, language, audience, slug, title, body = DRAFT
        save_article(title=title, body=body, category=category, audience=audience, language=language, slug=slug)
        answers = 0
        for n, question in enumerate(QUESTIONS):
            reply = answer_bot_message(message=question, ip_address=f"198.51.100.{n + 1}")
            answers += 1
            if not reply.handed_over and self.rng.random() < 0.7:
                rate_bot_answer(answer_id=reply.answer_id, session_key=reply.session, helpful=self.rng.random() < 0.8)
        return {"help articles": len(ARTICLES) + 1, "bot answers": answers}
