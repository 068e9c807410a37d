"""catalog: products (SPU), variants (SKU), categories, tags, brands, attributes, images, listing
state and schedule, search text; prices (list, sale, member, cost), price history, floor rules;
product files (import/export), the SEO audit and listing compliance (banned words).

Public services: create_product, update_product, set_product_status, add_product_image,
update_product_images, duplicate_product, delete_product, apply_scheduled_listings,
set_margin_rule, add_banned_word, remove_banned_word, create_brand, rename_brand;
imports.import_products / create_import_job / run_import_job; bulk.preview_bulk_action /
apply_bulk_action. Queries: list_listed_products, get_listed_product, filter_by_search,
list_category_tree, select_products, get_catalog_audit, get_listing_findings, list_price_history,
list_brands; exports.export_products. Imports core, audit, accounts (role names). Knows nothing
of stock, orders or pages: an import's stock is set through a function the edges pass in
(catalog.tasks wires inventory's), see docs/decisions/0004.
"""
