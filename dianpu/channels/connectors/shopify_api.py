"""Shopify through its Admin REST API: products and variants in (cursor paging by the Link header),
stock out (inventory_levels/set.json), orders in (the signed orders/create webhook, and
orders.json?since_id= polling as a safety net), tracking back (fulfillment orders → fulfillments).

Every request carries X-Shopify-Access-Token. A 429 is retried after its Retry-After, a 5xx or a
dropped connection after a growing pause; a 401/403 is not retried (ShopifyError "auth_failed").
Never called inside a database transaction (dianpu.core.outbound).
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

from dianpu.core.outbound import ensure_outside_transaction

from .base import ChannelLine, ChannelOrder, to_datetime, to_decimal

API_VERSION = "2024-10"
PAGE_SIZE = 250
MAX_PAGES = 400  # 100,000 variants' products or orders at most per read
MAX_ATTEMPTS = 5
MAX_WAIT_SECONDS = 30.0
TIMEOUT_SECONDS = 15


class ShopifyError(Exception):
    """code: auth_failed | rate_limited | unavailable | missing | rejected | bad_response."""

    def __init__(self, code: str, status: int = 0, detail: str = ""):
        self.code, self.status, self.detail = code, status, detail[:300]
        super().__init__(f"{code} ({status}): {self.detail}")


@dataclass(frozen=True)
class Listing:
    product_id: str
    variant_id: str
    sku: str
    inventory_item_id: str
    title: str


def default_api_base(shop_domain: str) -> str:
    return f"https://{shop_domain.strip().strip('/')}/admin/api/{API_VERSION}"


def _sleep(seconds: float) -> None:  # a seam: tests record the pauses instead of waiting
    time.sleep(seconds)


def next_page_info(link_header: str) -> str:
    """The page_info of the rel="next" URL in a Link header, or ""."""
    for part in (link_header or "").split(","):
        if 'rel="next"' not in part:
            continue
        url = part.split(";")[0].strip().lstrip("<").rstrip(">")
        values = parse_qs(urlsplit(url).query).get("page_info")
        if values:
            return values[0]
    return ""


def retry_wait(status: int, retry_after: str, attempt: int) -> float:
    """Seconds to wait before the next attempt: Retry-After on a 429, else 0.5 s doubling."""
    if status == 429:
        try:
            return min(MAX_WAIT_SECONDS, max(0.0, float(retry_after)))
        except (TypeError, ValueError):
            return 2.0
    return min(MAX_WAIT_SECONDS, 0.5 * (2**attempt))


def bucket_pause(call_limit: str) -> float:
    """Shopify's leaky bucket ("32/40" used of the bucket, leaking 2 calls a second): slow down
    before it is full rather than be answered 429."""
    try:
        used, size = (int(p) for p in call_limit.split("/"))
    except (ValueError, TypeError):
        return 0.0
    return 0.5 if size > 0 and used >= size * 0.8 else 0.0


class ShopifyClient:
    def __init__(self, api_base: str, access_token: str, *, max_attempts: int = MAX_ATTEMPTS):
        self.api_base = api_base.rstrip("/")
        self.access_token = access_token
        self.max_attempts = max_attempts

    def _call(self, method: str, path: str, params: dict | None = None, body: dict | None = None):
        url = f"{self.api_base}/{path}" + (f"?{urlencode(params)}" if params else "")
        data = json.dumps(body).encode() if body is not None else None
        last = ShopifyError("unavailable")
        for attempt in range(self.max_attempts):
            request = urllib.request.Request(
                url,
                data=data,
                method=method,
                headers={
                    "X-Shopify-Access-Token": self.access_token,
                    "Accept": "application/json",
                    **({"Content-Type": "application/json"} if data is not None else {}),
                },
            )
            ensure_outside_transaction(f"shopify {method} {url}")
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (the channel's API)
                    raw = response.read(20_000_000)
                    pause = bucket_pause(response.headers.get("X-Shopify-Shop-Api-Call-Limit", ""))
                    if pause:
                        _sleep(pause)
                    try:
                        return (json.loads(raw) if raw.strip() else {}), response.headers
                    except ValueError:
                        raise ShopifyError("bad_response", response.status, "not JSON") from None
            except urllib.error.HTTPError as exc:
                status = exc.code
                text = exc.read(2000).decode("utf-8", "replace")
                if status in (401, 403):
                    raise ShopifyError("auth_failed", status, text) from None
                if status == 404:
                    raise ShopifyError("missing", status, text) from None
                if status == 429 or status >= 500:
                    last = ShopifyError("rate_limited" if status == 429 else "unavailable", status, text)
                    if attempt < self.max_attempts - 1:
                        _sleep(retry_wait(status, exc.headers.get("Retry-After", ""), attempt))
                    continue
                raise ShopifyError("rejected", status, text) from None
            except (urllib.error.URLError, OSError) as exc:
                last = ShopifyError("unavailable", 0, str(exc))
                if attempt < self.max_attempts - 1:
                    _sleep(retry_wait(0, "", attempt))
        raise last

    def _pages(self, path: str, key: str, params: dict):
        query = {"limit": PAGE_SIZE, **params}
        for _page in range(MAX_PAGES):
            data, headers = self._call("GET", path, query)
            if not isinstance(data, dict) or not isinstance(data.get(key), list):
                raise ShopifyError("bad_response", 200, f"no {key} list")
            yield from data[key]
            page_info = next_page_info(headers.get("Link", ""))
            if not page_info:
                return
            query = {"limit": PAGE_SIZE, "page_info": page_info}  # Shopify: no other filters with page_info

    def list_listings(self) -> list[Listing]:
        """Every variant of every product, with its SKU and inventory item."""
        found = []
        for product in self._pages("products.json", "products", {}):
            for v in product.get("variants") or []:
                found.append(
                    Listing(
                        product_id=str(product.get("id", "")),
                        variant_id=str(v.get("id", "")),
                        sku=str(v.get("sku") or "").strip(),
                        inventory_item_id=str(v.get("inventory_item_id") or ""),
                        title=f"{product.get('title', '')} {v.get('title', '')}".strip()[:200],
                    )
                )
        return found

    def set_stock(self, *, location_id: str, inventory_item_id: str, available: int) -> None:
        self._call(
            "POST",
            "inventory_levels/set.json",
            body={
                "location_id": _id(location_id),
                "inventory_item_id": _id(inventory_item_id),
                "available": int(available),
            },
        )

    def list_orders(self, *, since_id: str = "", created_at_min: str = "") -> list[dict]:
        params = {"status": "any"}
        if since_id:
            params["since_id"] = since_id
        elif created_at_min:
            params["created_at_min"] = created_at_min
        return list(self._pages("orders.json", "orders", params))

    def fulfil(self, *, order_id: str, number: str, company: str, url: str) -> int:
        """Mark the order's open fulfillment orders fulfilled with this tracking; how many."""
        data, _headers = self._call("GET", f"orders/{_id(order_id)}/fulfillment_orders.json")
        open_ids = [
            f["id"]
            for f in (data.get("fulfillment_orders") or [])
            if f.get("status") in ("open", "in_progress", "scheduled")
        ]
        if not open_ids:
            return 0
        self._call(
            "POST",
            "fulfillments.json",
            body={
                "fulfillment": {
                    "line_items_by_fulfillment_order": [{"fulfillment_order_id": i} for i in open_ids],
                    "tracking_info": {"number": number, "company": company, **({"url": url} if url else {})},
                    "notify_customer": True,
                }
            },
        )
        return len(open_ids)


