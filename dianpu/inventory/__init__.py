"""inventory: warehouses, stock per SKU per warehouse, the stock ledger, reservations.

Stock changes only here, through `inventory.services` (reserve_stock, release_reservation,
consume_reservation, adjust_stock, set_on_hand). Every change writes a StockMove row; database
check constraints keep 0 <= reserved <= on_hand. Uses catalog (for Variant). Never imports orders:
callers pass a reference string (the order number).
"""
