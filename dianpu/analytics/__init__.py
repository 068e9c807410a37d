"""analytics: first-party tracking, rollups, the dashboard, funnel, bestseller tracking (爆款数据跟踪),
sales analysis and the scheduled operating reports.

Downstream bookkeeping: it reacts to domain events (OrderPlaced, OrderTransitioned,
OrderRefunded) in handlers.py and folds raw tracking events into rollup tables in a worker task.
Public services: record_events, fold_tracking_events, rebuild_rollups, generate_report.
Queries: get_summary, list_bestsellers, get_funnel, list_sources, ... No upstream business app
imports analytics; analytics reads orders, catalog, payments, customers through their models.
"""
