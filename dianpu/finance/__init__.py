"""Finance (财务): the double-entry ledger, periods and their close, profit and loss, the trial
balance, expenses and the reconciliation of gateways' settlement files.

Downstream: it reacts to other apps' domain events in `handlers.py` (a paid order, a refund, a
shipment, returned goods back on the shelf post to the ledger in the same transaction) and reads
their tables; no upstream app imports it. Order.channel is read only through `sales_channels`.
Money moves in the books only through `finance.services` (`post_entry` is the one writer of
journal entries). Public services: post_entry, reverse_entry, record_expense, close_period,
import_settlement; queries: get_pnl, get_trial_balance, list_entries, get_margins (from the
margin rollups). The storefront asks for invoices through tax.request_invoice_for_order.
"""
