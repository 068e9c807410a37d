"""One row written in one statement: INSERT … ON CONFLICT DO NOTHING RETURNING its key.

For a row that may already exist (a customer's e-mail) or may collide with one (an order's
random number): no savepoint around the INSERT (a unique violation would abort a PostgreSQL
transaction), no second read to learn the new row's key. The same SQL on SQLite (3.35+) and
PostgreSQL, built by Django from the model's fields (defaults and field conversions included).
"""

from typing import Any

from django.db import connections, router
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.db.models.sql.subqueries import InsertQuery


def insert_unless_conflict(obj: Model) -> Any:
    """Insert `obj` (its primary key left to the database) and set and return its key, or return
    None and leave `obj` unsaved when a unique constraint already holds an equal row (the row is
    then not written and nothing else changes: the transaction goes on)."""
    meta = obj._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.local_concrete_fields if f is not pk and not f.generated]
    using = router.db_for_write(type(obj), instance=obj)
    query = InsertQuery(type(obj), on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [pk]
    connection = connections[using]
    assert connection.features.can_return_columns_from_insert, "needs INSERT … RETURNING"
    [(sql, params)] = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = using
    return obj.pk
