import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.returns.models import ReturnRequest
from dianpu.returns.services import approve_return
from dianpu.returns.tests.builders import delivered_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    make_product(name="纯棉T恤", price="50.00", stock=10, skus=["TEE-1"])
    return delivered_order({"TEE-1": 2})


def test_buyer_requests_a_return_and_enters_the_parcel_tracking(client, order):
    page = client.get("/orders/status/", {"number": order.number, "email": order.email}).content.decode()
    assert 'id="return-form"' in page
    line = order.lines.get()
    response = client.post(
        "/orders/returns/",
        {"number": order.number, "email": order.email, "kind": "return", "reason": "size_fit", f"qty-{line.pk}": "1"},
        follow=True,
    )
    ret = ReturnRequest.objects.get()
    assert (ret.source, ret.kind, ret.lines.get().quantity) == ("customer", "return", 1)
    assert f"售后申请 {ret.number} 已提交" in response.content.decode()
    approve_return(request=ret)
    client.post(
        f"/orders/returns/{ret.number}/shipment/",
        {"number": order.number, "email": order.email, "carrier": "sf", "tracking_number": "SF1234567890123"},
    )
    ret.refresh_from_db()
    assert (ret.status, ret.tracking_number) == ("in_transit", "SF1234567890123")


def test_a_stranger_cannot_request_a_return(client, order):
    line = order.lines.get()
    client.post(
        "/orders/returns/",
        {
            "number": order.number,
            "email": "x@example.com",
            "kind": "return",
            "reason": "size_fit",
            f"qty-{line.pk}": "1",
        },
    )
    assert ReturnRequest.objects.count() == 0


def test_refused_request_says_why(client, order):
    response = client.post(
        "/orders/returns/",
        {"number": order.number, "email": order.email, "kind": "return", "reason": "size_fit"},
        follow=True,
    )
    assert "请至少选择一件要售后的商品" in response.content.decode()
    assert ReturnRequest.objects.count() == 0


def test_buyer_withdraws_a_request_not_yet_reviewed_but_not_an_approved_one(client, order):
    line = order.lines.get()
    client.post(
        "/orders/returns/",
        {"number": order.number, "email": order.email, "kind": "exchange", "reason": "size_fit", f"qty-{line.pk}": "1"},
    )
    ret = ReturnRequest.objects.get()
    response = client.post(
        f"/orders/returns/{ret.number}/withdraw/", {"number": order.number, "email": order.email}, follow=True
    )
    ret.refresh_from_db()
    assert ret.status == "cancelled"
    assert f"售后申请 {ret.number} 已撤销" in response.content.decode()
    client.post(
        "/orders/returns/",
        {"number": order.number, "email": order.email, "kind": "return", "reason": "size_fit", f"qty-{line.pk}": "1"},
    )
    second = ReturnRequest.objects.exclude(pk=ret.pk).get()
    approve_return(request=second)
    client.post(f"/orders/returns/{second.number}/withdraw/", {"number": order.number, "email": order.email})
    second.refresh_from_db()
    assert second.status == "approved"
