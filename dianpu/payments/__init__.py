"""payments: payment methods behind one gateway interface, the money received and refunded.

Gateways live in `payments/gateways/` (interface in base.py; bank transfer, cash on delivery,
Stripe over its HTTP API, Alipay RSA2, WeChat Pay API v3; every HTTP call through transport.py,
never inside a database transaction). Owns Payment (with refunded_total), Refund,
PaymentSession (a gateway's payment attempt, e.g. a PaymentIntent id) and GatewayEvent
(notifications processed once). Public services: record_payment, start_payment, refund_order,
settle_refund, reconcile_pending_refunds, reconcile_pending_payments, reconcile_wechatpay_refunds,
handle_stripe_webhook,
handle_alipay_notification, handle_wechatpay_notification.
Queries: list_payment_methods, payment_start_for, can_pay_again, list_refunds, get_refund_summary,
get_refunded_shipping. Orders are referenced by id (string FK), never imported: a confirmed
payment is announced with the PaymentConfirmed event, which orders handles. No card data is
ever stored.
"""
