"""Console pages for orders: the order pool with filters, and one order with its history and the
actions its state allows this user (from the same transition table the API uses)."""
