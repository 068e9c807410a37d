"""Competitor monitoring (竞品监控): competitor shops, their products mapped to ours, snapshots of
their price / promotion / sales / rating / main image / detail page, alerts (undercut, new
promotion), suggested prices that respect our floor, the fetcher, and the daily competitor check.

Public services: create_competitor, create_competitor_product, record_snapshot, fetch_product,
fetch_all_products, apply_suggested_price, start_check, tick_check_item, finish_check.
Uses catalog (products, the floor rule, the pricing service) and accounts; nothing imports it but edges.
"""
