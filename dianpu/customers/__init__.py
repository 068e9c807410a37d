"""customers: the people who buy, found by e-mail; guest checkouts create or reuse a customer.

Public services: get_or_create_customer. Imports core only.
"""
