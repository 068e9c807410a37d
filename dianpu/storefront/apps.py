from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "dianpu.storefront"
    label = "storefront"

    def ready(self) -> None:
        from dianpu.catalog.search import use_catalogue_version

        from .page_cache import get_page_version

        # Search results and category lists are kept per page version (catalog.search.kept).
        use_catalogue_version(get_page_version)
