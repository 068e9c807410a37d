"""Service desk use cases: the bot's hand-over, round-robin among agents on duty, SLA timers with
the clock seam, image attachments checked by what they are, canned replies."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dianpu.catalog.tests.builders import make_product
from dianpu.orders.tests.builders import place_test_order
from dianpu.support import queries, services
from dianpu.support.domain.errors import SupportError
from dianpu.support.models import Attachment, CannedReply, Conversation, Message

from .builders import open_chat

pytestmark = pytest.mark.django_db


def _png(width=4, height=3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_bot_hand_over_appends_to_the_visitors_conversation_when_the_token_is_right():
    conversation, token = open_chat()
    conversation_id, new_token = services.hand_over_from_bot(
        conversation_id=conversation.pk,
        token=token,
        name="李雷",
        email="lilei@example.com",
        question="我要找人工",
        bot_answer="抱歉，我没能回答这个问题，正在为您转接人工客服。",
    )
    assert (conversation_id, new_token) == (conversation.pk, "")
    assert [(m.sender, m.body) for m in Message.objects.filter(conversation=conversation)] == [
        ("visitor", "你好，请问什么时候发货？"),
        ("visitor", "我要找人工"),
        ("bot", "抱歉，我没能回答这个问题，正在为您转接人工客服。"),
    ]
    assert Conversation.objects.get(pk=conversation.pk).escalated is True


def test_bot_hand_over_with_a_wrong_token_opens_a_new_bot_conversation():
    conversation, _token = open_chat()
    conversation_id, new_token = services.hand_over_from_bot(
        conversation_id=conversation.pk,
        token="guess",
        name="",
        email="x@example.com",
        question="where is my order",
        bot_answer="",
    )
    assert conversation_id != conversation.pk and new_token
    created = Conversation.objects.get(pk=conversation_id)
    assert (created.channel, created.status, created.escalated, created.email) == ("bot", "open", True, "x@example.com")
    assert services.get_visitor_conversation(conversation_id, new_token) == created
    assert Message.objects.filter(conversation=conversation).count() == 1  # the other one untouched


def test_round_robin_takes_turns_among_agents_on_duty_only(staff):
    first, second = staff("agent"), _agent("agent2")
    off = _agent("agent3")
    services.set_on_duty(user=first, on_duty=True)
    services.set_on_duty(user=second, on_duty=True)
    services.set_on_duty(user=off, on_duty=False)
    owners = [open_chat(email=f"c{i}@example.com")[0].assignee_id for i in range(4)]
    assert owners == [first.pk, second.pk, first.pk, second.pk]


def test_nobody_on_duty_leaves_the_conversation_in_the_queue(staff):
    staff("agent")
    conversation, _token = open_chat()
    assert conversation.assignee_id is None


def test_only_agents_may_go_on_duty(staff):
    with pytest.raises(SupportError) as refused:
        services.set_on_duty(user=staff("warehouse"), on_duty=True)
    assert refused.value.code == "assignee_not_agent"


def _agent(username):
    from dianpu.accounts.tests.builders import make_staff

    return make_staff("agent", username=username)


def test_sla_warns_before_the_first_response_breach_and_then_breaches(at, staff):
    at(2026, 3, 2, 9, 0)
    conversation, _token = open_chat()  # normal: first response within 60 min, warning 15 min before
    assert queries.get_sla_status(conversation).first_response == "ok"
    at(2026, 3, 2, 9, 44)
    assert queries.get_sla_status(conversation).first_response == "ok"
    at(2026, 3, 2, 9, 45)
    state = queries.get_sla_status(conversation)
    assert (state.first_response, state.first_response_minutes_left) == ("warning", 15)
    at(2026, 3, 2, 10, 1)
    assert queries.get_sla_status(conversation).first_response == "breached"


def test_a_reply_in_time_meets_the_first_response_target(at, staff):
    at(2026, 3, 2, 9, 0)
    conversation, _token = open_chat()
    at(2026, 3, 2, 9, 20)
    services.post_agent_reply(conversation=conversation, actor=staff("agent"), message="您好")
    at(2026, 3, 2, 12, 0)
    conversation.refresh_from_db()
    state = queries.get_sla_status(conversation)
    assert (state.first_response, state.resolution) == ("met", "ok")


def test_sla_targets_follow_the_priority_and_the_settings(at, staff):
    at(2026, 3, 2, 9, 0)
    conversation, _token = open_chat()
    services.set_sla_policy(
        priority="urgent", first_response_minutes=10, resolution_minutes=120, warning_minutes=3, actor=staff("owner")
    )
    services.set_priority(conversation=conversation, priority="urgent", actor=staff("owner"))
    at(2026, 3, 2, 9, 7)
    assert queries.get_sla_status(conversation).first_response == "warning"
    at(2026, 3, 2, 9, 11)
    assert queries.get_sla_status(conversation).first_response == "breached"
    services.change_status(conversation=conversation, status="resolved", actor=staff("owner"))
    assert queries.get_sla_status(conversation).resolution == "met"


def test_an_image_attachment_is_kept_with_its_size_and_kind():
    conversation, _token = open_chat()
    upload = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
    message = services.post_visitor_message(conversation=conversation, message="", image=upload)
    attachment = Attachment.objects.get(message=message)
    assert (attachment.content_type, attachment.width, attachment.height) == ("image/png", 4, 3)
    assert "photo" not in attachment.file.name


@pytest.mark.parametrize(
    "name,data,code",
    [
        ("evil.png", b"<html><script>alert(1)</script></html>", "attachment_not_image"),
        ("doc.pdf", b"%PDF-1.4 not an image", "attachment_not_image"),
    ],
)
def test_files_that_are_not_images_are_refused_and_nothing_is_stored(name, data, code):
    conversation, _token = open_chat()
    with pytest.raises(SupportError) as refused:
        services.post_visitor_message(
            conversation=conversation, message="", image=SimpleUploadedFile(name, data, content_type="image/png")
        )
    assert refused.value.code == code
    assert Message.objects.filter(conversation=conversation).count() == 1 and Attachment.objects.count() == 0


def test_a_too_large_image_is_refused_by_its_declared_size_before_it_is_read():
    conversation, _token = open_chat()

    class Huge:
        name, size = "big.png", services.MAX_IMAGE_BYTES + 1

        def read(self, *args):
            raise AssertionError("read before the size was checked")

    with pytest.raises(SupportError) as refused:
        services.post_visitor_message(conversation=conversation, message="", image=Huge())
    assert (refused.value.code, refused.value.status) == ("attachment_too_large", 413)
    assert Attachment.objects.count() == 0


def test_a_canned_reply_fills_its_variables_in_the_conversations_language_and_counts_its_use(staff):
    product = make_product(stock=5)
    order = place_test_order({product.variants.first().sku: 1}, email="lilei@example.com")
    conversation, _token = open_chat(order_number=order.number)
    reply = services.create_canned_reply(
        title="发货查询",
        category="物流",
        body_zh="{customer_name}您好，订单 {order_number} 可在此查看：{tracking_link}",
        body_en="Hi {customer_name}, order {order_number}: {tracking_link}",
        actor=staff("agent"),
    )
    text = services.use_canned_reply(reply_id=reply.pk, conversation=conversation)
    assert text == (
        f"李雷您好，订单 {order.number} 可在此查看："
        f"{settings.SITE_URL}/orders/status/?number={order.number}&email=lilei%40example.com"
    )
    assert CannedReply.objects.get(pk=reply.pk).usage_count == 1


def test_a_canned_reply_with_an_unknown_variable_is_refused(staff):
    with pytest.raises(SupportError) as refused:
        services.create_canned_reply(title="x", category="", body_zh="您好 {name}", actor=staff("agent"))
    assert refused.value.code == "canned_reply_unknown_variable"
    assert CannedReply.objects.count() == 0
