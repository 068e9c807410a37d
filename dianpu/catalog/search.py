"""Ranked product search over the full-text index (migration catalog 0007): SQLite FTS5 with bm25,
PostgreSQL full text with ts_rank; the product name, English name, brand and category weigh ten
times the rest. Results: relevance first, then units sold, then in stock, then newest. A query's words are
widened to the shop's synonyms; a Latin word the index does not know is corrected to the known word
one edit away found in most products. The storefront search page and `GET /api/v1/products?search=`
both read here, so they rank alike. What a result list costs to work out (the count, the facets, the
ids of a page, whether a query finds anything) is kept in this process per catalogue version
(`kept`), so the next page, the same search again or the API asking it are not ranked again.
`SEARCH_ENGINE = "meilisearch"` hands the matching to an external
engine instead (catalog.search_engines), for shops that run several web machines.
"""

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from .domain.search import (
    PRICE_BANDS,
    Clause,
    apply_corrections,
    corrected_query,
    latin_terms,
    one_edit_away,
    plan_corrections,
    plan_query,
    to_fts5_match,
    to_tsquery,
)
from .models import Category, SearchSynonym
from .search_engines import get_search_engine

SQLITE_TITLE_WEIGHT, SQLITE_BODY_WEIGHT = 10.0, 1.0
# The indexed expression of migration catalog 0007 (the planner uses the GIN index only for it).
POSTGRES_TSVECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, catalog_product.search_title), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, catalog_product.search_document), 'D'))"
)


# catalog migration 0012: (id, status, sold_count, category_id, brand, min_price), keyed by id.
SEARCH_FACTS_INDEX = "catalog_product_search_facts"


