"""orders: orders, their lines, their history, and the order state machine; order review (审单:
risk rules, holds, blacklist), merging and splitting, batch shipping.

Status changes only through `orders.services.transition_order` (the transition table is data in
`orders/domain/states.py`). Public services: create_order, transition_order, hold_order,
release_order, cancel_expired_unpaid_orders; review.review_placed_order, update_review_settings,
add/remove_blacklist_entry; merging.merge_orders, split_order; batch_shipping.ship_orders_in_batch.
Queries: list_orders, get_order, get_order_for_customer, summarize_sales, count_open_orders, list_held_orders,
list_pick_lines, list_parcel_docs. Uses catalog, customers, inventory, payments, fulfillment;
never checkout, channels, cart or the edges.
"""
