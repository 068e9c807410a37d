"""Who may use what: every API operation and every console page, and the roles allowed on it.

The table below is the access policy, written down; the test asks the running app, one request
per role per route (see role_probe.py for how), and fails when the app and the table disagree,
or when a route exists that the table does not list. A new endpoint or page: add its row here,
with the roles that need it (the reasoning per role is in docs/guide/staff-and-roles.md).

Values: "everyone" (no sign-in needed), "staff" (any role), "signed" (no role: the caller proves
itself with a webhook signature, which the probe does not have), or role codes separated by spaces.
"Allowed" means past the route's own permission check; a route whose actions need more (an order
transition, a return action, a bulk action) checks that per action, and its app's tests cover it.
"""

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import make_staff, token_for
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.tests.builders import place_test_order

from .role_probe import (
    ANONYMOUS,
    ROLE_CODES,
    Objects,
    api_routes,
    api_verdict,
    call_api,
    call_console,
    console_routes,
    console_url,
    console_verdict,
)

pytestmark = pytest.mark.django_db

API_ACCESS: dict[str, str] = {
    "DELETE /api/v1/banned-words/{word}": "owner",
    "DELETE /api/v1/notification-templates/{kind}/{language}": "owner agent",
    "DELETE /api/v1/order-review/blacklist/{entry_id}": "owner operator agent",
    "DELETE /api/v1/products/{slug}": "owner operator",
    "DELETE /api/v1/shipping-methods/{code}/rates/{rate_id}": "owner operator",
    "GET /api/v1/affiliates/commissions": "owner marketing",
    "GET /api/v1/analytics/bestsellers": "owner operator marketing finance",
    "GET /api/v1/analytics/funnel": "owner operator marketing finance",
    "GET /api/v1/analytics/sales": "owner operator marketing finance",
    "GET /api/v1/analytics/summary": "owner operator marketing finance",
    "GET /api/v1/banned-words": "staff",
    "GET /api/v1/brands": "staff",
    "GET /api/v1/campaigns": "owner marketing",
    "GET /api/v1/campaigns/{campaign_id}/live": "owner marketing",
    "GET /api/v1/carriers": "everyone",
    "GET /api/v1/catalog-audit": "staff",
    "GET /api/v1/categories": "everyone",
    "GET /api/v1/channel-exports/tracking": "owner operator",
    "GET /api/v1/channels": "owner operator",
    "GET /api/v1/channels/{channel_id}": "owner operator",
    "GET /api/v1/channels/{channel_id}/listings": "owner operator",
    "GET /api/v1/channels/{channel_id}/orders": "owner operator",
    "GET /api/v1/channels/{channel_id}/shipping-file": "owner operator",
    "GET /api/v1/channels/{channel_id}/stock-file": "owner operator",
    "PATCH /api/v1/channels/{channel_id}": "owner operator",
    "POST /api/v1/channels": "owner operator",
    "POST /api/v1/channels/{channel_id}/listing-files": "owner operator",
    "POST /api/v1/channels/{channel_id}/listings/{listing_id}/map": "owner operator",
    "POST /api/v1/channels/{channel_id}/order-files": "owner operator",
    "POST /api/v1/channels/{channel_id}/orders/{intake_id}/retry": "owner operator",
    "POST /api/v1/channels/{channel_id}/sync": "owner operator",
    "POST /api/v1/channels/{channel_id}/sync-jobs": "owner operator",
    "GET /api/v1/channels/{channel_id}/sync-jobs/{job_id}": "owner operator",
    "POST /api/v1/channels/{channel_id}/webhooks/shopify": "signed",
    "GET /api/v1/coupons": "owner marketing",
    "GET /api/v1/coupons/{code}": "owner marketing",
    "GET /api/v1/email-campaigns": "owner marketing",
    "GET /api/v1/finance/budgets/{month}": "owner finance",
    "GET /api/v1/finance/campaign-results": "owner marketing finance",
    "GET /api/v1/finance/entries": "owner finance",
    "GET /api/v1/finance/expenses": "owner finance",
    "GET /api/v1/finance/invoice-requests": "owner finance",
    "GET /api/v1/finance/margins": "owner finance",
    "GET /api/v1/finance/periods": "owner finance",
    "GET /api/v1/finance/pnl": "owner finance",
    "GET /api/v1/finance/pnl/series": "owner finance",
    "GET /api/v1/finance/settlements": "owner finance",
    "GET /api/v1/finance/settlements/{settlement_id}": "owner finance",
    "GET /api/v1/finance/tax-settings": "owner finance",
    "GET /api/v1/finance/tax-summary": "owner finance",
    "GET /api/v1/finance/trial-balance": "owner finance",
    "GET /api/v1/fulfillment/documents/{kind}": "owner warehouse",
    "GET /api/v1/inventory-sheets/daily": "staff",
    "GET /api/v1/inventory-sheets/daily.xlsx": "staff",
    "GET /api/v1/margin-rules": "staff",
    "GET /api/v1/notification-templates": "owner agent",
    "GET /api/v1/order-review/blacklist": "owner operator agent",
    "GET /api/v1/order-review/held": "owner operator agent",
    "GET /api/v1/order-review/settings": "owner operator agent",
    "GET /api/v1/orders": "owner operator marketing agent warehouse finance",
    "GET /api/v1/orders/{number}": "owner operator marketing agent warehouse finance",
    "GET /api/v1/orders/{number}/refunds": "owner operator marketing agent warehouse finance",
    "GET /api/v1/payment-methods": "everyone",
    "GET /api/v1/product-exports": "staff",
    "GET /api/v1/product-imports": "staff",
    "GET /api/v1/product-imports/{job_id}": "staff",
    "GET /api/v1/products": "everyone",
    "GET /api/v1/products/{slug}": "everyone",
    "GET /api/v1/products/{slug}/price-history": "staff",
    "GET /api/v1/promotions": "owner marketing",
    "GET /api/v1/promotions/{promotion_id}": "owner marketing",
    "GET /api/v1/purchase-orders": "owner operator warehouse finance",
    "GET /api/v1/purchase-orders/{number}": "owner operator warehouse finance",
    "GET /api/v1/purchase-orders/{number}/pdf": "owner operator warehouse finance",
    "GET /api/v1/replenishment-suggestions": "owner operator warehouse finance",
    "GET /api/v1/reports/carriers": "owner operator marketing finance",
    "GET /api/v1/reports/channels": "owner marketing",
    "GET /api/v1/reports/return-rate": "owner agent warehouse finance",
    "GET /api/v1/returns": "owner agent warehouse finance",
    "GET /api/v1/returns/{number}": "owner agent warehouse finance",
    "GET /api/v1/shipments/exceptions": "owner operator marketing agent warehouse finance",
    "GET /api/v1/shipping-methods": "everyone",
    "GET /api/v1/stock-cover": "staff",
    "GET /api/v1/stock-levels": "staff",
    "GET /api/v1/stock-levels/{sku}/moves": "staff",
    "GET /api/v1/stocktakes": "staff",
    "GET /api/v1/stocktakes/{number}": "staff",
    "GET /api/v1/stocktakes/{number}/lines": "staff",
    "GET /api/v1/suppliers": "owner operator warehouse finance",
    "GET /api/v1/suppliers/{code}": "owner operator warehouse finance",
    "GET /api/v1/warehouses": "staff",
    "PATCH /api/v1/brands/{slug}": "owner operator designer",
    "PATCH /api/v1/coupons/{code}": "owner marketing",
    "PATCH /api/v1/products/{slug}": "owner operator warehouse designer",
    "PATCH /api/v1/promotions/{promotion_id}": "owner marketing",
    "PATCH /api/v1/shipping-methods/{code}": "owner operator",
    "PATCH /api/v1/suppliers/{code}": "owner operator",
    "POST /api/v1/ad-spend": "owner marketing",
    "POST /api/v1/affiliates": "owner marketing",
    "POST /api/v1/banned-words": "owner",
    "POST /api/v1/brands": "owner operator designer",
    "POST /api/v1/campaigns": "owner marketing",
    "POST /api/v1/campaigns/from-template": "owner marketing",
    "POST /api/v1/cart/quote": "everyone",
    "POST /api/v1/channel-imports": "owner operator",
    "POST /api/v1/checkout": "everyone",
    "POST /api/v1/coupon-batches": "owner marketing",
    "POST /api/v1/coupons": "owner marketing",
    "POST /api/v1/email-campaigns": "owner marketing",
    "POST /api/v1/finance/entries/{entry_id}/reverse": "owner finance",
    "POST /api/v1/finance/expenses": "owner finance",
    "POST /api/v1/finance/invoice-requests/{request_id}/issue": "owner finance",
    "POST /api/v1/finance/invoice-requests/{request_id}/reject": "owner finance",
    "POST /api/v1/finance/periods/{month}/close": "owner finance",
    "POST /api/v1/finance/settlements": "owner finance",
    "POST /api/v1/me/invoice-requests": "signed",
    "POST /api/v1/order-merges": "owner operator agent",
    "POST /api/v1/order-review/blacklist": "owner operator agent",
    "POST /api/v1/orders/{number}/refunds": "owner finance",
    "POST /api/v1/orders/{number}/release": "owner operator agent",
    "POST /api/v1/orders/{number}/returns": "owner agent",
    "POST /api/v1/orders/{number}/split": "owner operator agent",
    "POST /api/v1/orders/{number}/transitions": "owner operator marketing agent warehouse finance",
    "POST /api/v1/payments/alipay/notify": "everyone",
    "POST /api/v1/payments/stripe/webhook": "everyone",
    "POST /api/v1/product-bulk-actions": "owner operator designer",
    "POST /api/v1/product-bulk-actions/preview": "staff",
    "POST /api/v1/product-imports": "owner operator",
    "POST /api/v1/products": "owner operator",
    "POST /api/v1/products/{slug}/duplicate": "owner operator",
    "POST /api/v1/promotions": "owner marketing",
    "POST /api/v1/promotions/{promotion_id}/end": "owner marketing",
    "POST /api/v1/purchase-orders": "owner operator",
    "POST /api/v1/purchase-orders/from-suggestions": "owner operator",
    "POST /api/v1/purchase-orders/{number}/cancel": "owner operator",
    "POST /api/v1/purchase-orders/{number}/receipts": "owner warehouse",
    "POST /api/v1/purchase-orders/{number}/send": "owner operator",
    "POST /api/v1/returns": "everyone",
    "POST /api/v1/returns/{number}/approve": "owner agent",
    "POST /api/v1/returns/{number}/cancel": "owner agent",
    "POST /api/v1/returns/{number}/close": "owner agent",
    "POST /api/v1/returns/{number}/exchange-order": "owner agent",
    "POST /api/v1/returns/{number}/receive": "owner warehouse",
    "POST /api/v1/returns/{number}/refund": "owner finance",
    "POST /api/v1/returns/{number}/reject": "owner agent",
    "POST /api/v1/returns/{number}/shipment": "owner agent",
    "POST /api/v1/shipping-batches": "owner warehouse",
    "POST /api/v1/shipping-methods/{code}/rates": "owner operator",
    "POST /api/v1/shipping-quotes": "everyone",
    "POST /api/v1/stock-adjustments": "owner operator warehouse",
    "POST /api/v1/stock-levels/{sku}/safety-stock": "owner operator warehouse",
    "POST /api/v1/stock-transfers": "owner operator warehouse",
    "POST /api/v1/stocktakes": "owner operator warehouse",
    "POST /api/v1/stocktakes/{number}/cancel": "owner operator warehouse",
    "POST /api/v1/stocktakes/{number}/counts": "owner operator warehouse",
    "POST /api/v1/stocktakes/{number}/post": "owner operator warehouse",
    "POST /api/v1/suppliers": "owner operator",
    "POST /api/v1/suppliers/{code}/prices": "owner operator",
    "POST /api/v1/tracking/events/import": "owner warehouse",
    "POST /api/v1/tracking/webhook": "signed",
    "POST /api/v1/utm-links": "owner marketing",
    "POST /api/v1/warehouses": "owner operator warehouse",
    "PUT /api/v1/finance/budgets/{month}": "owner finance",
    "PUT /api/v1/finance/tax-settings": "owner finance",
    "PUT /api/v1/margin-rules": "owner operator",
    "PUT /api/v1/notification-templates/{kind}/{language}": "owner agent",
    "PUT /api/v1/order-review/settings": "owner operator agent",
    "PUT /api/v1/products/{slug}/images": "owner operator designer",
    # competitor monitoring (issue 16): owner, operator, marketing; applying a price needs change_price
    "GET /api/v1/competitor-alerts": "owner operator marketing",
    "GET /api/v1/competitor-products": "owner operator marketing",
    "GET /api/v1/competitor-products/{product_id}/snapshots": "owner operator marketing",
    "GET /api/v1/competitor-products/{product_id}/suggested-price": "owner operator marketing",
    "GET /api/v1/competitors": "owner operator marketing",
    "POST /api/v1/competitor-alerts/{alert_id}/apply": "owner operator",
    "POST /api/v1/competitor-products": "owner operator marketing",
    "POST /api/v1/competitor-products/{product_id}/fetch": "owner operator marketing",
    "POST /api/v1/competitor-products/{product_id}/snapshots": "owner operator marketing",
    "POST /api/v1/competitors": "owner operator marketing",
    # knowledge base and bot (issue 15): the bot and help articles are public; any staff reads the
    # articles (internal notes too); agents and operators write, publish and read the bot log
    "GET /api/v1/help/articles": "everyone",
    "GET /api/v1/help/articles/{slug}": "everyone",
    "GET /api/v1/knowledge/articles": "staff",
    "GET /api/v1/knowledge/bot-answers": "owner operator agent",
    "POST /api/v1/knowledge/articles": "owner operator agent",
    "POST /api/v1/knowledge/articles/{article_id}/publish": "owner operator agent",
    "POST /api/v1/knowledge/articles/{article_id}/unpublish": "owner operator agent",
    "POST /api/v1/support/bot": "everyone",
    "POST /api/v1/support/bot/answers/{answer_id}/rating": "everyone",
    "PUT /api/v1/knowledge/articles/{article_id}": "owner operator agent",
    # operations (issue 19): the status JSON, the owner only
    "GET /api/v1/status": "owner",
    "GET /api/v1/design/briefs": "owner operator designer",
    "GET /api/v1/design/briefs/{brief_id}": "owner operator designer",
    "GET /api/v1/design/experiments": "owner operator",
    "GET /api/v1/design/experiments/{experiment_id}": "owner operator",
    "GET /api/v1/teamwork/routines": "staff",
    "GET /api/v1/teamwork/tasks": "staff",
    "POST /api/v1/design/briefs": "owner operator",
    "POST /api/v1/design/briefs/{brief_id}/comments": "owner operator designer",
    "POST /api/v1/design/briefs/{brief_id}/drafts": "owner operator designer",
    "POST /api/v1/design/briefs/{brief_id}/{action}": "owner operator designer",
    "POST /api/v1/design/experiments": "owner operator",
    "POST /api/v1/design/experiments/{experiment_id}/apply": "owner operator",
    "POST /api/v1/design/experiments/{experiment_id}/stop": "owner operator",
    "POST /api/v1/teamwork/routine-items/{item_id}/tick": "staff",
    "POST /api/v1/teamwork/tasks": "staff",
    "POST /api/v1/teamwork/tasks/{task_id}/close": "staff",
    # customers (issue 14): staff who serve or market to customers; export/erase the owner only
    "GET /api/v1/customer-segments": "owner operator marketing agent",
    # customer service desk (issue 15): agents answer; the storefront chat opens with no token and
    # then uses its X-Conversation-Token; the mail forwarder proves itself with the inbound secret
    "GET /api/v1/support/attachments/{attachment_id}": "owner operator agent",
    "GET /api/v1/support/canned-replies": "owner operator agent",
    "GET /api/v1/support/conversations": "owner operator agent",
    "GET /api/v1/support/conversations/{conversation_id}": "owner operator agent",
    "GET /api/v1/support/conversations/{conversation_id}/messages": "owner operator agent",
    "POST /api/v1/support/canned-replies": "owner operator agent",
    "POST /api/v1/support/conversations": "everyone",
    "POST /api/v1/support/conversations/{conversation_id}/assign": "owner operator agent",
    "POST /api/v1/support/conversations/{conversation_id}/satisfaction": "signed",
    "POST /api/v1/support/conversations/{conversation_id}/attachments": "owner operator agent",
    "POST /api/v1/support/conversations/{conversation_id}/canned-replies/{reply_id}": "owner operator agent",
    "POST /api/v1/support/conversations/{conversation_id}/complaint": "owner operator agent",
    "POST /api/v1/support/conversations/{conversation_id}/messages": "owner operator agent",
    "POST /api/v1/support/conversations/{conversation_id}/notes": "owner operator agent",
    "POST /api/v1/support/conversations/{conversation_id}/priority": "owner operator agent",
    "POST /api/v1/support/conversations/{conversation_id}/status": "owner operator agent",
    "POST /api/v1/support/conversations/{conversation_id}/tags": "owner operator agent",
    "POST /api/v1/support/duty": "owner operator agent",
    "POST /api/v1/support/inbound-email": "signed",
    "GET /api/v1/customers": "owner operator marketing agent",
    "GET /api/v1/customers/{customer_id}": "owner operator marketing agent",
    "GET /api/v1/customers/{customer_id}/export": "owner",
    "GET /api/v1/me": "signed",
    "GET /api/v1/me/points-offers": "signed",
    # Product reviews: the public list; the buyer's own (customer token); moderation.
    "GET /api/v1/products/{slug}/reviews": "everyone",
    "GET /api/v1/me/reviewable-lines": "signed",
    "POST /api/v1/me/reviews": "signed",
    "GET /api/v1/reviews": "owner operator agent",
    "POST /api/v1/reviews/{review_id}/hide": "owner operator agent",
    "POST /api/v1/reviews/{review_id}/show": "owner operator agent",
    "POST /api/v1/me/check-in": "signed",
    "POST /api/v1/me/points-exchange": "signed",
    "POST /api/v1/accounts/phone-code": "everyone",
    "POST /api/v1/accounts/signup-phone": "everyone",
    "POST /api/v1/accounts/token-phone": "everyone",
    "GET /api/v1/outreach": "owner marketing",
    "GET /api/v1/surveys/results": "owner operator marketing agent",
    "POST /api/v1/accounts/signup": "everyone",
    "POST /api/v1/accounts/token": "signed",
    "POST /api/v1/customer-segments": "owner marketing",
    "POST /api/v1/customers/{customer_id}/erase": "owner",
    "POST /api/v1/customers/{customer_id}/points": "owner marketing",
    "POST /api/v1/outreach": "owner marketing",
    # paying again, WeChat Pay's notification (checked by its signature), cancelling an import
    "POST /api/v1/orders/{number}/payments": "everyone",
    "POST /api/v1/payments/wechatpay/notify": "everyone",
    "POST /api/v1/product-imports/{job_id}/cancel": "owner operator",
    # stopping a parcel in transit (拦截)
    "POST /api/v1/returns/{number}/intercept": "owner agent",
    "POST /api/v1/returns/{number}/intercept-failed": "owner agent",
    "POST /api/v1/returns/{number}/intercepted": "owner agent",
}