def _id(value):
    text = str(value).strip()
    return int(text) if text.isdigit() else text


def verify_webhook(body: bytes, secret: str, signature: str) -> bool:
    """X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256 of the raw body with the webhook secret."""
    if not secret or not signature:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.strip().encode())


def sign_webhook(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _money(value) -> Decimal:
    return to_decimal("" if value is None else str(value), 0, "", [])


def order_from_payload(data: dict) -> ChannelOrder:
    """An orders/create webhook body (or one element of orders.json) as a channel order."""
    address = data.get("shipping_address") or data.get("billing_address") or {}
    customer = data.get("customer") or {}
    name = " ".join(p for p in (address.get("first_name"), address.get("last_name")) if p) or address.get("name") or ""
    email = (data.get("email") or data.get("contact_email") or customer.get("email") or "").strip()
    shipping = sum((_money(s.get("price")) for s in data.get("shipping_lines") or []), Decimal("0.00"))
    order = ChannelOrder(
        number=str(data.get("name") or data.get("id")),
        email=email or f"shopify-{data.get('id')}@orders.invalid",
        paid=str(data.get("financial_status", "")).lower() in ("paid", "partially_refunded"),
        placed_at=to_datetime(data.get("created_at")),
        ship_name=(address.get("name") or name or "-")[:100],
        ship_phone=(address.get("phone") or data.get("phone") or customer.get("phone") or "-")[:30],
        ship_country=(address.get("country_code") or "CN").upper()[:2],
        ship_province=(address.get("province") or "-")[:50],
        ship_city=(address.get("city") or "-")[:50],
        ship_line1=(address.get("address1") or "-")[:200],
        ship_line2=(address.get("address2") or "")[:200],
        ship_postcode=(address.get("zip") or "")[:12],
        shipping_total=shipping,
        discount_total=_money(data.get("total_discounts")),
    )
    for item in data.get("line_items") or []:
        try:
            quantity = max(1, min(9999, int(item.get("quantity") or 1)))
        except (TypeError, ValueError):
            quantity = 1
        order.lines.append(
            ChannelLine(
                sku=str(item.get("sku") or "").strip(),
                name=str(item.get("title") or "")[:120],
                quantity=quantity,
                unit_price=_money(item.get("price")),
                row=0,
                external_variant_id=str(item.get("variant_id") or ""),
            )
        )
    return order
