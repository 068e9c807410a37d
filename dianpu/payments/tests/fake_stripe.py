"""A local stand-in for Stripe's HTTP API, speaking its protocol: form-encoded POSTs, Bearer auth,
JSON objects shaped like Stripe's, `{"error": {...}}` with 4xx, Idempotency-Key replays.

Only what dianpu calls: POST /v1/payment_intents, GET /v1/payment_intents/{id}, POST /v1/refunds.
Also builds signed webhook requests the way Stripe signs them.
"""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

from dianpu.payments.domain.signatures import stripe_signature_header

SECRET_KEY = "sk_test_dianpu"
WEBHOOK_SECRET = "whsec_dianpu_test"


def _unflatten(pairs: list[tuple[str, str]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if "[" in key:
            head, rest = key.split("[", 1)
            out.setdefault(head, {})[rest.rstrip("]").replace("][", ".")] = value
        else:
            out[key] = value
    return out


class FakeStripe:
    def __init__(self):
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.idempotent: dict[str, tuple[int, dict]] = {}
        self.refuse_refunds_with: str = ""  # e.g. "charge_disputed": answer refunds with a 400
        self.lose_refund_answers = False  # make the refund, then drop the connection (a lost answer)
        # A slow Stripe: while `gate` is clear, POSTs to `slow_paths` wait for it (`waiting` tells
        # the test one is waiting; `finished` that a held request has been answered).
        self.gate = threading.Event()
        self.gate.set()
        self.slow_paths = {"/v1/payment_intents"}
        self.waiting = threading.Event()
        self.finished = threading.Event()
        self.in_flight: set[str] = set()  # idempotency keys being processed (Stripe answers 409 to a repeat)
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                form = _unflatten(parse_qsl(raw, keep_blank_values=True))
                record = {
                    "method": method,
                    "path": self.path,
                    "form": form,
                    "auth": self.headers.get("Authorization", ""),
                    "content_type": self.headers.get("Content-Type", ""),
                    "idempotency_key": self.headers.get("Idempotency-Key", ""),
                }
                key = record["idempotency_key"]
                with fake.lock:
                    fake.requests.append(record)
                    if record["auth"] != f"Bearer {SECRET_KEY}":
                        return self._answer(
                            401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}
                        )
                    if method == "POST" and key and key in fake.idempotent:
                        return self._answer(*fake.idempotent[key])
                    if method == "POST" and key and key in fake.in_flight:
                        return self._answer(
                            409,
                            {
                                "error": {
                                    "type": "idempotency_error",
                                    "code": "idempotency_key_in_use",
                                    "message": "There is currently another in-progress "
                                    "request using this Idempotent Key.",
                                }
                            },
                        )
                    if key:
                        fake.in_flight.add(key)
                held = method == "POST" and self.path in fake.slow_paths and not fake.gate.is_set()
                if held:
                    fake.waiting.set()
                    fake.gate.wait(timeout=60)
                with fake.lock:
                    fake.in_flight.discard(key)
                    status, body = fake.route(method, self.path, form)
                    if method == "POST" and key:
                        fake.idempotent[key] = (status, body)
                if held:
                    try:
                        self._answer(status, body)
                    except OSError:  # the client gave up waiting (its timeout)
                        pass
                    fake.finished.set()
                    return None
                if fake.lose_refund_answers and self.path == "/v1/refunds" and method == "POST":
                    self.close_connection = True
                    return None
                return self._answer(status, body)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def route(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/payment_intents":
            pid = "pi_" + secrets.token_hex(12)
            intent = {
                "id": pid,
                "object": "payment_intent",
                "amount": int(form["amount"]),
                "amount_received": 0,
                "currency": form["currency"],
                "status": "requires_payment_method",
                "client_secret": f"{pid}_secret_{secrets.token_hex(8)}",
                "metadata": form.get("metadata", {}),
                "livemode": False,
            }
            self.intents[pid] = intent
            return 200, intent
        if method == "GET" and path.startswith("/v1/payment_intents/"):
            intent = self.intents.get(path.rsplit("/", 1)[1])
            if intent is None:
                return 404, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": "No such payment_intent",
                    }
                }
            return 200, intent
        if method == "GET" and path.startswith("/v1/refunds?"):
            query = dict(parse_qsl(path.split("?", 1)[1]))
            data = [r for r in self.refunds.values() if r["payment_intent"] == query.get("payment_intent")]
            return 200, {"object": "list", "data": data, "has_more": False, "url": "/v1/refunds"}
        if method == "POST" and path == "/v1/refunds":
            if self.refuse_refunds_with:
                return 400, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": self.refuse_refunds_with,
                        "message": "This charge cannot be refunded.",
                    }
                }
            intent = self.intents.get(form.get("payment_intent", ""))
            if intent is None or intent["status"] != "succeeded":
                return 400, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": "No such payment_intent or not paid",
                    }
                }
            amount = int(form.get("amount") or intent["amount_received"])
            already = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"])
            if already + amount > intent["amount_received"]:
                return 400, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "amount_too_large",
                        "message": "Refund amount is greater than unrefunded amount on charge",
                    }
                }
            rid = "re_" + secrets.token_hex(12)
            refund = {
                "id": rid,
                "object": "refund",
                "amount": amount,
                "currency": intent["currency"],
                "payment_intent": intent["id"],
                "status": "succeeded",
                "metadata": form.get("metadata", {}),
            }
            self.refunds[rid] = refund
            return 200, refund
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL {path}"}}

    def pay(self, intent_id: str, amount: int | None = None) -> dict:
        """The buyer completes the payment (in Stripe's own page): the intent succeeds."""
        intent = self.intents[intent_id]
        intent.update(status="succeeded", amount_received=intent["amount"] if amount is None else amount)
        return dict(intent)

    def paid_requests(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]


def stripe_event(event_type: str, obj: dict, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id or "evt_" + secrets.token_hex(12),
            "object": "event",
            "type": event_type,
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


def signed_headers(payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> dict:
    ts = int(time.time()) if timestamp is None else timestamp
    return {"HTTP_STRIPE_SIGNATURE": stripe_signature_header(secret=secret, payload=payload, timestamp=ts)}


@pytest.fixture
def fake_stripe(settings):
    fake = FakeStripe()
    fake.thread.start()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
