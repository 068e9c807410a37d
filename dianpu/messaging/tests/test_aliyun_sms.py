"""Alibaba Cloud SMS against a local server that speaks its protocol: it recomputes the RPC
signature (HMAC-SHA1 over the sorted, percent-encoded query) from the secret and refuses any
request whose signature, nonce or timestamp is wrong, as the real endpoint does."""

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from dianpu.messaging.providers import SmsMessage, aliyun
from dianpu.messaging.providers.aliyun import AliyunSms, sign

KEY_ID, SECRET = "LTAI-test-key", "test-secret/with+odd=chars"


def _enc(s):
    return quote(s, safe="-_.~")


class FakeDysmsapi(BaseHTTPRequestHandler):
    nonces: set = set()
    received: list = []
    delay = 0.0

    def log_message(self, *args):
        pass

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.delay:
            time.sleep(self.delay)
        params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        signature = params.pop("Signature", "")
        query = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(params.items()))
        expected = base64.b64encode(
            hmac.new(f"{SECRET}&".encode(), f"GET&%2F&{_enc(query)}".encode(), hashlib.sha1).digest()
        ).decode()
        if params.get("AccessKeyId") != KEY_ID:
            return self._answer(
                404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found."}
            )
        if not hmac.compare_digest(signature, expected):
            return self._answer(
                400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched."}
            )
        if params["SignatureNonce"] in self.nonces:
            return self._answer(400, {"Code": "SignatureNonceUsed", "Message": "Specified signature nonce was used."})
        self.nonces.add(params["SignatureNonce"])
        sent = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        if abs((datetime.now(timezone.utc) - sent).total_seconds()) > 900:
            return self._answer(400, {"Code": "InvalidTimeStamp.Expired", "Message": "timestamp expired"})
        assert (params["Action"], params["Version"], params["SignatureMethod"], params["SignatureVersion"]) == (
            "SendSms",
            "2017-05-25",
            "HMAC-SHA1",
            "1.0",
        )
        if not params["PhoneNumbers"].isdigit():
            return self._answer(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"})
        self.received.append(params)
        return self._answer(
            200, {"Code": "OK", "Message": "OK", "BizId": f"biz-{len(self.received)}", "RequestId": "req"}
        )


@pytest.fixture
def dysmsapi():
    FakeDysmsapi.nonces, FakeDysmsapi.received, FakeDysmsapi.delay = set(), [], 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeDysmsapi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def provider(endpoint, secret=SECRET, **kw):
    return AliyunSms(access_key_id=KEY_ID, access_key_secret=secret, sign_name="店铺", endpoint=endpoint, **kw)


def test_the_signature_matches_the_documented_example():
    # Alibaba Cloud's worked example of an RPC signature (DescribeRegions, secret "testsecret").
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert sign(params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_a_message_is_accepted_by_a_server_that_checks_the_signature(dysmsapi):
    result = provider(dysmsapi).send(
        SmsMessage("+8613800138000", "SMS_1234", {"name": "王美", "code": "双11 * ~"}, reference="M-1")
    )
    assert (result.accepted, result.provider_id) == (True, "biz-1")
    sent = FakeDysmsapi.received[0]
    assert (sent["PhoneNumbers"], sent["SignName"], sent["TemplateCode"], sent["OutId"]) == (
        "13800138000",
        "店铺",
        "SMS_1234",
        "M-1",
    )
    assert json.loads(sent["TemplateParam"]) == {"name": "王美", "code": "双11 * ~"}


def test_every_request_has_a_fresh_nonce(dysmsapi):
    sms = provider(dysmsapi)
    assert all(sms.send(SmsMessage("+8613800138000", "SMS_1", {})).accepted for _ in range(3))
    assert len(FakeDysmsapi.nonces) == 3


def test_a_wrong_secret_is_refused_with_the_providers_code(dysmsapi):
    result = provider(dysmsapi, secret="not-the-secret").send(SmsMessage("+8613800138000", "SMS_1", {}))
    assert (result.accepted, result.error_code) == (False, "SignatureDoesNotMatch")
    assert FakeDysmsapi.received == []


def test_a_replayed_nonce_is_refused(dysmsapi):
    sms = provider(dysmsapi, nonce=lambda: "same-nonce")
    assert sms.send(SmsMessage("+8613800138000", "SMS_1", {})).accepted
    assert sms.send(SmsMessage("+8613800138000", "SMS_1", {})).error_code == "SignatureNonceUsed"


def test_a_provider_that_times_out_or_is_down_is_a_failed_send_not_a_crash(dysmsapi, monkeypatch):
    monkeypatch.setattr(aliyun, "TIMEOUT_SECONDS", 0.3)
    FakeDysmsapi.delay = 1.0
    assert provider(dysmsapi).send(SmsMessage("+8613800138000", "SMS_1", {})).error_code == "timeout"
    down = provider("http://127.0.0.1:9").send(SmsMessage("+8613800138000", "SMS_1", {}))
    assert (down.accepted, down.error_code) == (False, "unreachable")
