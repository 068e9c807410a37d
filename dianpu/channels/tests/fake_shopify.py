"""A local Shopify Admin REST API for tests (a thread running http.server): products.json with
cursor paging in the Link header, inventory_levels/set.json, orders.json?since_id=, fulfillment
orders and fulfillments; it checks X-Shopify-Access-Token and can be told to answer 429 with
Retry-After, 500, or 401."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PREFIX = "/admin/api/2024-10/"


class FakeShopify:
    def __init__(self, token="shpat_test_token"):
        self.token = token
        self.products: list[dict] = []
        self.orders: list[dict] = []
        self.levels: dict[int, int] = {}  # inventory item id -> available
        self.level_writes: list[dict] = []
        self.fulfillments: list[dict] = []
        self.fulfillment_orders: dict[int, list[dict]] = {}
        self.requests: list[tuple[str, str]] = []
        self.page_size = 2
        self.fail_next: list[tuple[int, dict]] = []  # (status, headers) answered before the real answer
        self.lock = threading.Lock()
        self.base = ""
        self.calls_in_bucket = 0  # answered in X-Shopify-Shop-Api-Call-Limit (of 40)

    def add_product(self, pid: int, title: str, variants: list[tuple[int, str, int]]):
        """variants: (variant id, sku, inventory item id)."""
        self.products.append(
            {
                "id": pid,
                "title": title,
                "variants": [
                    {"id": v, "sku": sku, "inventory_item_id": item, "title": sku} for v, sku, item in variants
                ],
            }
        )

    def handle(self, handler, method: str):
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        body = json.loads(handler.rfile.read(length)) if length else None
        with self.lock:
            self.requests.append((method, handler.path))
            if self.fail_next:
                status, headers = self.fail_next.pop(0)
                return status, headers, {"errors": "injected"}
        if handler.headers.get("X-Shopify-Access-Token") != self.token:
            return 401, {}, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
        path = parts.path.removeprefix(PREFIX)
        if method == "GET" and path == "products.json":
            return self._page(self.products, "products", "products.json", query)
        if method == "GET" and path == "orders.json":
            since = int(query.get("since_id") or 0)
            return self._page([o for o in self.orders if o["id"] > since], "orders", "orders.json", query)
        if method == "POST" and path == "inventory_levels/set.json":
            with self.lock:
                self.level_writes.append(body)
                self.levels[int(body["inventory_item_id"])] = body["available"]
            return 200, {}, {"inventory_level": body}
        if method == "GET" and path.startswith("orders/") and path.endswith("/fulfillment_orders.json"):
            order_id = int(path.split("/")[1])
            return (
                200,
                {},
                {
                    "fulfillment_orders": self.fulfillment_orders.get(
                        order_id, [{"id": order_id * 10, "status": "open"}]
                    )
                },
            )
        if method == "POST" and path == "fulfillments.json":
            self.fulfillments.append(body["fulfillment"])
            return 201, {}, {"fulfillment": {"id": len(self.fulfillments), "status": "success"}}
        return 404, {}, {"errors": "Not Found"}

    def _page(self, rows, key, path, query):
        offset = int(query.get("page_info", "0").removeprefix("cursor")) if query.get("page_info") else 0
        size = min(int(query.get("limit") or 50), self.page_size)
        chunk = rows[offset : offset + size]
        headers = {}
        if offset + size < len(rows):
            headers["Link"] = f'<{self.base}/{path}?limit={size}&page_info=cursor{offset + size}>; rel="next"'
        return 200, headers, {key: chunk}


@contextmanager
def running(shop: FakeShopify):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method):
            status, headers, data = shop.handle(self, method)
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for k, v in headers.items():
                self.send_header(k, v)
            if status < 400:
                self.send_header("X-Shopify-Shop-Api-Call-Limit", f"{shop.calls_in_bucket}/40")
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self):  # noqa: N802
            self._answer("GET")

        def do_POST(self):  # noqa: N802
            self._answer("POST")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    shop.base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX.rstrip('/')}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield shop
    finally:
        server.shutdown()
        server.server_close()
