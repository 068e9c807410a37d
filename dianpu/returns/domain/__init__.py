"""Pure after-sales rules: the return state table and who may ask for what, when."""
