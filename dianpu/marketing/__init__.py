"""marketing: campaigns (calendar, festival templates, live page, report), storefront
merchandising (banners, featured slots, bestsellers, bought together), traffic and spend (UTM
links, ad spend import, ROAS per channel, affiliates and commissions), e-mail campaigns and
abandoned-cart recovery.

Public services: create_campaign, create_campaign_from_template (services.py); create_banner,
create_featured_slot (merchandising.py); import_ad_spend, create_affiliate (traffic.py);
schedule_email_campaign, send_due_email_campaigns, send_abandoned_cart_reminders, unsubscribe
(email_campaigns.py). Queries: get_campaign_live, get_campaign_report, list_live_banners,
list_featured_products, list_bestsellers, list_bought_together, report_channels,
report_commissions. Uses orders (reads), promotions, catalog, inventory, customers, cart;
nothing upstream imports it; never imports checkout, storefront or console.
"""
