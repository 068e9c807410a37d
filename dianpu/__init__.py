"""dianpu (店铺): a self-hosted online store and its operations back-office.

See docs/architecture.md for the map of apps and how data flows between them.
"""

__version__ = "0.1.0"
