"""Guessing is throttled: console sign-in per account and per address, the storefront's order
look-up per order and per address. After 10 failures in 15 minutes the door is shut for the rest
of the window — even for the right password or e-mail — and the audit log says so."""

from datetime import timedelta

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import PASSWORD, make_staff
from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock, ratelimit
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db
LOGIN = "/console/login/"
THROTTLED_ZH = "登录失败次数过多，请 15 分钟后再试。"
THROTTLED_EN = "Too many failed sign-ins. Please try again in 15 minutes."
LOOKUP_THROTTLED_ZH = "查询失败次数过多，请 15 分钟后再试。"
NOT_FOUND = "没有找到与该订单号和邮箱相符的订单，请核对后重试。"


@pytest.fixture
def frozen():
    at = clock.now().replace(microsecond=0)
    clock.freeze(at)
    yield at
    clock.freeze(None)


def sign_in(username, password, ip="203.0.113.5", language="zh-hans"):
    client = Client(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE=language)
    response = client.post(LOGIN, {"username": username, "password": password})
    return response, client


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_ten_wrong_passwords_shut_the_account_even_for_the_right_one(frozen):
    make_staff("operator", username="xiaoli")
    for _ in range(10):
        response, _client = sign_in("xiaoli", "wrong-guess")
        assert "用户名或密码不正确。" in response.content.decode()

    response, client = sign_in("xiaoli", PASSWORD, ip="198.51.100.7")  # another address: the account is shut
    assert response.status_code == 200 and THROTTLED_ZH in response.content.decode()
    assert not signed_in(client)
    english, client = sign_in("xiaoli", PASSWORD, ip="198.51.100.7", language="en")
    assert THROTTLED_EN in english.content.decode() and not signed_in(client)

    entries = AuditEntry.objects.filter(action="security.sign_in_throttled")
    assert sorted(entries.values_list("object_type", "object_id", "ip_address")) == [
        ("account", "xiaoli", "203.0.113.5"),
        ("ip", "203.0.113.5", "203.0.113.5"),
    ]

    clock.freeze(frozen + timedelta(minutes=15, seconds=1))  # the window is over
    response, client = sign_in("xiaoli", PASSWORD, ip="198.51.100.7")
    assert response.status_code == 302 and signed_in(client)


def test_nine_wrong_passwords_still_let_the_owner_in_and_start_the_count_afresh(frozen):
    make_staff("operator", username="xiaoli")
    for _ in range(9):
        sign_in("xiaoli", "wrong-guess", ip="198.51.100.1")
    response, client = sign_in("xiaoli", PASSWORD, ip="198.51.100.2")
    assert response.status_code == 302 and signed_in(client)
    for _ in range(9):
        sign_in("xiaoli", "wrong-guess", ip="198.51.100.3")
    response, client = sign_in("xiaoli", PASSWORD, ip="198.51.100.4")
    assert response.status_code == 302 and signed_in(client)
    assert not AuditEntry.objects.filter(action="security.sign_in_throttled").exists()


def test_one_address_trying_many_accounts_is_shut_out(frozen):
    make_staff("operator", username="xiaoli")
    for i in range(10):
        sign_in(f"guess{i}", "wrong-guess", ip="203.0.113.9")
    response, client = sign_in("xiaoli", PASSWORD, ip="203.0.113.9")
    assert THROTTLED_ZH in response.content.decode() and not signed_in(client)
    response, client = sign_in("xiaoli", PASSWORD, ip="203.0.113.10")  # the owner elsewhere is not
    assert response.status_code == 302 and signed_in(client)


def lookup(number, email, ip="203.0.113.5"):
    return Client(REMOTE_ADDR=ip).post("/orders/status/", {"number": number, "email": email}).content.decode()


def test_ten_wrong_emails_shut_the_order_look_up_even_for_the_right_email(frozen):
    make_product(skus=["TEE-1"])
    order = place_test_order({"TEE-1": 1}, email="buyer@example.com")
    for i in range(10):
        assert NOT_FOUND in lookup(order.number, f"guess{i}@example.com", ip=f"203.0.113.{i + 1}")

    html = lookup(order.number, "buyer@example.com", ip="198.51.100.7")  # any address: the order is shut
    assert LOOKUP_THROTTLED_ZH in html and "order-number" not in html
    assert list(
        AuditEntry.objects.filter(action="security.order_lookup_throttled").values_list("object_type", "object_id")
    ) == [("order", order.number)]

    clock.freeze(frozen + timedelta(minutes=16))
    assert f'<strong class="order-number">{order.number}</strong>' in lookup(order.number, "buyer@example.com")


def test_one_address_guessing_order_numbers_is_shut_out_of_every_order(frozen):
    make_product(skus=["TEE-1"])
    order = place_test_order({"TEE-1": 1}, email="buyer@example.com")
    for i in range(10):
        lookup(f"X000000{i}", "buyer@example.com", ip="203.0.113.9")
    assert LOOKUP_THROTTLED_ZH in lookup(order.number, "buyer@example.com", ip="203.0.113.9")
    # the after-sales form on the order page is the same door
    response = Client(REMOTE_ADDR="203.0.113.9").post(
        "/orders/returns/", {"number": order.number, "email": "buyer@example.com"}, follow=True
    )
    assert LOOKUP_THROTTLED_ZH in response.content.decode()
    assert f'<strong class="order-number">{order.number}</strong>' in lookup(
        order.number, "buyer@example.com", ip="203.0.113.10"
    )


def test_the_counts_are_kept_in_the_database_every_process_shares():
    from dianpu.core.models import AttemptCounter

    ratelimit.count(ratelimit.SIGN_IN, [ratelimit.client_key("203.0.113.77")])
    ratelimit.count(ratelimit.SIGN_IN, [ratelimit.client_key("203.0.113.77")])
    mine = AttemptCounter.objects.filter(scope="sign-in")
    assert list(mine.values_list("scope", "failures")) == [("sign-in", 2)]
    assert "203.0.113.77" not in mine.get().key  # hashed
