"""The demo store behind `dianpu seed-demo`: a bilingual catalogue, stock with its ledger,
customers, a year of orders with the shopping festivals, staff for every role.

The one documented exception to "state changes only through its owner's services": demo
history is written in bulk (tests/architecture/test_rules.py BULK_WRITERS), consistently with
what the services would have written — every stock change is a ledger row, every order status
follows the state machine (`orders.domain.states`) and has its history and audit rows. Staff
roles are set through `accounts.services.set_user_roles`.

Public: seed_demo(DemoOptions(...), progress=...) -> summary; StoreNotEmptyError.
"""

from .generator import DEMO_PASSWORD, DemoOptions, StoreNotEmptyError, reset_shop_data, seed_demo

__all__ = ["DEMO_PASSWORD", "DemoOptions", "StoreNotEmptyError", "reset_shop_data", "seed_demo"]
