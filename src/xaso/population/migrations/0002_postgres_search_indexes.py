"""Indexes for accent-insensitive name search on PostgreSQL.

The search matches each query word at the start of a word of ``full_name_folded``.
On PostgreSQL that is a prefix full-text query served by a GIN index. Each word is
indexed with its commune in front ("nguyen" of commune 1390 → ``x1390xnguyen``), so
a query (``'x1390xnguyen:* & x1390xan:*'``) reads only its own commune's posting
lists: in a province database the "Nguyễn" of one commune are a few thousand, not
hundreds of thousands. ``population.selectors.NAME_VECTOR`` is the same expression;
keep the two in step. SQLite (one commune, a few thousand persons) uses LIKE.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS person_name_fts ON population_person USING gin ("
    "to_tsvector('simple', regexp_replace(full_name_folded, '(\\S+)', "
    "'x' || commune_id::text || 'x\\1', 'g')))",
]
DROP = ["DROP INDEX IF EXISTS person_name_fts"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("population", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