def _rows(queryset: QuerySet, *, narrow: bool) -> list[tuple]:
    """The rows of `queryset` (a values_list); with `narrow` on SQLite read through the search facts
    index: the matches of a query are looked up by id there instead of SQLite walking every listed
    product in an index on status (it cannot tell how few the full-text subquery returns)."""
    if not narrow or connection.vendor != "sqlite":
        return list(queryset)
    sql, params = _narrow_sql(queryset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _narrow_sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    table = f'FROM "{queryset.model._meta.db_table}" '
    return sql.replace(table, f"{table}INDEXED BY {SEARCH_FACTS_INDEX} ", 1), params


def list_synonym_groups() -> list[list[str]]:
    return [s.word_list for s in SearchSynonym.objects.all()]


def rank_sql(clauses: list[Clause]) -> tuple[str, list]:
    """The SQL of a product's relevance to `clauses` (higher is better) and its parameters. On SQLite
    it needs the FTS table joined (`match`). On PostgreSQL ts_rank's `real` is widened to double
    precision, so a rank read back into Python compares equal to the same rank in SQL."""
    if connection.vendor == "postgresql":
        return f"ts_rank({POSTGRES_TSVECTOR}, %s::tsquery)::float8", [to_tsquery(clauses)]
    return f"-bm25(catalog_product_fts, {SQLITE_TITLE_WEIGHT}, {SQLITE_BODY_WEIGHT})", []


def match(products: QuerySet, clauses: list[Clause]) -> QuerySet:
    """`products` that match every clause, annotated with `search_rank` (higher is better).

    On SQLite the FTS table is joined for bm25 (its rows drive the join under ORDER BY rank);
    counting and facets use `filter_matching` instead, where the planner cannot pick the product
    table as the outer loop and run the MATCH once per product."""
    rank, rank_params = rank_sql(clauses)
    if connection.vendor == "postgresql":
        tsquery = to_tsquery(clauses)
        return products.extra(
            select={"search_rank": rank},
            select_params=rank_params,
            where=[f"{POSTGRES_TSVECTOR} @@ %s::tsquery"],
            params=[tsquery],
        )
    return products.extra(
        select={"search_rank": rank},
        tables=["catalog_product_fts"],
        where=["catalog_product_fts.rowid = catalog_product.id", "catalog_product_fts MATCH %s"],
        params=[to_fts5_match(clauses)],
    )


def filter_matching(products: QuerySet, clauses: list[Clause]) -> QuerySet:
    """`products` that match every clause, unranked: for counts and facets."""
    from django.db.models.expressions import RawSQL

    if connection.vendor == "postgresql":
        return products.extra(where=[f"{POSTGRES_TSVECTOR} @@ %s::tsquery"], params=[to_tsquery(clauses)])
    return products.filter(
        pk__in=RawSQL(
            "SELECT rowid FROM catalog_product_fts WHERE catalog_product_fts MATCH %s", [to_fts5_match(clauses)]
        )
    )


def count_known_words(words: set[str]) -> dict[str, int]:
    """Of `words`, those the index holds, with the number of products holding each."""
    words = sorted(words)
    if not words:
        return {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT w, (SELECT count(*) FROM catalog_product WHERE {POSTGRES_TSVECTOR}"
                " @@ to_tsquery('simple'::regconfig, quote_literal(w))) FROM unnest(%s::text[]) AS w",
                [words],
            )
        else:
            cursor.execute(
                f"SELECT term, doc FROM catalog_product_fts_vocab WHERE term IN ({', '.join(['%s'] * len(words))})",
                words,
            )
        return {w: n for w, n in cursor.fetchall() if n}


# --- kept results: worked out once per catalogue version, in this process -----------------------------

KEPT_RESULTS = 512  # entries (a count, a facet set or a page of ids each), least recently used dropped
KEPT_SECONDS = 300  # a sale's counters (the sales tie breaker) do not move the version: at most this old
GENERATION_KEY = "catalog:search:generation"
_kept: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
_kept_guard = threading.Lock()
_version_source: Callable[[], int] | None = None


def use_catalogue_version(source: Callable[[], int] | None) -> None:
    """Keep results under `source()`, a number that moves in the same transaction as any change to
    a product, price, stock level or category (the storefront's page version registers itself at
    start-up; without one, nothing is kept)."""
    global _version_source
    _version_source = source


def forget_kept_results() -> None:
    with _kept_guard:
        _kept.clear()


def catalogue_version() -> tuple | None:
    """The version results are kept under: the source's number and a generation held in Django's
    cache (clearing the cache, as each test does, starts a new one), or None when nothing is kept."""
    if _version_source is None or not KEPT_RESULTS:
        return None
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return (generation, _version_source())


def peek(version: tuple | None, key: tuple) -> object | None:
    """What is kept for `key` under `version`, or None."""
    if version is None:
        return None
    with _kept_guard:
        found = _kept.get((version, *key))
    return found[1] if found is not None and time.monotonic() - found[0] < KEPT_SECONDS else None


def kept(version: tuple | None, key: tuple, compute: Callable[[], object]) -> object:
    """`compute()`, worked out once per `version` (and KEPT_SECONDS) in this process for `key`."""
    if version is None:
        return compute()
    full_key = (version, *key)
    now = time.monotonic()
    with _kept_guard:
        found = _kept.get(full_key)
        if found is not None and now - found[0] < KEPT_SECONDS:
            _kept.move_to_end(full_key)
            return found[1]
    value = compute()
    with _kept_guard:
        _kept[full_key] = (now, value)
        _kept.move_to_end(full_key)
        while len(_kept) > KEPT_RESULTS:
            _kept.popitem(last=False)
    return value


@dataclass
class SearchResult:
    products: QuerySet  # ranked when there was a query
    query: str  # what was searched: the shopper's words, or their correction
    corrected_from: str = ""  # the shopper's words when a typo was corrected
    clauses: list = field(default_factory=list)
    matched: QuerySet | None = None  # the same products unranked: count and facets from here
    # Set by catalog.queries when the list is in relevance order with stock as its last tie breaker.
    stock_breaks_ties: bool = False
    stock_breaks_ties_by: object = None  # the in-stock expression (from inventory) it sorts by
    # Set by catalog.queries: what the list is (query, filters, order), the catalogue version it is
    # kept under and the product cards to load a kept page of ids from.
    scope: tuple | None = None
    version: tuple | None = None
    cards: QuerySet | None = None
    _count: int | None = None
    _facets: "Facets | None" = None

    def _kept(self, what: tuple, compute: Callable[[], object]) -> object:
        if self.scope is None:
            return compute()
        return kept(self.version, (*self.scope, *what), compute)

    def _matches(self) -> QuerySet:
        return self.matched if self.matched is not None else self.products

    def count(self) -> int:
        if self._count is None:
            facets = peek(self.version, (*self.scope, "facets")) if self.scope is not None else None
            if isinstance(facets, Facets):
                self._count = facets.total
            else:
                self._count = self._kept(("count",), self._count_now)  # type: ignore[assignment]
        return self._count  # type: ignore[return-value]

    def _count_now(self) -> int:
        if not self.clauses or connection.vendor != "sqlite":
            return self._matches().count()
        sql, params = _narrow_sql(self._matches().order_by().values_list("id"))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql})", params)
            return cursor.fetchone()[0]

    def facets(self) -> "Facets":
        """Facet counts over every match (one grouped query), which also gives the exact count."""
        if self._facets is None:
            narrow = bool(self.clauses)
            self._facets = self._kept(("facets",), lambda: count_facets(self._matches(), narrow=narrow))  # type: ignore[assignment]
            self._count = self._facets.total  # type: ignore[union-attr]
        return self._facets  # type: ignore[return-value]

    def slice(self, start: int, stop: int) -> list:
        """Products start..stop-1 of the list: a kept page of ids (cards loaded by id), or `_slice`."""
        if self.scope is None or self.cards is None or stop <= start:
            return self._slice(start, stop)
        loaded: list = []

        def ids_now() -> list[int]:
            loaded.extend(self._slice(start, stop))
            return [p.pk for p in loaded]

        ids = self._kept(("page", start, stop), ids_now)
        if loaded or not ids:
            return loaded
        cards = {p.pk: p for p in self.cards.filter(pk__in=ids)}
        return [cards[pk] for pk in ids if pk in cards]  # type: ignore[union-attr]

    def _slice(self, start: int, stop: int) -> list:
        """Products start..stop-1 of the ranked list, with one pass of the ranking over the matches
        and the stock tested for the first `stop` of them only.

        In relevance order stock only breaks ties of relevance and sales, so the first `stop`
        products by (rank, sales, id) hold the page, plus any product tied with the last of them
        on (rank, sales): those are added, the stock tested for each, and the same order as
        `products` applied in Python (exactly that order: the rank values come from one query)."""
        if not self.stock_breaks_ties or not self.clauses or stop <= start:
            return list(self.products[start:stop])
        ranked = self.products.prefetch_related(None).order_by("-search_rank", "-sold_count", "-id")
        keys = _rows(ranked.values_list("id", "search_rank", "sold_count")[: stop + 1], narrow=True)
        if len(keys) > stop and keys[stop][1:] == keys[stop - 1][1:]:  # a tie crosses the boundary
            rank, sold = keys[stop - 1][1:]
            sql, params = rank_sql(self.clauses)
            tied = ranked.extra(where=[f"{sql} = %s AND catalog_product.sold_count = %s"], params=[*params, rank, sold])
            keys = keys[:stop] + [
                k
                for k in tied.values_list("id", "search_rank", "sold_count")
                if k[0] not in {key[0] for key in keys[:stop]}
            ]
        else:
            keys = keys[:stop]
        in_stock = dict(
            self.products.model.objects.filter(pk__in=[k[0] for k in keys])
            .annotate(in_stock_rank=self.stock_breaks_ties_by)
            .values_list("id", "in_stock_rank")
        )
        keys.sort(key=lambda k: (-k[1], -k[2], -int(bool(in_stock.get(k[0]))), -k[0]))
        ids = [k[0] for k in keys[start:stop]]
        # The cards by id (without the full-text join when plain cards are known).
        cards = {p.pk: p for p in (self.cards if self.cards is not None else self.products).filter(pk__in=ids)}
        return [cards[pk] for pk in ids if pk in cards]

    def pages(self):
        """For django's Paginator: slices the ranked list, counts the unranked one."""
        return _Pages(self)


