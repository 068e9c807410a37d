"""returns: after-sales (售后) — return, exchange and refund-only requests (RMA) and their life.

Owns ReturnRequest, ReturnLine, ReturnHistory. Public services: request_return, approve_return,
reject_return, cancel_return, record_return_shipment, receive_return, refund_return, close_return.
Queries: list_returns, get_return, return_rate_by_product, return_rate_by_reason.
Uses orders (the order and its lines), payments (refund_order: money goes back only there),
inventory (adjust_stock with kind "return": restocked units), fulfillment (tracking numbers),
messaging (customer notifications). Imports no edge app (storefront, console).
"""
