"""cart: shopping carts kept in the database (so abandoned ones can be found and recovered).

Public services: get_or_create_cart, add_to_cart, add_to_open_cart, set_line_quantity, mark_checked_out.
Queries: get_cart_summary, list_abandoned_carts. Uses catalog and inventory.
"""