class _Pages:
    def __init__(self, result: SearchResult):
        self.result = result

    def count(self) -> int:
        return self.result.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice) and index.step is None and index.start is not None and index.stop is not None:
            return self.result.slice(index.start, index.stop)
        return self.result.products[index]


def search_products(
    products: QuerySet, query: str, *, scope: tuple | None = None, version: tuple | None = None
) -> SearchResult:
    """`products` matching `query`, ranked; with a typo corrected when the words as typed find none.
    With `scope` (what `products` are: catalog.queries) whether the words find anything is kept per
    `version`, and the result's scope holds the planned query (a synonym edit changes it)."""
    engine = get_search_engine()
    if engine is not None:
        return _search_with_engine(engine, products, query)
    result = _search_database(products, query, scope, version)
    if scope is not None:
        result.scope, result.version = (*scope, repr(result.clauses)), version
    return result


def _search_database(products: QuerySet, query: str, scope: tuple | None, version: tuple | None) -> SearchResult:
    clauses = plan_query(query, list_synonym_groups())
    if not clauses:
        return SearchResult(products.none(), query, matched=products.none())
    matched = filter_matching(products, clauses)
    finds = (
        (lambda: kept(version, (*scope, repr(clauses), "finds"), matched.exists))
        if scope is not None
        else matched.exists
    )
    if latin_terms(clauses) and not finds():
        candidates = set()
        for term in latin_terms(clauses):
            candidates |= {term, *one_edit_away(term)}
        corrections = plan_corrections(clauses, count_known_words(candidates))
        if corrections:
            corrected = apply_corrections(clauses, corrections)
            return SearchResult(
                match(products, corrected),
                corrected_query(query, corrections),
                query,
                corrected,
                filter_matching(products, corrected),
            )
    return SearchResult(match(products, clauses), query, "", clauses, matched)


