"""A local stand-in for WeChat Pay API v3, speaking its protocol with real keys made here.

It verifies every request's WECHATPAY2-SHA256-RSA2048 Authorization with the merchant's public
key (401 SIGN_ERROR otherwise), signs every answer with its platform key (Wechatpay-Signature,
-Timestamp, -Nonce, -Serial), and builds notifications as WeChat Pay does: the resource sealed
with AEAD_AES_256_GCM under the APIv3 key, the body signed with the platform key. Amounts in fen.

Only what dianpu calls: Native, H5 and JSAPI orders, order query by out_trade_no and by
transaction id, domestic refunds; and WeChat's web OAuth (snsapi_base) that gives JSAPI its
payer.openid: /connect/oauth2/authorize answers 302 to redirect_uri?code=…&state=… (as WeChat does
for the buyer's browser), /sns/oauth2/access_token exchanges the code (once, with the AppSecret)
for the openid, or answers {"errcode": 40029, "errmsg": "invalid code"} with HTTP 200 as WeChat does.
"""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from dianpu.payments.domain.rsa import parse_public_key, verify_sha256
from dianpu.payments.domain.wechatpay import (
    answer_message,
    encrypt_resource,
    parse_authorization,
    request_message,
    sign,
)

MCHID = "1900000109"
APPID = "wxd678efh567hg6787"
APP_SECRET = "f3c2d1e0b9a8f7e6d5c4b3a2f1e0d9c8"
BUYER_OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
PLATFORM_SERIAL = "PUB_KEY_ID_0119000001092025"