CONSOLE_ACCESS: dict[str, str] = {
    "console:accounts:password-change": "staff",
    "console:accounts:password-reset": "everyone",
    "console:accounts:password-reset-confirm": "everyone",
    "console:accounts:security": "staff",
    "console:accounts:security-policy": "owner",
    "console:accounts:session-end": "staff",
    "console:accounts:sessions-end-others": "staff",
    # The code step after the password: without a pending sign-in it sends staff home and
    # everyone else to the sign-in page (what the probe sees); the flow is in accounts' tests.
    "console:accounts:sign-in-verify": "staff",
    "console:accounts:token-create": "staff",
    "console:accounts:two-factor": "staff",
    "console:accounts:two-factor-confirm": "staff",
    "console:accounts:two-factor-disable": "staff",
    "console:accounts:two-factor-start": "staff",
    "console:accounts:token-list": "staff",
    "console:accounts:token-revoke": "staff",
    "console:analytics:report-make": "owner operator marketing finance",
    "console:catalog:search-synonyms": "staff",
    "console:support:canned-reply-list": "owner operator agent",
    "console:support:conversation-detail": "owner operator agent",
    "console:support:conversation-messages": "owner operator agent",
    "console:support:inbox": "owner operator agent",
    "console:reviews:review-list": "owner operator agent",
    "console:reviews:review-moderate": "owner operator agent",
    "console:support:sla-settings": "owner operator",
    "console:support:log-list": "owner operator agent",
    "console:support:review-list": "owner operator",
    "console:competitors:alert-list": "owner operator marketing",
    "console:competitors:competitor-list": "owner operator marketing",
    "console:competitors:daily-check": "owner operator marketing",
    "console:competitors:product-detail": "owner operator marketing",
    "console:knowledge:article-create": "owner operator agent",
    "console:knowledge:article-detail": "staff",
    "console:knowledge:article-edit": "owner operator agent",
    "console:knowledge:article-list": "staff",
    "console:knowledge:article-publish": "owner operator agent",
    "console:knowledge:bot-log": "owner operator agent",
    "console:operations:link-report": "owner",
    "console:operations:status": "owner",
    "console:design:brief-create": "owner operator",
    "console:design:brief-detail": "owner operator designer",
    "console:design:brief-list": "owner operator designer",
    "console:design:experiment-detail": "owner operator",
    "console:design:experiment-list": "owner operator",
    "console:teamwork:calendar": "staff",
    "console:teamwork:figures": "owner operator",
    "console:teamwork:task-list": "staff",
    "console:teamwork:template-list": "owner operator",
    "console:teamwork:template-edit": "owner operator",
    "console:teamwork:today": "staff",
    "console:teamwork:training-detail": "staff",
    "console:teamwork:training-list": "staff",
    "console:finance:budget": "owner finance",
    "console:finance:expense-list": "owner finance",
    "console:finance:ledger": "owner finance",
    "console:finance:margins": "owner finance",
    "console:finance:overview": "owner finance",
    "console:finance:period-list": "owner finance",
    "console:finance:settlement-detail": "owner finance",
    "console:finance:settlement-list": "owner finance",
    "console:finance:tax": "owner finance",
    "console:finance:trial-balance": "owner finance",
    "console:shop:settings": "owner",
    "console:catalog:import-cancel": "owner operator",
    "console:customers:customer-detail": "owner operator marketing agent",
    "console:customers:customer-export": "owner",
    "console:customers:customer-list": "owner operator marketing agent",
    "console:customers:segment-list": "owner operator marketing agent",
    "console:customers:outreach-list": "owner marketing",
    "console:customers:offer-list": "owner marketing",
    "console:accounts:staff-create": "owner",
    "console:accounts:staff-list": "owner",
    "console:accounts:staff-roles": "owner",
    "console:analytics:bestsellers": "owner operator marketing finance",
    "console:analytics:bestseller-product": "owner operator marketing finance",
    "console:analytics:customers": "owner operator marketing finance",
    "console:analytics:dashboard": "owner operator marketing finance",
    "console:analytics:funnel": "owner operator marketing finance",
    "console:analytics:report-file": "owner operator marketing finance",
    "console:analytics:report-list": "owner operator marketing finance",
    "console:analytics:rows": "owner operator marketing finance",
    "console:analytics:sales": "owner operator marketing finance",
    "console:analytics:sources": "owner operator marketing finance",
    "console:audit:entry-list": "owner finance",
    "console:catalog:banned-word-add": "owner",
    "console:catalog:banned-word-remove": "owner",
    "console:catalog:brand-list": "staff",
    "console:catalog:bulk": "staff",
    "console:catalog:export": "staff",
    "console:catalog:import": "owner operator",
    "console:catalog:import-errors": "staff",
    "console:catalog:import-job": "staff",
    "console:catalog:price-rules": "staff",
    "console:catalog:product-attributes-save": "owner operator designer",
    "console:catalog:product-create": "owner operator",
    "console:catalog:product-delete": "owner operator",
    "console:catalog:product-duplicate": "owner operator",
    "console:catalog:product-edit": "staff",
    "console:catalog:product-image-add": "owner operator designer",
    "console:catalog:product-images-save": "owner operator designer",
    "console:catalog:product-list": "staff",
    "console:catalog:product-prices": "staff",
    "console:catalog:product-prices-save": "owner operator",
    "console:catalog:product-schedule-save": "owner operator",
    "console:catalog:seo-audit": "staff",
    "console:channels:channel-list": "owner operator",
    "console:channels:channel-detail": "owner operator",
    "console:channels:channel-download": "owner operator",
    "console:channels:sync-job": "owner operator",
    "console:channels:order-import": "owner operator",
    "console:channels:tracking-export": "owner operator",
    "console:fulfillment:batch-ship": "owner warehouse",
    "console:fulfillment:carrier-report": "owner operator marketing finance",
    "console:fulfillment:document": "owner warehouse",
    "console:fulfillment:exception-list": "owner operator marketing agent warehouse finance",
    "console:fulfillment:home": "owner operator marketing agent warehouse finance",
    "console:fulfillment:method-edit": "owner operator",
    "console:fulfillment:method-list": "owner operator",
    "console:fulfillment:pick-list": "owner warehouse",
    "console:fulfillment:rate-delete": "owner operator",
    "console:fulfillment:tracking-upload": "owner warehouse",
    "console:home": "staff",
    "console:inventory:adjustment-create": "owner operator warehouse",
    "console:inventory:cover-list": "staff",
    "console:inventory:daily-sheet": "staff",
    "console:inventory:daily-sheet-xlsx": "staff",
    "console:inventory:level-list": "staff",
    "console:inventory:move-list": "staff",
    "console:inventory:safety-stock-set": "owner operator warehouse",
    "console:inventory:stocktake-cancel": "owner operator warehouse",
    "console:inventory:stocktake-detail": "staff",
    "console:inventory:stocktake-list": "staff",
    "console:inventory:stocktake-post": "owner operator warehouse",
    "console:inventory:transfer-create": "owner operator warehouse",
    "console:inventory:warehouse-list": "staff",
    "console:marketing:campaign-list": "owner marketing",
    "console:marketing:campaign-live": "owner marketing",
    "console:marketing:campaign-report": "owner marketing",
    "console:marketing:email-campaigns": "owner marketing",
    "console:marketing:merchandising": "owner marketing",
    "console:marketing:traffic": "owner marketing",
    "console:messaging:template-edit": "owner agent",
    "console:messaging:template-list": "owner agent",
    "console:messaging:template-preview": "owner agent",
    "console:messaging:template-reset": "owner agent",
    "console:orders:blacklist": "owner operator agent",
    "console:orders:blacklist-remove": "owner operator agent",
    "console:orders:order-detail": "owner operator marketing agent warehouse finance",
    "console:orders:order-list": "owner operator marketing agent warehouse finance",
    "console:orders:order-merge": "owner operator agent",
    "console:orders:order-reject": "owner agent",
    "console:orders:order-release": "owner operator agent",
    "console:orders:order-split": "owner operator agent",
    "console:orders:order-transition": "owner operator marketing agent warehouse finance",
    "console:orders:review-queue": "owner operator agent",
    "console:orders:review-settings": "owner operator agent",
    "console:payments:refund-create": "owner finance",
    "console:promotions:batch-codes": "owner marketing",
    "console:promotions:coupon-edit": "owner marketing",
    "console:promotions:coupon-list": "owner marketing",
    "console:promotions:promotion-create": "owner marketing",
    "console:promotions:promotion-edit": "owner marketing",
    "console:promotions:promotion-end": "owner marketing",
    "console:promotions:promotion-list": "owner marketing",
    "console:purchasing:order-cancel": "owner operator",
    "console:purchasing:order-create": "owner operator",
    "console:purchasing:order-detail": "owner operator warehouse finance",
    "console:purchasing:order-list": "owner operator warehouse finance",
    "console:purchasing:order-pdf": "owner operator warehouse finance",
    "console:purchasing:order-send": "owner operator",
    "console:purchasing:suggestion-list": "owner operator warehouse finance",
    "console:purchasing:supplier-detail": "owner operator warehouse finance",
    "console:purchasing:supplier-list": "owner operator warehouse finance",
    "console:returns:return-action": "owner agent warehouse finance",
    "console:returns:return-create": "owner agent",
    "console:returns:return-detail": "owner agent warehouse finance",
    "console:returns:return-list": "owner agent warehouse finance",
    "console:returns:return-report": "owner agent warehouse finance",
    "console:shop:shipping-method-add": "owner",
    "console:shop:shipping-method-active": "owner",
}


