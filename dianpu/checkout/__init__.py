"""checkout: turns a cart or an API request into an order, in one transaction.

Orchestrates catalog (prices), customers, orders (create_order), inventory (reserve_stock),
payments (start_payment) and fulfillment (shipping fee). Public service: place_order; query:
quote_checkout. Owns no tables.
"""
