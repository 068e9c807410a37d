"""Pure bookkeeping rules: the chart of accounts, balanced entries, periods, settlement files."""
