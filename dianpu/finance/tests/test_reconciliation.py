"""Reconciling a gateway's settlement file against our payments and refunds: Stripe's itemized
balance change report and older balance history export, Alipay's 账务明细 (GBK, # comment lines);
matched / missing on our side / missing on theirs / mismatched; fees posted once; unknown format,
wrong currency and unreadable amounts refused with nothing written."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dianpu.catalog.tests.builders import make_product
from dianpu.finance import queries
from dianpu.finance.models import JournalEntry, Settlement, SettlementRow
from dianpu.orders.tests.builders import place_test_order
from dianpu.payments.models import Refund
from dianpu.payments.services import record_payment

pytestmark = pytest.mark.django_db

STRIPE_ITEMIZED = """balance_transaction_id,created_utc,created,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,customer_facing_amount,customer_facing_currency,charge_id,payment_intent_id
txn_1A,2026-03-05 02:00:00,2026-03-05 10:00:00,2026-03-07 00:00:00,cny,240.00,7.20,232.80,charge,ch_1A,Payment for order,240.00,cny,ch_1A,pi_AAA
txn_1B,2026-03-05 03:00:00,2026-03-05 11:00:00,2026-03-07 00:00:00,cny,100.00,3.00,97.00,charge,ch_1B,Payment for order,100.00,cny,ch_1B,pi_BBB
txn_1C,2026-03-05 04:00:00,2026-03-05 12:00:00,2026-03-07 00:00:00,cny,55.00,1.65,53.35,charge,ch_1C,Payment for order,55.00,cny,ch_1C,pi_ZZZ
txn_1D,2026-03-06 04:00:00,2026-03-06 12:00:00,2026-03-08 00:00:00,cny,-20.00,0.00,-20.00,refund,re_1D,REFUND FOR CHARGE,-20.00,cny,ch_1A,pi_AAA
txn_1E,2026-03-06 05:00:00,2026-03-06 13:00:00,2026-03-06 05:00:00,cny,-500.00,0.00,-500.00,payout,po_1E,STRIPE PAYOUT,,,,
"""

STRIPE_HISTORY = """id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description
txn_2A,charge,pi_AAA,240.00,7.20,232.80,cny,2026-03-05 02:00,2026-03-07 00:00,Payment for order
txn_2B,charge,ch_unknown,100.00,3.00,97.00,cny,2026-03-05 03:00,2026-03-07 00:00,Payment for DP260305123456
txn_2C,refund,re_1D,-20.00,0.00,-20.00,cny,2026-03-06 04:00,2026-03-08 00:00,REFUND FOR CHARGE
txn_2D,stripe_fee,,-1.50,0.00,-1.50,cny,2026-03-06 05:00,2026-03-06 05:00,Radar fee
"""

ALIPAY = """#支付宝账务明细查询
#账号：[20881234567890120156]
#起始日期：[2026年03月01日 00:00:00]   终止日期：[2026年03月31日 23:59:59]
#-----------------------------------------账务明细列表----------------------------------------
账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注
20260305200040011100010000000001\t,2026030522001400000000000001\t,{paid}\t,店铺订单,2026-03-05 10:00:00,buyer@example.com,120.00,,1120.00,支付宝,在线支付,
20260305200040011100010000000002\t,2026030522001400000000000001\t,{paid}\t,服务费,2026-03-05 10:00:00,,,-0.72,1119.28,支付宝,收费,服务费[2026030522001400000000000001]
20260306200040011100010000000003\t,2026030622001400000000000009\t,DP260306999999\t,店铺订单,2026-03-06 09:00:00,other@example.com,88.00,,1207.28,支付宝,在线支付,
#-----------------------------------------账务明细列表结束------------------------------------
#收入合计：2笔，共208.00元
#支出合计：1笔，共0.72元
#导出时间：[2026年04月01日 09:00:00]
"""


@pytest.fixture
def ours(at):
    at(2026, 3, 5, 10, 0)
    make_product(price="10.00", stock=50, skus=["X"])
    orders = [place_test_order({"X": 1}) for _ in range(4)]
    a = record_payment(order_id=orders[0].pk, gateway="stripe", amount=Decimal("240.00"), reference="pi_AAA")
    record_payment(order_id=orders[1].pk, gateway="stripe", amount=Decimal("99.00"), reference="pi_BBB")
    record_payment(order_id=orders[2].pk, gateway="stripe", amount=Decimal("30.00"), reference="pi_CCC")
    Refund.objects.create(
        order_id=orders[0].pk,
        payment=a,
        gateway="stripe",
        amount=Decimal("20.00"),
        reference="re_1D",
        status="succeeded",
        created_at=a.created_at,
    )
    return orders


def upload(api, text: str, name: str, encoding: str = "utf-8"):
    file = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return api.client.post("/api/v1/finance/settlements", {"file": file}, **api.headers)


def outcomes(settlement_id: int) -> set[tuple]:
    return set(
        SettlementRow.objects.filter(settlement_id=settlement_id).values_list(
            "outcome", "kind", "reference", "their_amount", "our_amount"
        )
    )


def test_stripe_itemized_report_lists_every_outcome_and_posts_the_fees_once(ours, staff_api):
    api = staff_api("finance")
    r = upload(api, STRIPE_ITEMIZED, "itemized.csv")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["gateway"], body["file_format"], body["fees"]) == ("stripe", "stripe_itemized_balance_change", "11.85")
    assert body["outcomes"] == {"matched": 2, "missing_ours": 1, "missing_theirs": 1, "mismatched": 1}
    D = Decimal
    assert outcomes(body["id"]) == {
        ("matched", "payment", "pi_AAA", D("240.00"), D("240.00")),
        ("mismatched", "payment", "pi_BBB", D("100.00"), D("99.00")),
        ("missing_ours", "payment", "pi_ZZZ", D("55.00"), None),
        ("missing_theirs", "payment", "pi_CCC", None, D("30.00")),
        ("matched", "refund", "re_1D", D("20.00"), D("20.00")),
    }
    assert queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))["payment_fees"] == Decimal("11.85")
    # the same file again: the same settlement, nothing posted twice
    again = upload(api, STRIPE_ITEMIZED, "itemized-again.csv")
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert JournalEntry.objects.filter(source_kind="settlement_fee").count() == 3
    detail = api.get(f"finance/settlements/{body['id']}", outcome="missing_theirs").json()
    assert [row["reference"] for row in detail["rows"]] == ["pi_CCC"]


def test_stripe_balance_history_export_matches_by_source_then_order_number(ours, staff_api):
    from dianpu.orders.models import Order

    order = Order.objects.get(pk=ours[1].pk)
    text = STRIPE_HISTORY.replace("DP260305123456", order.number)
    r = upload(staff_api("owner"), text, "balance_history.csv")
    assert r.status_code == 201, r.content
    D = Decimal
    assert outcomes(r.json()["id"]) == {
        ("matched", "payment", "pi_AAA", D("240.00"), D("240.00")),
        ("mismatched", "payment", "ch_unknown", D("100.00"), D("99.00")),
        ("matched", "refund", "re_1D", D("20.00"), D("20.00")),
        ("missing_theirs", "payment", "pi_CCC", None, D("30.00")),
        ("matched", "fee", "txn_2D", None, None),  # a fee line of its own (the others ride on their charge)
    }
    assert r.json()["fees"] == "11.70"


def test_alipay_statement_in_gbk_with_comment_lines(ours, staff_api):
    paid = ours[3]
    record_payment(
        order_id=paid.pk, gateway="alipay", amount=Decimal("120.00"), reference="2026030522001400000000000001"
    )
    r = upload(staff_api("finance"), ALIPAY.format(paid=paid.number), "账务明细.csv", encoding="gbk")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["gateway"], body["file_format"], body["currency"], body["fees"]) == (
        "alipay",
        "alipay_account_statement",
        "CNY",
        "0.72",
    )
    assert body["outcomes"] == {"matched": 2, "missing_ours": 1, "missing_theirs": 0, "mismatched": 0}
    fee = JournalEntry.objects.get(source_kind="settlement_fee")
    assert {(ln.account, ln.debit_fen, ln.credit_fen) for ln in fee.lines.all()} == {
        ("payment_fees", 72, 0),
        ("clearing.alipay", 0, 72),
    }


@pytest.mark.parametrize(
    "text, code",
    [
        ("date,amount,who\n2026-03-01,10.00,someone\n", "settlement_format_unknown"),
        ("", "settlement_format_unknown"),
        (STRIPE_ITEMIZED.replace(",cny,", ",usd,"), "settlement_currency"),
        (STRIPE_ITEMIZED.replace("240.00,7.20", "2x0.00,7.20"), "settlement_unreadable"),
        ("id,Type,Source,Amount,Fee,Net,Currency\n", "settlement_empty"),
    ],
)
def test_bad_files_are_refused_with_a_clear_code_and_nothing_written(ours, staff_api, text, code):
    r = upload(staff_api("finance"), text, "bad.csv")
    assert r.status_code == 422, r.content
    assert r.json()["code"] == code
    assert (Settlement.objects.count(), JournalEntry.objects.count()) == (0, 0)


def test_an_oversized_file_is_refused_before_it_is_read(ours, staff_api, monkeypatch):
    from dianpu.core.uploads import UploadLimits
    from dianpu.finance import reconciliation

    monkeypatch.setattr(reconciliation, "LIMITS", UploadLimits(max_bytes=100))
    r = upload(staff_api("finance"), STRIPE_ITEMIZED, "big.csv")
    assert r.status_code == 413
    assert r.json()["code"] == "upload_too_large"
    assert Settlement.objects.count() == 0


def test_marketing_may_not_upload(ours, staff_api):
    assert upload(staff_api("marketing"), STRIPE_ITEMIZED, "x.csv").status_code == 403
    assert Settlement.objects.count() == 0


def _paid_at_rate(gateway: str, amount: str, reference: str, staff):
    """An order paid through `gateway` while the books estimate its fee at the gateway's rate."""
    from dianpu.finance import services
    from dianpu.orders.models import Order
    from dianpu.orders.services import transition_order

    services.set_fee_percent(gateway=gateway, percent="1", actor=staff("owner"))
    make_product(price=amount, stock=5, skus=[f"P-{reference}"])  # over ¥99.00: no shipping charged
    order = place_test_order({f"P-{reference}": 1})
    assert order.grand_total == Decimal(amount)
    Order.objects.filter(pk=order.pk).update(payment_method=gateway)
    order = transition_order(order=Order.objects.get(pk=order.pk), action="mark_paid")
    record_payment(order_id=order.pk, gateway=gateway, amount=Decimal(amount), reference=reference)
    return order


