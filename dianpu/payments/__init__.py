"""payments: payment methods behind one gateway interface, and the payments received.

Gateways live in `payments/gateways/` (interface in base.py, one module each). Public services:
record_payment. Queries: list_payment_methods. Orders are referenced by id (string FK), never
imported. No card data is ever stored.
"""
