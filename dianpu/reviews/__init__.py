"""Product reviews (商品评价): a buyer of a delivered order rates (1–5) and reviews a product it
bought, once per order line, with up to three images (size- and type-checked); staff hide and show
reviews (moderation, audited); the storefront's product page shows the visible ones with their
average and count; "review themes" are the frequent phrases (jieba) of a product's low- and
high-rated reviews, shown on the product's console page beside its complaints.

Public services: submit_review, hide_review, show_review. Queries: list_product_reviews,
get_product_rating, list_reviewable_lines, list_reviews, get_review_themes.
Uses orders (lines, status), catalog (products), customers (the "first review" points action),
audit. Nothing imports it but edges (storefront, console).
"""
