"""audit: the log of who changed what and when (prices, stock, order states, permissions).

Public services: `audit.services.record_audit`. Queries: `audit.queries.list_entries`.
Imports only core. Every other app writes here through `record_audit`; nothing updates or
deletes an entry.
"""
