"""orders: orders, their lines, their history, and the order state machine.

Status changes only through `orders.services.transition_order` (the transition table is data in
`orders/domain/states.py`). Public services: create_order, transition_order,
cancel_expired_unpaid_orders. Queries: list_orders, get_order, get_order_for_customer,
summarize_sales. Uses catalog, customers, inventory, payments, fulfillment; never checkout,
cart or the edges.
"""
