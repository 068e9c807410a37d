"""The full-text index behind catalog.search: fills Product.search_title, then

- SQLite: an FTS5 table over (search_title, search_document), external content from catalog_product,
  kept current by triggers in the same transaction as every write to a product (services, bulk
  import, demo seeding alike); an fts5vocab table over it lists the indexed words (typo tolerance).
- PostgreSQL: a GIN index on the tsvector of the same tokens (title weight A, the rest D), built
  from the stored tokens ('simple': split on the spaces between them, no stemming), always current.
"""

from django.db import migrations

from dianpu.catalog.domain.search import build_search_document

SQLITE = [
    """CREATE VIRTUAL TABLE catalog_product_fts USING fts5(
        search_title, search_document, content='catalog_product', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE VIRTUAL TABLE catalog_product_fts_vocab USING fts5vocab(catalog_product_fts, 'row')""",
    """CREATE TRIGGER catalog_product_fts_insert AFTER INSERT ON catalog_product BEGIN
        INSERT INTO catalog_product_fts(rowid, search_title, search_document)
        VALUES (new.id, new.search_title, new.search_document);
    END""",
    """CREATE TRIGGER catalog_product_fts_delete AFTER DELETE ON catalog_product BEGIN
        INSERT INTO catalog_product_fts(catalog_product_fts, rowid, search_title, search_document)
        VALUES ('delete', old.id, old.search_title, old.search_document);
    END""",
    """CREATE TRIGGER catalog_product_fts_update AFTER UPDATE OF search_title, search_document ON catalog_product
    BEGIN
        INSERT INTO catalog_product_fts(catalog_product_fts, rowid, search_title, search_document)
        VALUES ('delete', old.id, old.search_title, old.search_document);
        INSERT INTO catalog_product_fts(rowid, search_title, search_document)
        VALUES (new.id, new.search_title, new.search_document);
    END""",
    "INSERT INTO catalog_product_fts(catalog_product_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS catalog_product_fts_update",
    "DROP TRIGGER IF EXISTS catalog_product_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_product_fts_insert",
    "DROP TABLE IF EXISTS catalog_product_fts_vocab",
    "DROP TABLE IF EXISTS catalog_product_fts",
]
# Keep in step with catalog.search.POSTGRES_TSVECTOR (the query must use the indexed expression).
POSTGRES = [
    """CREATE INDEX catalog_product_fulltext ON catalog_product USING gin ((
        setweight(to_tsvector('simple'::regconfig, search_title), 'A')
        || setweight(to_tsvector('simple'::regconfig, search_document), 'D')))""",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS catalog_product_fulltext"]


def fill_titles(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    batch = []
    for product in Product.objects.select_related("category").iterator(chunk_size=2000):
        category = product.category
        product.search_title = build_search_document(
            product.name,
            product.name_en,
            product.brand,
            category.name if category else "",
            category.name_en if category else "",
        )
        batch.append(product)
        if len(batch) >= 2000:
            Product.objects.bulk_update(batch, ["search_title"])
            batch = []
    Product.objects.bulk_update(batch, ["search_title"])


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_search_title_and_synonyms"),
    ]

    operations = [
        migrations.RunPython(fill_titles, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
