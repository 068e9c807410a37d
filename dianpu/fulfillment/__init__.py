"""fulfillment: shipping methods and their rates, carriers (tracking-number shapes and tracking
URLs), shipments.

Carriers live in `fulfillment/carriers/` (interface in base.py). Public services:
create_shipment, quote_shipping. Queries: list_shipping_methods, list_carriers. Orders are
referenced by id (string FK), never imported.
"""
