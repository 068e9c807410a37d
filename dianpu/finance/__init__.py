"""Finance (财务): the double-entry ledger, periods and their close, profit and loss, the trial
balance, expenses and the reconciliation of gateways' settlement files.

Downstream: it reacts to other apps' domain events in `handlers.py` (a paid order, a refund, a
shipment post to the ledger in the same transaction) and reads their tables; no upstream app
imports it. Money moves in the books only through `finance.services` (`post_entry` is the one
writer of journal entries). Public services: post_entry, reverse_entry, record_expense,
close_period, import_settlement; queries: get_pnl, get_trial_balance, list_entries.
"""
