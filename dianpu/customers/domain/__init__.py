"""Pure rules of customers: points (value, earning, take-back, expiry), tiers, phone numbers.
No Django, no I/O, no clock."""
