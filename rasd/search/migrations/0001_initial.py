"""The search index: an FTS5 virtual table on SQLite, a tsvector table with a GIN index on PostgreSQL, filled with
the recommendations already in the database (an installation that had some before search existed).

The SQL lives in the backends (rasd/search/backends/), which also use it to repair the SQLite trigger; this
migration runs the one for the database in use and does nothing on others.
"""

from django.db import migrations


def _backend(schema_editor):
    from rasd.search.backends import postgresql, sqlite

    return {"sqlite": sqlite, "postgresql": postgresql}.get(schema_editor.connection.vendor)


def create_index(apps, schema_editor):
    backend = _backend(schema_editor)
    if backend is not None:
        from rasd.search.backends import INDEXED_FIELDS, index_entry

        recommendation = apps.get_model("recommendations", "Recommendation")
        with schema_editor.connection.cursor() as cursor:
            backend.schema_create(cursor, recommendation._meta.db_table)
        rows = recommendation.objects.order_by("pk").values_list(*INDEXED_FIELDS).iterator(chunk_size=2000)
        batch = []
        for row in rows:
            batch.append(index_entry(*row))
            if len(batch) == 2000:
                backend.insert(batch)
                batch = []
        backend.insert(batch)


def drop_index(apps, schema_editor):
    backend = _backend(schema_editor)
    if backend is not None:
        with schema_editor.connection.cursor() as cursor:
            backend.schema_drop(cursor)


class Migration(migrations.Migration):
    initial = True

    dependencies = [("recommendations", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
