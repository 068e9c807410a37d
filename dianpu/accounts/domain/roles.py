"""Roles (运营主管, 产品运营, 市场推广, 客服, 仓库, 财务, 美工) and what each may do.

Permission names are Django's "app_label.codename". The owner may do everything.
"""

from dataclasses import dataclass

VIEW_CATALOG = "catalog.view_product"
ADD_PRODUCT = "catalog.add_product"
CHANGE_PRODUCT = "catalog.change_product"
DELETE_PRODUCT = "catalog.delete_product"
CHANGE_PRICE = "catalog.change_price"
PUBLISH_PRODUCT = "catalog.publish_product"
VIEW_STOCK = "inventory.view_stocklevel"
ADJUST_STOCK = "inventory.adjust_stock"
VIEW_ORDERS = "orders.view_order"
RECORD_PAYMENT = "orders.record_payment"
FULFIL_ORDER = "orders.fulfil_order"
CANCEL_ORDER = "orders.cancel_order"
REVIEW_ORDER = "orders.review_order"
VIEW_AUDIT = "audit.view_auditentry"
MANAGE_STAFF = "accounts.manage_staff"
VIEW_CUSTOMERS = "customers.view_customer"
VIEW_FIGURES = "orders.view_sales_figures"
REFUND_ORDER = "payments.refund_order"
VIEW_RETURNS = "returns.view_returnrequest"
MANAGE_RETURNS = "returns.manage_returns"
RECEIVE_RETURNS = "returns.receive_returns"
EDIT_TEMPLATES = "messaging.change_notificationtemplate"
MANAGE_REVIEW_RULES = "orders.manage_review_rules"
MANAGE_SHIPPING = "fulfillment.manage_shipping_rates"
IMPORT_CHANNEL_ORDERS = "channels.import_channel_orders"
VIEW_PURCHASING = "purchasing.view_purchaseorder"
MANAGE_PURCHASING = "purchasing.manage_purchasing"
RECEIVE_GOODS = "purchasing.receive_goods"
MANAGE_PROMOTIONS = "promotions.manage_promotions"
MANAGE_MARKETING = "marketing.manage_marketing"
VIEW_ANALYTICS = "analytics.view_analytics"
VIEW_MARGINS = "analytics.view_margins"
ADJUST_POINTS = "customers.adjust_points"
MANAGE_PRIVACY = "customers.manage_privacy"
VIEW_CONTACT = "customers.view_contact"  # a customer's phone and address unmasked
# The shop's own banned words: the compliance list the owner keeps (no other role: those who
# write listings must not be able to lift the rule their texts are checked against).
MANAGE_BANNED_WORDS = "catalog.change_bannedword"
MANAGE_SHOP = "shop.manage_shop_settings"
MONITOR_COMPETITORS = "competitors.monitor_competitors"
# The service desk: answer conversations (agents, and the leads who may step in); review agents'
# conversations and daily logs (the leads: owner, operator).
ANSWER_CONVERSATIONS = "support.answer_conversations"
REVIEW_SUPPORT = "support.review_support"
# Product reviews: hide and show them (moderation): the operators and the service desk.
MODERATE_REVIEWS = "reviews.moderate_reviews"
# Writing and publishing help articles and internal notes, reading the bot log (reading articles: any staff).
MANAGE_KNOWLEDGE = "knowledge.manage_articles"
# The status page, its JSON and the storefront link report: the owner only.
VIEW_OPERATIONS = "operations.view_operations_status"
MANAGE_CHANNELS = "channels.manage_channels"
MANAGE_BRIEFS = "design.manage_briefs"  # brief the designer, approve, put images on products
WORK_ON_BRIEFS = "design.work_on_briefs"  # see briefs (a designer: their own) and upload drafts
RUN_EXPERIMENTS = "design.run_experiments"  # main-image A/B tests
MANAGE_TEAM = "teamwork.manage_team"  # routine templates, everyone's routines and tasks, training documents
VIEW_BOOKS = "finance.view_books"
MANAGE_BOOKS = "finance.manage_books"
# Ad spend and what each campaign earned after it: the one part of the books marketing sees.
VIEW_AD_RESULTS = "finance.view_ad_results"

