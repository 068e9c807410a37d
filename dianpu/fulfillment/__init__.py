"""fulfillment: shipping methods and their rate tables, carriers (tracking-number shapes and
tracking URLs), shipments and their tracking events, warehouse documents (PDF).

Carriers live in `fulfillment/carriers/` (interface in base.py); pure rules (rates, tracking
signature, files) in `domain/`. Public services: create_shipment, validate_tracking,
update_shipping_method, save_shipping_rate, delete_shipping_rate, record_tracking_events,
receive_tracking_webhook, import_tracking_file. Queries: list_shipping_methods, quote_shipping,
list_shipping_options, list_carriers, list_tracking_events, list_exceptions, summarize_carriers.
Documents: documents.render_pick_list / render_packing_slips / render_labels. Orders are
referenced by id (string FK), never imported; a delivered scan publishes ParcelDelivered.
"""
