"""WeChat Pay API v3 signatures and resource sealing, without a database."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from dianpu.payments.domain.signatures import SignatureRefused
from dianpu.payments.domain.wechatpay import (
    answer_message,
    authorization,
    decrypt_resource,
    encrypt_resource,
    parse_authorization,
    request_message,
    sign,
    verify_signed,
)

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
APIV3 = b"0123456789abcdef0123456789abcdef"


def test_the_request_message_is_method_path_timestamp_nonce_body_each_ending_in_a_newline():
    message = request_message(
        "post", "/v3/pay/transactions/native", "1554208460", "593BEC0C930BF1AFEB40B4A08C8FB242", '{"a":1}'
    )
    assert message == b'POST\n/v3/pay/transactions/native\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{"a":1}\n'
    assert request_message("GET", "/v3/certificates", "1", "n", "") == b"GET\n/v3/certificates\n1\nn\n\n"


def test_the_authorization_header_carries_the_five_fields_and_reads_back():
    header = authorization(
        mchid="1900009191",
        serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
        nonce="abc",
        timestamp="1554208460",
        signature="c2ln",
    )
    assert header == (
        'WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="abc",signature="c2ln",'
        'timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"'
    )
    assert parse_authorization(header)["serial_no"] == "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"
    assert parse_authorization("Bearer x") == {}


def test_an_answer_signed_with_the_platform_key_verifies_and_any_change_is_refused():
    body = b'{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}'
    signature = sign(answer_message("1700000000", "n1", body), KEY)
    check = dict(
        timestamp="1700000000",
        nonce="n1",
        signature=signature,
        serial="S1",
        key=KEY.public_key(),
        expected_serial="S1",
        now=1700000100,
    )
    verify_signed(body=body, **check)
    with pytest.raises(SignatureRefused, match="signature_mismatch"):
        verify_signed(body=body + b" ", **check)
    with pytest.raises(SignatureRefused, match="signature_mismatch"):
        verify_signed(body=body, **{**check, "serial": "S2"})
    with pytest.raises(SignatureRefused, match="signature_stale"):
        verify_signed(body=body, **{**check, "now": 1700000301})
    with pytest.raises(SignatureRefused, match="signature_missing"):
        verify_signed(body=body, **{**check, "signature": ""})
    with pytest.raises(SignatureRefused, match="signature_malformed"):
        verify_signed(body=body, **{**check, "signature": "not base64!"})


def test_a_sealed_resource_opens_only_with_the_apiv3_key_and_its_associated_data():
    resource = encrypt_resource(
        {"out_trade_no": "DP1", "amount": {"total": 100}},
        key=APIV3,
        nonce="fdasflkja484",
        associated_data="transaction",
    )
    assert decrypt_resource(resource, key=APIV3) == {"out_trade_no": "DP1", "amount": {"total": 100}}
    with pytest.raises(SignatureRefused):
        decrypt_resource(resource, key=b"f" * 32)
    with pytest.raises(SignatureRefused):
        decrypt_resource({**resource, "associated_data": "refund"}, key=APIV3)
    sealed = bytearray(base64.b64decode(resource["ciphertext"]))
    sealed[0] ^= 1
    with pytest.raises(SignatureRefused):
        decrypt_resource({**resource, "ciphertext": base64.b64encode(bytes(sealed)).decode()}, key=APIV3)
    with pytest.raises(SignatureRefused):
        decrypt_resource({**resource, "algorithm": "AES_128_CBC"}, key=APIV3)
