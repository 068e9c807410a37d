from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dianpu.payments.domain.amounts import calculate_line_refund, from_minor_units, to_minor_units
from dianpu.payments.domain.signatures import (
    SignatureRefused,
    stripe_signature_header,
    verify_stripe_signature,
)


def test_yuan_to_fen_and_back():
    assert to_minor_units(Decimal("118.00")) == 11800
    assert to_minor_units(Decimal("0.01")) == 1
    assert from_minor_units(11800) == Decimal("118.00")
    with pytest.raises(ValueError):
        to_minor_units(Decimal("1.005"))


def test_returned_line_gives_back_what_was_paid_not_the_list_price():
    # 3 × ¥100 with ¥30 of the order's discounts allocated to the line: ¥270 was paid.
    assert calculate_line_refund(Decimal("300.00"), Decimal("30.00"), 3, 3) == Decimal("270.00")
    assert calculate_line_refund(Decimal("300.00"), Decimal("30.00"), 3, 1) == Decimal("90.00")
    assert calculate_line_refund(Decimal("10.00"), Decimal("0"), 3, 1) == Decimal("3.33")
    assert calculate_line_refund(Decimal("10.00"), Decimal("0"), 3, 0) == Decimal("0.00")


@given(
    total=st.integers(0, 10**7),
    discount_share=st.integers(0, 100),
    quantity=st.integers(1, 50),
    returned=st.integers(1, 50),
)
def test_a_line_refund_is_never_negative_nor_more_than_was_paid(total, discount_share, quantity, returned):
    line_total = Decimal(total) / 100
    discount = (line_total * discount_share / 100).quantize(Decimal("0.01"))
    amount = calculate_line_refund(line_total, discount, quantity, min(returned, quantity))
    assert Decimal("0.00") <= amount <= line_total - discount


def test_valid_signature_returns_its_timestamp():
    body = b'{"id":"evt_1"}'
    header = stripe_signature_header(secret="whsec_x", payload=body, timestamp=1000)
    assert verify_stripe_signature(payload=body, header=header, secret="whsec_x", now=1100) == 1000


@pytest.mark.parametrize(
    ("header", "now", "code"),
    [
        ("", 1000, "signature_missing"),
        ("v1=abc", 1000, "signature_malformed"),
        ("t=abc,v1=abc", 1000, "signature_malformed"),
        ("t=1000,v1=" + "0" * 64, 1000, "signature_mismatch"),
    ],
)
def test_refused_signatures_say_why(header, now, code):
    with pytest.raises(SignatureRefused) as refused:
        verify_stripe_signature(payload=b"{}", header=header, secret="whsec_x", now=now)
    assert refused.value.code == code


def _one_character_changed(signature: str, position: int) -> str:
    """The same signature with the character at `position` replaced by another hex digit."""
    other = "0" if signature[position] != "0" else "1"
    return signature[:position] + other + signature[position + 1 :]


@pytest.mark.parametrize("position", [0, 7, 8, 31, 62, 63])
def test_a_signature_with_one_character_changed_is_refused(position):
    body = b'{"id": "evt_1"}'
    good = stripe_signature_header(secret="whsec_x", payload=body, timestamp=1000)
    signature = good.partition("v1=")[2]
    forged = _one_character_changed(signature, position)
    assert len(forged) == len(signature) == 64 and forged != signature
    with pytest.raises(SignatureRefused) as refused:
        verify_stripe_signature(payload=body, header=f"t=1000,v1={forged}", secret="whsec_x", now=1000)
    assert refused.value.code == "signature_mismatch"


def test_every_single_character_change_of_a_signature_is_refused():
    body = b'{"id": "evt_1", "amount": 7500}'
    signature = stripe_signature_header(secret="whsec_x", payload=body, timestamp=1000).partition("v1=")[2]
    accepted = []
    for position in range(len(signature)):
        try:
            verify_stripe_signature(
                payload=body,
                header=f"t=1000,v1={_one_character_changed(signature, position)}",
                secret="whsec_x",
                now=1000,
            )
            accepted.append(position)
        except SignatureRefused:
            pass
    assert accepted == []


def test_a_signature_one_character_short_or_long_is_refused():
    body = b'{"id": "evt_1"}'
    signature = stripe_signature_header(secret="whsec_x", payload=body, timestamp=1000).partition("v1=")[2]
    for forged in (signature[:-1], signature + "0"):
        with pytest.raises(SignatureRefused):
            verify_stripe_signature(payload=body, header=f"t=1000,v1={forged}", secret="whsec_x", now=1000)


def test_a_body_with_one_byte_changed_or_a_timestamp_one_second_off_is_refused():
    body = b'{"id": "evt_1", "amount": 7500}'
    header = stripe_signature_header(secret="whsec_x", payload=body, timestamp=1000)
    with pytest.raises(SignatureRefused):
        verify_stripe_signature(payload=body.replace(b"7500", b"7501"), header=header, secret="whsec_x", now=1000)
    signature = header.partition("v1=")[2]
    with pytest.raises(SignatureRefused):
        verify_stripe_signature(payload=body, header=f"t=1001,v1={signature}", secret="whsec_x", now=1001)


def test_signature_older_than_300_seconds_is_stale():
    body = b"{}"
    header = stripe_signature_header(secret="whsec_x", payload=body, timestamp=1000)
    verify_stripe_signature(payload=body, header=header, secret="whsec_x", now=1300)
    with pytest.raises(SignatureRefused) as refused:
        verify_stripe_signature(payload=body, header=header, secret="whsec_x", now=1301)
    assert refused.value.code == "signature_stale"


def test_alipay_signs_sorted_non_empty_parameters_without_sign():
    from dianpu.payments.domain.alipay import signing_string

    params = {"b": "2", "a": "1", "sign": "xyz", "sign_type": "RSA2", "empty": "", "c": "中文"}
    assert signing_string(params) == "a=1&b=2&c=中文"
    assert signing_string(params, exclude=("sign",)) == "a=1&b=2&c=中文&sign_type=RSA2"


def test_the_signed_part_of_an_alipay_answer_is_cut_exactly():
    from dianpu.payments.domain.alipay import signed_response_part

    body = '{"alipay_trade_refund_response":{"code":"10000","msg":"a \\"}\\" b","n":{"x":1}},"sign":"abc"}'
    assert (
        signed_response_part(body, "alipay_trade_refund_response") == '{"code":"10000","msg":"a \\"}\\" b","n":{"x":1}}'
    )
    assert signed_response_part('{"other":{}}', "alipay_trade_refund_response") is None
