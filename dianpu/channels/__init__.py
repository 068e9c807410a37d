"""channels: orders from other platforms (多平台订单) — Shopify's orders export CSV and any CSV/XLSX
through a column mapping — imported into the one order pool, marked with their channel and
de-duplicated by the channel's order number; and our tracking numbers exported back in the
platform's format.

Connectors (`channels/connectors/`) are pure readers and writers of the platforms' files. Public
services: import_channel_orders, export_tracking_csv; sync.* for connected channels (connect, sync
in the worker with progress, stock over the channel's warehouses, Shopify's orders/create,
orders/cancelled and refunds/create webhooks). Public read for every app and edge that shows an
order's channel: queries.channel_label(value) / channel_labels(values) (also named in services).
Uses orders (create_order, transition_order), inventory (reserve_stock, available stock per
warehouse), payments (refund_order, for a platform's refund), catalog (SKUs) and customers; only
edges (orders' console and API) and downstream apps (finance) import channels, for channel_label.
"""