def allowed_roles(spec: str) -> set[str]:
    if spec == "everyone":
        return {ANONYMOUS, *ROLE_CODES}
    if spec == "staff":
        return set(ROLE_CODES)
    if spec == "signed":
        return set()
    roles = set(spec.split())
    assert roles <= set(ROLE_CODES), f"unknown role in {spec!r}"
    return roles


def spec_of(roles: set[str]) -> str:
    if roles == {ANONYMOUS, *ROLE_CODES}:
        return "everyone"
    if roles == set(ROLE_CODES):
        return "staff"
    return " ".join(r for r in ROLE_CODES if r in roles)


@pytest.fixture
def objects(db):
    product = make_product(name="纯棉T恤", name_en="Cotton T-shirt", price="59.00", stock=5, skus=["TEE-M"])
    order = place_test_order({"TEE-M": 1})
    return Objects(
        {
            "slug": product.slug,
            "number": order.number,
            "order_number": order.number,
            "sku": "TEE-M",
            "kind": "order_confirmed",
            "language": "zh-hans",
        }
    )


def observed(routes, ask) -> dict[str, set[str]]:
    """route -> roles the app let through."""
    let_through = {route: set() for route in routes}
    for role in (ANONYMOUS, *ROLE_CODES):
        user = None if role == ANONYMOUS else make_staff(role, username=f"matrix-{role}")
        for route in routes:
            if ask(route, user) == "allowed":
                let_through[route].add(role)
    return let_through


