import pytest
from django.core import mail

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.messaging.models import NotificationTemplate
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


def test_every_kind_has_a_default_in_both_languages(staff_api):
    rows = staff_api("agent").get("notification-templates").json()
    assert len(rows) == 14
    shipped_en = next(r for r in rows if r["kind"] == "shipped" and r["language"] == "en")
    assert shipped_en["subject"] == "Order {{ order.number }} has shipped" and shipped_en["edited"] is False


def test_an_edited_template_is_what_the_customer_gets(staff_api, django_capture_on_commit_callbacks):
    agent = staff_api("agent")
    saved = agent._call(
        "put",
        "notification-templates/payment_received/zh-hans",
        {
            "subject": "好消息：{{ order.number }} 已付款",
            "body": "亲，{{ order.customer_name }}，我们收到 ¥{{ order.grand_total }} 啦。",
        },
    )
    assert saved.status_code == 200 and saved.json()["edited"] is True
    make_product(price="50.00", stock=5, skus=["TEE-1"])
    order = place_test_order({"TEE-1": 1})
    with django_capture_on_commit_callbacks(execute=True):
        transition_order(order=order, action="mark_paid")
    sent = mail.outbox[-1]
    assert sent.subject == f"好消息：{order.number} 已付款"
    assert sent.body.strip() == f"亲，张三，我们收到 ¥{order.grand_total} 啦。"
    assert AuditEntry.objects.filter(action="notification_template.saved").count() == 1


def test_a_template_that_does_not_compile_is_refused_and_the_old_one_stays(staff_api):
    response = staff_api("agent")._call(
        "put", "notification-templates/shipped/en", {"subject": "x", "body": "{% if %}"}
    )
    assert response.status_code == 422 and response.json()["code"] == "template_invalid"
    assert NotificationTemplate.objects.count() == 0


def test_templates_need_their_permission(staff_api):
    assert staff_api("warehouse").get("notification-templates").status_code == 403


def test_console_editor_previews_and_resets(client, staff):
    client.force_login(staff("owner"))
    page = client.get("/console/notifications/shipped/en/").content.decode()
    assert "SF1234567890123" in page  # the preview uses sample data
    preview = client.post(
        "/console/notifications/shipped/en/preview/",
        {"subject": "Sent {{ order.number }}", "body": "Tracking {{ tracking_url }}"},
    ).content.decode()
    assert "Sent DP261123000123" in preview and "waybill-detail/SF1234567890123" in preview
    client.post("/console/notifications/shipped/en/", {"subject": "Sent {{ order.number }}", "body": "Hi"})
    assert NotificationTemplate.objects.get().body == "Hi"
    client.post("/console/notifications/shipped/en/reset/")
    assert NotificationTemplate.objects.count() == 0
    assert AuditEntry.objects.filter(action="notification_template.reset").count() == 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_default_renders_with_its_variables(language):
    from dianpu.messaging.domain.defaults import KINDS
    from dianpu.messaging.queries import preview_context
    from dianpu.messaging.services import render_notification

    for kind in KINDS:
        rendered = render_notification(kind, language, preview_context(kind, language))
        assert "DP261123000123" in rendered.subject + rendered.text, kind
        assert "{{" not in rendered.text and "{%" not in rendered.text, kind
        assert "&amp;" not in rendered.text, kind
    shipped = render_notification("shipped", language, preview_context("shipped", language))
    assert "https://www.sf-express.com/chn/sc/waybill/waybill-detail/SF1234567890123" in shipped.text
    assert 'href="https://www.sf-express.com/' in shipped.html


def test_the_html_part_escapes_what_the_customer_typed():
    from dianpu.messaging.queries import preview_context
    from dianpu.messaging.services import render_notification

    context = preview_context("delivered", "en")
    context["order"]["customer_name"] = "<script>x</script>"
    rendered = render_notification("delivered", "en", context)
    assert "<script>" in rendered.text and "<script>" not in rendered.html
