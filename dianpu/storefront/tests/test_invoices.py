"""Invoice (发票) requests on the buyer's order page: the form (title, tax number, e-mail), refused
with a reason and nothing written when a field is wrong, the status shown once asked (and the
invoice number once finance issued it); a stranger cannot ask; English page."""

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.finance import tax
from dianpu.finance.models import InvoiceRequest
from dianpu.orders.tests.builders import place_test_order
from dianpu.returns.tests.builders import paid_order

pytestmark = pytest.mark.django_db
TAX_NUMBER = "91310000MA1FL4XQ3K"


@pytest.fixture
def order():
    make_product(name="纯棉T恤", price="50.00", stock=10, skus=["TEE-1"])
    return paid_order({"TEE-1": 2})


def _page(client, order, **headers):
    return client.get("/orders/status/", {"number": order.number, "email": order.email}, **headers).content.decode()


def _ask(client, order, **fields):
    data = {
        "number": order.number,
        "email": order.email,
        "title": "上海某某贸易有限公司",
        "tax_number": TAX_NUMBER,
        "invoice_email": "ap@example.com",
        **fields,
    }
    return client.post("/orders/invoice/", data, follow=True)


def test_buyer_asks_for_an_invoice_and_sees_its_status_then_the_number(client, order, staff):
    assert 'id="invoice-form"' in _page(client, order)
    response = _ask(client, order, tax_number=TAX_NUMBER.lower())
    assert "发票申请已提交" in response.content.decode()
    request = InvoiceRequest.objects.get()
    assert (request.order_id, request.title, request.tax_number, request.email, request.amount, request.status) == (
        order.pk,
        "上海某某贸易有限公司",
        TAX_NUMBER,
        "ap@example.com",
        order.grand_total,
        "requested",
    )
    page = _page(client, order)
    assert "已申请" in page and 'id="invoice-form"' not in page  # one open request per order
    tax.decide_invoice(request_id=request.pk, issue=True, invoice_number="24310000000012345678", actor=staff("finance"))
    page = _page(client, order)
    assert "已开具" in page and "24310000000012345678" in page


def test_a_bad_tax_number_or_email_is_refused_with_the_reason_and_nothing_saved(client, order):
    response = _ask(client, order, tax_number="123")
    assert "税号应为 15、17、18 或 20 位数字或大写字母" in response.content.decode()
    response = _ask(client, order, invoice_email="not-an-email")
    assert "请输入有效的邮箱地址" in response.content.decode()
    response = _ask(client, order, title="")
    assert "请填写发票抬头" in response.content.decode()
    assert InvoiceRequest.objects.count() == 0


def test_a_rejected_request_can_be_asked_again(client, order, staff):
    _ask(client, order)
    tax.decide_invoice(request_id=InvoiceRequest.objects.get().pk, issue=False, note="抬头有误", actor=staff("finance"))
    page = _page(client, order)
    assert "已拒绝" in page and "抬头有误" in page and 'id="invoice-form"' in page
    _ask(client, order, title="上海某某贸易有限公司（更正）")
    assert InvoiceRequest.objects.filter(status="requested").get().title == "上海某某贸易有限公司（更正）"


def test_a_stranger_or_an_unpaid_order_cannot_ask(client, order):
    _ask(client, order, email="stranger@example.com")
    unpaid = place_test_order({"TEE-1": 1})
    assert 'id="invoice-form"' not in _page(client, unpaid)
    assert "订单尚未付款" in _ask(client, unpaid).content.decode()
    assert InvoiceRequest.objects.count() == 0


def test_the_invoice_section_in_english(client, order):
    page = _page(client, order, HTTP_ACCEPT_LANGUAGE="en")
    assert "Request an invoice" in page and "Invoice title" in page
    response = client.post(
        "/orders/invoice/",
        {
            "number": order.number,
            "email": order.email,
            "title": "ACME Ltd",
            "tax_number": "123",
            "invoice_email": "ap@example.com",
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "15, 17, 18 or 20" in response.content.decode()