ALL_PERMISSIONS = (
    VIEW_CATALOG,
    ADD_PRODUCT,
    CHANGE_PRODUCT,
    DELETE_PRODUCT,
    CHANGE_PRICE,
    PUBLISH_PRODUCT,
    VIEW_STOCK,
    ADJUST_STOCK,
    VIEW_ORDERS,
    RECORD_PAYMENT,
    FULFIL_ORDER,
    CANCEL_ORDER,
    REVIEW_ORDER,
    VIEW_AUDIT,
    MANAGE_STAFF,
    VIEW_CUSTOMERS,
    VIEW_FIGURES,
    REFUND_ORDER,
    VIEW_RETURNS,
    MANAGE_RETURNS,
    RECEIVE_RETURNS,
    EDIT_TEMPLATES,
    MANAGE_REVIEW_RULES,
    MANAGE_SHIPPING,
    IMPORT_CHANNEL_ORDERS,
    VIEW_PURCHASING,
    MANAGE_PURCHASING,
    RECEIVE_GOODS,
    MANAGE_PROMOTIONS,
    MANAGE_MARKETING,
    VIEW_ANALYTICS,
    VIEW_MARGINS,
    ADJUST_POINTS,
    MANAGE_PRIVACY,
    VIEW_CONTACT,
    MANAGE_BANNED_WORDS,
    MANAGE_SHOP,
    MONITOR_COMPETITORS,
    VIEW_OPERATIONS,
    MANAGE_CHANNELS,
    MANAGE_KNOWLEDGE,
    MANAGE_BRIEFS,
    WORK_ON_BRIEFS,
    RUN_EXPERIMENTS,
    MANAGE_TEAM,
    VIEW_BOOKS,
    MANAGE_BOOKS,
    VIEW_AD_RESULTS,
    ANSWER_CONVERSATIONS,
    REVIEW_SUPPORT,
    MODERATE_REVIEWS,
)


@dataclass(frozen=True)
class Role:
    code: str
    name: str  # zh-Hans
    name_en: str
    permissions: frozenset[str]


ROLES: tuple[Role, ...] = (
    Role("owner", "店主 / 运营主管", "Owner", frozenset(ALL_PERMISSIONS)),
    Role(
        "operator",
        "产品运营",
        "Product operator",
        frozenset(
            {
                VIEW_CATALOG,
                ADD_PRODUCT,
                CHANGE_PRODUCT,
                DELETE_PRODUCT,
                CHANGE_PRICE,
                PUBLISH_PRODUCT,
                VIEW_STOCK,
                ADJUST_STOCK,
                VIEW_ORDERS,
                REVIEW_ORDER,
                VIEW_FIGURES,
                MANAGE_REVIEW_RULES,
                MANAGE_SHIPPING,
                IMPORT_CHANNEL_ORDERS,
                VIEW_PURCHASING,
                MANAGE_PURCHASING,
                VIEW_ANALYTICS,
                VIEW_CUSTOMERS,
                MONITOR_COMPETITORS,
                MANAGE_CHANNELS,
                MANAGE_KNOWLEDGE,
                MANAGE_BRIEFS,
                WORK_ON_BRIEFS,
                RUN_EXPERIMENTS,
                MANAGE_TEAM,
                ANSWER_CONVERSATIONS,
                REVIEW_SUPPORT,
                MODERATE_REVIEWS,
            }
        ),
    ),
    Role(
        "marketing",
        "市场推广",
        "Marketing",
        frozenset(
            {
                VIEW_CATALOG,
                VIEW_STOCK,
                VIEW_ORDERS,
                VIEW_CUSTOMERS,
                VIEW_FIGURES,
                MANAGE_PROMOTIONS,
                MANAGE_MARKETING,
                VIEW_ANALYTICS,
                ADJUST_POINTS,
                MONITOR_COMPETITORS,
                VIEW_AD_RESULTS,
            }
        ),
    ),
    Role(
        "agent",
        "客服",
        "Customer service agent",
        frozenset(
            {
                VIEW_CATALOG,
                VIEW_STOCK,
                VIEW_ORDERS,
                CANCEL_ORDER,
                REVIEW_ORDER,
                VIEW_CUSTOMERS,
                VIEW_RETURNS,
                MANAGE_RETURNS,
                EDIT_TEMPLATES,
                MANAGE_REVIEW_RULES,
                VIEW_CONTACT,
                ANSWER_CONVERSATIONS,
                MANAGE_KNOWLEDGE,
                MODERATE_REVIEWS,
            }
        ),
    ),
    Role(
        "warehouse",
        "仓库",
        "Warehouse",
        frozenset(
            {
                VIEW_CATALOG,
                VIEW_STOCK,
                ADJUST_STOCK,
                VIEW_ORDERS,
                FULFIL_ORDER,
                VIEW_RETURNS,
                RECEIVE_RETURNS,
                VIEW_PURCHASING,
                RECEIVE_GOODS,
            }
        ),
    ),
    Role(
        "finance",
        "财务",
        "Finance",
        frozenset(
            {
                VIEW_CATALOG,
                VIEW_STOCK,
                VIEW_ORDERS,
                RECORD_PAYMENT,
                VIEW_AUDIT,
                VIEW_FIGURES,
                REFUND_ORDER,
                VIEW_RETURNS,
                VIEW_PURCHASING,
                VIEW_ANALYTICS,
                VIEW_MARGINS,
                VIEW_BOOKS,
                MANAGE_BOOKS,
                VIEW_AD_RESULTS,
            }
        ),
    ),
    # Stock is read-only for finance (valuation) and the designer (which listings sell), and
    # every product page in the console shows it.
    Role("designer", "美工", "Designer", frozenset({VIEW_CATALOG, VIEW_STOCK, CHANGE_PRODUCT, WORK_ON_BRIEFS})),
)
ROLES_BY_CODE = {role.code: role for role in ROLES}
