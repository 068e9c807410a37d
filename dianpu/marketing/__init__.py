"""marketing: campaigns (the calendar, festival templates, live page, report), and the reports
of what marketing bought (promotion cost against budget).

Public services: create_campaign, create_campaign_from_template. Queries: list_campaigns,
get_campaign_live, get_campaign_report. Uses orders (reads), promotions, catalog, inventory;
nothing upstream imports it. Never imports checkout, storefront or console.
"""
