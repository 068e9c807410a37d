"""promotions: promotions (限时折扣, 满减, 满折, 买N送M, 搭配购, 包邮, 会员价, 秒杀), coupons and their
redemptions, and the pure pricing engine in `domain/`.

Public services: create_promotion, update_promotion, end_promotion, create_coupon,
issue_coupon_batch, redeem_pricing (checkout, inside its transaction). Queries: price_cart
(fetch facts, run the engine), list_promotions, list_coupons. Uses catalog and customers;
never orders, checkout, cart or the edges (orders are referred to by foreign key only).
"""