def compare(table: dict[str, str], routes: list[str], seen: dict[str, set[str]]) -> list[str]:
    problems = [f"not in the table: {r!r}: {spec_of(seen[r])!r}," for r in routes if r not in table]
    problems += [f"in the table but gone: {r!r}" for r in table if r not in routes]
    for route in routes:
        if route in table and seen[route] != allowed_roles(table[route]):
            problems.append(f"{route!r}: table says {table[route]!r}, the app lets through {spec_of(seen[route])!r}")
    return problems


def test_every_api_operation_lets_through_exactly_the_roles_in_the_table(objects):
    document = Client().get("/api/v1/openapi.json").json()
    routes = api_routes(document)
    tokens = {}

    def ask(route, user):
        token = None
        if user is not None:
            token = tokens.setdefault(user.pk, token_for(user))
        return api_verdict(call_api(Client(), document, route, objects, token))

    problems = compare(API_ACCESS, routes, observed(routes, ask))
    assert not problems, "\n".join(problems)


def test_every_console_page_lets_through_exactly_the_roles_in_the_table(objects):
    patterns = console_routes()
    routes = sorted(patterns)
    clients = {}

    def ask(route, user):
        key = user.pk if user else None
        if key not in clients:
            clients[key] = Client()
            if user is not None:
                clients[key].force_login(user)
        return console_verdict(call_console(clients[key], console_url(patterns[route], objects)))

    problems = compare(CONSOLE_ACCESS, routes, observed(routes, ask))
    assert not problems, "\n".join(problems)
