"""Pure marketing rules: festival templates (dates, suggested promotions) and campaign figures."""
