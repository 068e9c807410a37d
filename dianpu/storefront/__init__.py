"""storefront: the customer-facing pages (home, categories, search, product, cart, checkout,
order confirmation and status, sitemap.xml, robots.txt). An edge app: it parses requests and
calls the business apps' services and queries; it owns no tables and no business rules.
"""