def _pem_private(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _pem_public(key) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class Keys:
    """The merchant's API key pair, WeChat Pay's platform key pair and the APIv3 key."""

    def __init__(self):
        self.merchant = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.platform = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.apiv3 = secrets.token_hex(16)  # 32 characters, as the merchant platform asks
        self.merchant_private_pem = _pem_private(self.merchant)
        self.merchant_public_pem = _pem_public(self.merchant)
        self.platform_public_pem = _pem_public(self.platform)


class FakeWeChatPay:
    def __init__(self, keys: Keys):
        self.keys = keys
        self.merchant_public = parse_public_key(keys.merchant_public_pem)
        self.orders: dict[str, dict] = {}  # out_trade_no -> transaction
        self.refunds: dict[str, dict] = {}  # out_refund_no -> refund
        self.requests: list[dict] = []
        self.refund_status = "PROCESSING"
        self.codes: dict[str, str] = {}  # OAuth code -> openid (single use)
        self.openids: set[str] = set()  # the openids issued under APPID
        self.buyer_openid = BUYER_OPENID
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict | None):
                data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
                timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-ID", secrets.token_hex(12))
                self.send_header("Wechatpay-Timestamp", timestamp)
                self.send_header("Wechatpay-Nonce", nonce)
                self.send_header("Wechatpay-Serial", PLATFORM_SERIAL)
                self.send_header(
                    "Wechatpay-Signature", sign(answer_message(timestamp, nonce, data), fake.keys.platform)
                )
                self.send_header("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
                self.end_headers()
                self.wfile.write(data)

            def _oauth(self):
                """WeChat's web OAuth, which signs nothing: the browser redirect and the code exchange."""
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                with fake.lock:
                    fake.requests.append({"method": "GET", "path": self.path, "query": query, "verified": None})
                    if url.path == "/connect/oauth2/authorize":
                        status, location, body = fake.authorize(query)
                    else:
                        status, location, body = 200, "", fake.access_token(query)
                data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "application/json; encoding=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str):
                if method == "GET" and (self.path.startswith("/connect/") or self.path.startswith("/sns/")):
                    return self._oauth()
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                auth = parse_authorization(self.headers.get("Authorization", ""))
                verified = fake.verify(method, self.path, raw, auth)
                record = {
                    "method": method,
                    "path": self.path,
                    "body": json.loads(raw) if raw else None,
                    "auth": auth,
                    "verified": verified,
                    "content_type": self.headers.get("Content-Type", ""),
                    "accept": self.headers.get("Accept", ""),
                }
                with fake.lock:
                    fake.requests.append(record)
                    if not verified:
                        return self._answer(401, {"code": "SIGN_ERROR", "message": "签名错误"})
                    status, body = fake.route(method, self.path, record["body"])
                return self._answer(status, body)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- the server's side of the protocol -----------------------------------------------------
    def verify(self, method: str, path: str, body: str, auth: dict) -> bool:
        import base64

        if auth.get("mchid") != MCHID or auth.get("serial_no") != MERCHANT_SERIAL:
            return False
        if abs(time.time() - int(auth.get("timestamp") or 0)) > 300:
            return False
        try:
            signature = base64.b64decode(auth.get("signature", ""), validate=True)
        except ValueError:
            return False
        message = request_message(method, path, auth.get("timestamp", ""), auth.get("nonce_str", ""), body)
        return verify_sha256(message, signature, self.merchant_public)

    @staticmethod
    def _error(status: int, code: str, message: str) -> tuple[int, dict]:
        return status, {"code": code, "message": message}

    def route(self, method: str, path: str, body: dict | None) -> tuple[int, dict | None]:
        url = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if method == "POST" and url.path in (
            "/v3/pay/transactions/native",
            "/v3/pay/transactions/h5",
            "/v3/pay/transactions/jsapi",
        ):
            return self._prepay(url.path.rsplit("/", 1)[1].upper(), body or {})
        if method == "GET" and url.path.startswith("/v3/pay/transactions/out-trade-no/"):
            if query.get("mchid") != MCHID:
                return self._error(400, "PARAM_ERROR", "mchid 与订单不符")
            order = self.orders.get(unquote(url.path.rsplit("/", 1)[1]))
            return (200, self._transaction(order)) if order else self._error(404, "ORDER_NOT_EXIST", "订单不存在")
        if method == "GET" and url.path.startswith("/v3/pay/transactions/id/"):
            tid = unquote(url.path.rsplit("/", 1)[1])
            order = next((o for o in self.orders.values() if o.get("transaction_id") == tid), None)
            return (200, self._transaction(order)) if order else self._error(404, "ORDER_NOT_EXIST", "订单不存在")
        if method == "POST" and url.path == "/v3/refund/domestic/refunds":
            return self._refund(body or {})
        if method == "GET" and url.path.startswith("/v3/refund/domestic/refunds/"):
            refund = self.refunds.get(unquote(url.path.rsplit("/", 1)[1]))
            return (200, refund) if refund else self._error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        return self._error(404, "NOT_FOUND", "无此接口")

    def _prepay(self, trade_type: str, body: dict) -> tuple[int, dict]:
        amount = body.get("amount") or {}
        if (
            body.get("mchid") != MCHID
            or body.get("appid") != APPID
            or not body.get("out_trade_no")
            or not isinstance(amount.get("total"), int)
            or amount["total"] <= 0
            or not body.get("notify_url")
            or not body.get("description")
        ):
            return self._error(400, "PARAM_ERROR", "参数错误")
        if trade_type == "H5" and not (body.get("scene_info") or {}).get("payer_client_ip"):
            return self._error(400, "PARAM_ERROR", "缺少 payer_client_ip")
        payer = str((body.get("payer") or {}).get("openid") or "")
        if trade_type == "JSAPI" and payer not in self.openids:
            return self._error(400, "PARAM_ERROR", "appid和openid不匹配")
        number = body["out_trade_no"]
        order = self.orders.get(number)
        if order is not None:
            if order["amount"]["total"] != amount["total"] or order["trade_type"] != trade_type:
                return self._error(400, "INVALID_REQUEST", "201 商户订单号重复")
            if order["trade_state"] == "SUCCESS":
                return self._error(400, "ORDERPAID", "该订单已支付")
        else:
            prepay = "wx" + secrets.token_hex(14)
            order = {
                "appid": APPID,
                "mchid": MCHID,
                "out_trade_no": number,
                "trade_type": trade_type,
                "trade_state": "NOTPAY",
                "trade_state_desc": "订单未支付",
                "notify_url": body["notify_url"],
                "amount": {"total": amount["total"], "currency": amount.get("currency", "CNY")},
                "code_url": f"weixin://wxpay/bizpayurl?pr={secrets.token_hex(4)}",
                "h5_url": f"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={prepay}"
                f"&package={secrets.randbelow(10**10)}",
                "prepay_id": prepay,
                "payer": {"openid": payer} if payer else {},
            }
            self.orders[number] = order
        if trade_type == "JSAPI":
            return 200, {"prepay_id": order["prepay_id"]}
        return 200, ({"code_url": order["code_url"]} if trade_type == "NATIVE" else {"h5_url": order["h5_url"]})

    # --- WeChat's web OAuth (snsapi_base) ------------------------------------------------------
    def authorize(self, query: dict) -> tuple[int, str, dict | None]:
        """The buyer's WeChat browser asks for its openid: back to redirect_uri with a code."""
        if (
            query.get("appid") != APPID
            or query.get("response_type") != "code"
            or query.get("scope") not in ("snsapi_base", "snsapi_userinfo")
            or not query.get("redirect_uri")
        ):
            return 400, "", {"errcode": 10003, "errmsg": "redirect_uri域名与后台配置不一致"}
        code = secrets.token_hex(16)
        self.codes[code] = self.buyer_openid
        self.openids.add(self.buyer_openid)
        separator = "&" if "?" in query["redirect_uri"] else "?"
        return (
            302,
            f"{query['redirect_uri']}{separator}{urlencode({'code': code, 'state': query.get('state', '')})}",
            None,
        )

    def access_token(self, query: dict) -> dict:
        if query.get("appid") != APPID or query.get("secret") != APP_SECRET:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        if query.get("grant_type") != "authorization_code":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        openid = self.codes.pop(query.get("code", ""), None)  # a code is good once
        if openid is None:
            return {"errcode": 40029, "errmsg": "invalid code"}
        return {
            "access_token": secrets.token_urlsafe(48),
            "expires_in": 7200,
            "refresh_token": secrets.token_urlsafe(48),
            "openid": openid,
            "scope": "snsapi_base",
            "is_snapshotuser": 0,
        }

    def follow_authorize(self, url: str) -> str:
        """What WeChat's browser does with our redirect to the authorize page: the URL WeChat sends
        it back to (our redirect_uri with code and state)."""
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        assert url.startswith(self.url + "/connect/oauth2/authorize?") and url.endswith("#wechat_redirect"), url
        try:
            urllib.request.build_opener(NoRedirect).open(url.split("#", 1)[0], timeout=5)
        except urllib.error.HTTPError as exc:
            assert exc.code == 302, exc.code
            return exc.headers["Location"]
        raise AssertionError("the authorize page did not redirect")

    def _transaction(self, order: dict) -> dict:
        tx = {k: order[k] for k in ("appid", "mchid", "out_trade_no", "trade_type", "trade_state", "trade_state_desc")}
        tx["amount"] = {"total": order["amount"]["total"], "currency": order["amount"]["currency"]}
        if order["trade_state"] == "SUCCESS":
            tx.update(
                transaction_id=order["transaction_id"],
                success_time="2026-12-07T20:00:00+08:00",
                bank_type="OTHERS",
                payer={"openid": (order.get("payer") or {}).get("openid") or BUYER_OPENID},
            )
            tx["amount"].update(
                payer_total=order["amount"]["paid"], payer_currency="CNY", total=order["amount"]["paid"]
            )
        return tx

    def _refund(self, body: dict) -> tuple[int, dict]:
        key = body.get("out_refund_no", "")
        if key in self.refunds:  # the same out_refund_no again: the same refund
            return 200, self.refunds[key]
        order = next((o for o in self.orders.values() if o.get("transaction_id") == body.get("transaction_id")), None)
        amount = body.get("amount") or {}
        if order is None:
            return self._error(404, "RESOURCE_NOT_EXISTS", "订单不存在")
        if amount.get("total") != order["amount"]["paid"]:
            return self._error(400, "PARAM_ERROR", "订单金额与原订单不符")
        refunded = sum(
            r["amount"]["refund"] for r in self.refunds.values() if r["transaction_id"] == order["transaction_id"]
        )
        if not isinstance(amount.get("refund"), int) or refunded + amount["refund"] > order["amount"]["paid"]:
            return self._error(400, "INVALID_REQUEST", "退款金额超过订单可退金额")
        refund = {
            "refund_id": "50000" + secrets.token_hex(10),
            "out_refund_no": key,
            "transaction_id": order["transaction_id"],
            "out_trade_no": order["out_trade_no"],
            "channel": "ORIGINAL",
            "status": self.refund_status,
            "notify_url": body.get("notify_url", ""),
            "amount": {
                "refund": amount["refund"],
                "total": amount["total"],
                "payer_total": amount["total"],
                "payer_refund": amount["refund"],
                "currency": "CNY",
            },
        }
        self.refunds[key] = refund
        return 200, refund

    # --- what the buyer and WeChat Pay do ------------------------------------------------------
    def pay(self, out_trade_no: str, paid: int | None = None) -> dict:
        """The buyer scans and pays: the transaction succeeds (for `paid` fen, default its total)."""
        order = self.orders[out_trade_no]
        order.update(
            trade_state="SUCCESS",
            trade_state_desc="支付成功",
            transaction_id="42000" + str(secrets.randbelow(10**22)).zfill(22),
        )
        order["amount"]["paid"] = order["amount"]["total"] if paid is None else paid
        return self._transaction(order)

    def notification(
        self,
        event_type: str,
        plain: dict,
        *,
        event_id: str | None = None,
        timestamp: int | None = None,
        key: str | None = None,
    ) -> tuple[bytes, dict]:
        """A notification as WeChat Pay posts it: (body, the Django test client's headers)."""
        resource_type = "transaction" if event_type.startswith("TRANSACTION") else "refund"
        body = json.dumps(
            {
                "id": event_id or f"EV-{secrets.token_hex(10)}",
                "create_time": "2026-12-07T20:00:01+08:00",
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": "支付成功" if resource_type == "transaction" else "退款成功",
                "resource": {
                    **encrypt_resource(
                        plain,
                        key=(key or self.keys.apiv3).encode(),
                        nonce=secrets.token_hex(6),
                        associated_data=resource_type,
                    ),
                    "original_type": resource_type,
                },
            },
            ensure_ascii=False,
        ).encode()
        return body, self.signed_headers(body, timestamp=timestamp)

    def signed_headers(self, body: bytes, *, timestamp: int | None = None) -> dict:
        stamp, nonce = str(int(time.time()) if timestamp is None else timestamp), secrets.token_hex(16)
        return {
            "HTTP_WECHATPAY_TIMESTAMP": stamp,
            "HTTP_WECHATPAY_NONCE": nonce,
            "HTTP_WECHATPAY_SERIAL": PLATFORM_SERIAL,
            "HTTP_WECHATPAY_SIGNATURE_TYPE": "WECHATPAY2-SHA256-RSA2048",
            "HTTP_WECHATPAY_SIGNATURE": sign(answer_message(stamp, nonce, body), self.keys.platform),
        }

    def refund_notification(self, out_refund_no: str, status: str = "SUCCESS", **kwargs) -> tuple[bytes, dict]:
        refund = self.refunds[out_refund_no]
        refund["status"] = status
        plain = {
            "mchid": MCHID,
            "out_trade_no": refund["out_trade_no"],
            "transaction_id": refund["transaction_id"],
            "out_refund_no": out_refund_no,
            "refund_id": refund["refund_id"],
            "refund_status": status,
            "success_time": "2026-12-07T21:00:00+08:00",
            "user_received_account": "支付用户零钱",
            "amount": {k: refund["amount"][k] for k in ("total", "refund", "payer_total", "payer_refund")},
        }
        return self.notification(f"REFUND.{status}", plain, **kwargs)

    def paid_requests(self, path_start: str) -> list[dict]:
        return [r for r in self.requests if r["path"].startswith(path_start)]


@pytest.fixture(scope="session")
def wechatpay_keys():
    return Keys()


@pytest.fixture
def fake_wechatpay(settings, wechatpay_keys):
    fake = FakeWeChatPay(wechatpay_keys)
    fake.thread.start()
    settings.WECHATPAY_MCHID = MCHID
    settings.WECHATPAY_APPID = APPID
    settings.WECHATPAY_SERIAL_NO = MERCHANT_SERIAL
    settings.WECHATPAY_PRIVATE_KEY = wechatpay_keys.merchant_private_pem
    settings.WECHATPAY_APIV3_KEY = wechatpay_keys.apiv3
    settings.WECHATPAY_PLATFORM_PUBLIC_KEY = wechatpay_keys.platform_public_pem
    settings.WECHATPAY_PLATFORM_SERIAL = PLATFORM_SERIAL
    settings.WECHATPAY_API_BASE = fake.url
    settings.WECHATPAY_APP_SECRET = APP_SECRET
    settings.WECHATPAY_OAUTH_URL = f"{fake.url}/connect/oauth2/authorize"
    settings.WECHATPAY_OAUTH_API_BASE = fake.url
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
