"""catalog: products (SPU), variants (SKU), categories, tags, images, listing state, search text.

Public services: create_product, update_product, set_product_status, add_product_image,
delete_product. Queries: list_listed_products, get_listed_product, filter_by_search,
list_category_tree. Imports core, audit. Knows nothing of stock, orders or pages.
"""
