"""Pure cart rules."""

MAX_LINE_QUANTITY = 999
MAX_LINES = 100
