"""Inserting many rows at once, for imports of tens of thousands of records.

``bulk_create`` compiles its SQL row by row and prepares every value through the field machinery; for an import of
33,000 recommendations with 90,000 links that is most of the time. These helpers compile one statement per table
and prepare only the values that need it (dates, JSON), leaving integers and text as they are.
"""

from collections.abc import Iterable, Sequence

from django.db import connections, models, router

# Types whose Python values both SQLite and PostgreSQL drivers take as they are.
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "CharField",
    "TextField",
    "SlugField",
    "BooleanField",
    "ForeignKey",
    "OneToOneField",
}


def rows_insert(
    model: type[models.Model], field_names: Sequence[str], rows: Iterable[Sequence], *, chunk_size: int = 5000
) -> None:
    """Insert rows of Python values (in the order of ``field_names``, attnames such as ``recommendation_id``).

    Like ``bulk_create`` it calls no ``save()`` and sends no signals, and it does not return primary keys.
    """
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in field_names]
    prepare = [
        None
        if field.get_internal_type() in PLAIN_TYPES
        else (lambda value, f=field: f.get_db_prep_save(value, connection))
        for field in fields
    ]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    if not any(prepare):
        prepared = rows
    else:
        prepared = ([value if p is None else p(value) for p, value in zip(prepare, row)] for row in rows)
    batch: list = []
    with connection.cursor() as cursor:
        for row in prepared:
            batch.append(row)
            if len(batch) == chunk_size:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def instances_insert(model: type[models.Model], objects: Sequence[models.Model], *, chunk_size: int = 5000) -> None:
    """Insert unsaved instances: defaults and ``auto_now``/``auto_now_add`` apply as in ``save()``; pks are not set."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows_insert(
        model,
        [f.attname for f in fields],
        ([f.pre_save(obj, True) for f in fields] for obj in objects),
        chunk_size=chunk_size,
    )
