"""`dianpu search_reindex`: send every listed product to the external search engine (SEARCH_ENGINE)."""

from django.core.management.base import BaseCommand, CommandError

from dianpu.catalog.models import Product
from dianpu.catalog.search_engines import SearchEngineError, get_search_engine, product_rows


class Command(BaseCommand):
    help = "Send every listed product to the external search engine (when SEARCH_ENGINE is not 'database')."

    def handle(self, *args, **options):
        engine = get_search_engine()
        if engine is None:
            raise CommandError("SEARCH_ENGINE is 'database': the database's own index is always current.")
        sent, batch = 0, []
        try:
            engine.configure()
            for product in (
                Product.objects.listed()
                .only("id", "search_title", "search_document", "sold_count")
                .iterator(chunk_size=2000)
            ):
                batch.append(product)
                if len(batch) == 2000:
                    engine.replace_products(product_rows(batch))
                    sent, batch = sent + len(batch), []
            if batch:
                engine.replace_products(product_rows(batch))
                sent += len(batch)
        except SearchEngineError as exc:
            raise CommandError(f"the search engine did not answer: {exc}") from exc
        self.stdout.write(f"sent {sent} products")
