"""Builders for service desk tests: a conversation opened through the real service."""

from dianpu.support import services


def open_chat(
    *, name="李雷", email="lilei@example.com", message="你好，请问什么时候发货？", order_number="", ip="10.0.0.1"
):
    """(conversation, visitor token)."""
    return services.open_conversation(name=name, email=email, message=message, order_number=order_number, ip=ip)