def _fees(order_id: int) -> dict[str, int]:
    from django.db.models import Sum

    from dianpu.finance.models import JournalLine

    rows = (
        JournalLine.objects.filter(account="payment_fees")
        .values("entry__source_kind")
        .annotate(d=Sum("debit_fen"), c=Sum("credit_fen"))
    )
    return {r["entry__source_kind"]: r["d"] - r["c"] for r in rows}


def test_stripe_file_replaces_the_estimated_fee_with_the_real_one_never_both(ours, staff_api, staff):
    order = _paid_at_rate("stripe", "300.00", "pi_EST", staff)  # estimated at 1 %: ¥3.00
    assert _fees(order.pk) == {"payment_fee": 300}
    text = STRIPE_ITEMIZED.replace(
        "txn_1E,",
        "txn_1F,2026-03-05 05:00:00,2026-03-05 13:00:00,2026-03-07 00:00:00,"
        "cny,300.00,8.70,291.30,charge,ch_1F,Payment for order,300.00,cny,ch_1F,"
        "pi_EST\ntxn_1E,",
    )
    api = staff_api("finance")
    assert upload(api, text, "itemized.csv").status_code == 201
    # the estimate (¥3.00) is reversed once, the real ¥8.70 stands: the books carry ¥8.70 for it
    assert _fees(order.pk) == {"payment_fee": 300, "fee_estimate_replaced": -300, "settlement_fee": 1185 + 870}
    replaced = JournalEntry.objects.get(source_kind="fee_estimate_replaced")
    assert replaced.reversal_of == JournalEntry.objects.get(source_kind="payment_fee", source_id=str(order.pk))
    fee_line = JournalEntry.objects.get(source_id="stripe:txn_1F").lines.get(account="payment_fees")
    assert fee_line.channel == "web"
    pnl = queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))
    assert pnl["payment_fees"] == Decimal("20.55")  # 11.85 of the other lines + 8.70, not + 3.00 more
    # an overlapping file (the same lines, another export) posts nothing again
    assert upload(api, text + "\n", "itemized-overlap.csv").status_code == 201
    assert queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))["payment_fees"] == Decimal("20.55")
    assert JournalEntry.objects.filter(source_kind="fee_estimate_replaced").count() == 1