ENGINE_LIMIT = 1000


def _search_with_engine(engine, products: QuerySet, query: str) -> SearchResult:
    """The external engine ranks (its first 1,000 hits); the database filters and pages them."""
    from django.db.models import Case, IntegerField, Value, When

    ids = engine.search_ids(query, ENGINE_LIMIT)
    rank = Case(
        *(When(pk=pk, then=Value(len(ids) - i)) for i, pk in enumerate(ids)),
        default=Value(0),
        output_field=IntegerField(),
    )
    found = products.filter(pk__in=ids)
    return SearchResult(found.annotate(search_rank=rank) if ids else products.none(), query, matched=found)


# --- facets: counts of what a result list holds, for the filters beside it -------------------------

FACET_LIMIT = 12
ATTRIBUTE_SAMPLE = 500


@dataclass
class Facets:
    categories: list[dict]
    brands: list[dict]
    price_bands: list[dict]
    attributes: list[dict]
    total: int = 0  # every product counted


def _price_band() -> Case:
    """The index of a product's band in PRICE_BANDS (bounds are whole yuan: exact in SQL)."""
    return Case(
        *(
            When(Q(min_price__gte=low) & (Q(min_price__lt=high) if high is not None else Q()), then=Value(i))
            for i, (low, high) in enumerate(PRICE_BANDS)
        ),
        default=Value(-1),
        output_field=IntegerField(),
    )


def count_facets(products: QuerySet, *, narrow: bool = False) -> Facets:
    """Category, brand and price-band counts over all of `products` from one grouped query (on the
    index (status, category, brand, min_price) alone for a category's products; with `narrow`, the
    matches of a query, on the search facts index); attribute values counted over the first 500
    (a sample: attributes are free-form JSON)."""
    plain = products.order_by()
    rows = _rows(
        plain.annotate(band=_price_band())
        .values_list("category_id", "brand", "band")
        .annotate(n=Count("id"))
        .order_by(),
        narrow=narrow,
    )
    total, per_category, per_brand, per_band = 0, {}, {}, {}
    for category_id, brand, band, n in rows:
        total += n
        per_category[category_id] = per_category.get(category_id, 0) + n
        if brand:
            per_brand[brand] = per_brand.get(brand, 0) + n
        per_band[band] = per_band.get(band, 0) + n
    top = sorted(((n, c) for c, n in per_category.items() if c is not None), key=lambda r: (-r[0], r[1]))
    names = {c.id: c for c in Category.objects.filter(id__in=[c for _, c in top[:FACET_LIMIT]])}
    categories = [{"category": names[c], "count": n} for n, c in top[:FACET_LIMIT] if c in names]
    brands = [{"brand": b, "count": n} for b, n in sorted(per_brand.items(), key=lambda r: (-r[1], r[0]))[:FACET_LIMIT]]
    price_bands = [
        {"min": Decimal(low), "max": Decimal(high) if high is not None else None, "count": per_band[i]}
        for i, (low, high) in enumerate(PRICE_BANDS)
        if per_band.get(i)
    ]
    values: dict[str, dict[str, int]] = {}
    for attributes in plain.values_list("attributes", flat=True)[:ATTRIBUTE_SAMPLE]:
        for key, value in (attributes or {}).items():
            if isinstance(value, (str, int)) and str(value):
                per_key = values.setdefault(str(key), {})
                per_key[str(value)] = per_key.get(str(value), 0) + 1
    attributes = [
        {
            "name": key,
            "values": sorted(
                ({"value": v, "count": n} for v, n in per.items()), key=lambda r: (-r["count"], r["value"])
            )[:FACET_LIMIT],
        }
        for key, per in sorted(values.items(), key=lambda kv: -sum(kv[1].values()))[:6]
    ]
    return Facets(categories, brands, price_bands, attributes, total)
