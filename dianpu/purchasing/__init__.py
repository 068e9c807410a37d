"""purchasing: suppliers (lead times, prices per SKU), replenishment suggestions and purchase
orders (draft → sent with a PDF → partially received → received).

Receipts go onto the stock ledger and update the moving-average cost only through
`inventory.services.receive_stock`. Public services: create_supplier, update_supplier,
set_supplier_price, create_purchase_order, create_purchase_orders_from_suggestions,
send_purchase_order, receive_purchase_order, cancel_purchase_order; queries:
list_suppliers, list_purchase_orders, get_purchase_order, get_on_order_by_variant,
list_replenishment_suggestions. Uses inventory, catalog, accounts, audit, core; never imports
orders, checkout, storefront or console.
"""