def test_alipay_fee_line_replaces_the_estimate_of_the_payment_it_names(ours, staff_api, staff):
    order = _paid_at_rate("alipay", "120.00", "2026030522001400000000000001", staff)  # estimate ¥1.20
    r = upload(staff_api("finance"), ALIPAY.format(paid=order.number), "账务明细.csv", encoding="gbk")
    assert r.status_code == 201, r.content
    assert _fees(order.pk) == {"payment_fee": 120, "fee_estimate_replaced": -120, "settlement_fee": 72}
    assert queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))["payment_fees"] == Decimal("0.72")
    tb = queries.get_trial_balance(date(2026, 3, 31))
    assert tb["debit_total"] == tb["credit_total"]
    clearing = next(a for a in tb["accounts"] if a["code"] == "clearing.alipay")
    assert clearing["balance"] == "119.28"  # ¥120.00 received less the real fee only


def test_a_fee_on_no_payment_of_ours_reverses_no_estimate(ours, staff_api, staff):
    order = _paid_at_rate("stripe", "300.00", "pi_OTHER", staff)
    assert upload(staff_api("finance"), STRIPE_ITEMIZED, "itemized.csv").status_code == 201
    assert not JournalEntry.objects.filter(source_kind="fee_estimate_replaced").exists()
    assert _fees(order.pk)["payment_fee"] == 300


def test_an_order_marked_paid_after_its_settlement_gets_no_estimate(ours, staff_api, staff):
    from dianpu.finance import services
    from dianpu.orders.models import Order
    from dianpu.orders.services import transition_order

    services.set_fee_percent(gateway="alipay", percent="1", actor=staff("owner"))
    make_product(price="120.00", stock=5, skus=["LATE"])
    order = place_test_order({"LATE": 1})
    Order.objects.filter(pk=order.pk).update(payment_method="alipay")
    record_payment(
        order_id=order.pk, gateway="alipay", amount=Decimal("120.00"), reference="2026030522001400000000000001"
    )  # the money came; the order is not marked paid yet
    assert upload(staff_api("finance"), ALIPAY.format(paid=order.number), "账务明细.csv", "gbk").status_code == 201
    transition_order(order=Order.objects.get(pk=order.pk), action="mark_paid")
    assert _fees(order.pk) == {"settlement_fee": 72}  # the real ¥0.72 only, no ¥1.20 estimate on top
