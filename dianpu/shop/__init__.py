"""Shop settings (店铺设置): the one row an owner edits in the console — the shop's name and logo,
contact details, business hours, the sender address on labels and packing slips, currency and
whether prices include tax, the unpaid-order timeout.

Environment variables (DIANPU_SHOP_NAME, DIANPU_UNPAID_ORDER_TIMEOUT_HOURS, …) stay the defaults;
a value saved here overrides them. Other apps read through `queries.get_shop_profile()` (cached,
cleared on save); only `services.save_shop_settings` writes, and audits.

Public: services.save_shop_settings; queries.get_shop_profile.
Imports only core and audit.
"""
