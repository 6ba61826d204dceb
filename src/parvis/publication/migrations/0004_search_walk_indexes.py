"""PostgreSQL: indexes that carry the search vector, for the date-ordered search walk.

``publication.search.ordered_matches`` walks the newest rows of the filtered set and tests
the query on each. With the vector in the index (INCLUDE), the walk is an index-only scan:
no visit to the table, whose rows of one tone or one answer state are scattered (the walk
of a tone-filtered search took twice as long through the table). One index for the
unfiltered walk and one per broad filter (tone, answered); the selective filters
(organisation, service, département…) keep their covering indexes, their sets are small.

About 350 MB each per million experiences. SQLite (FTS5) has nothing to do here.
"""

from django.db import migrations

INDEXES = {
    "pubexp_walk": "(published_at DESC, id DESC) INCLUDE (tone, is_answered, search_vector)",
    "pubexp_tone_walk": "(tone, published_at DESC, id DESC) INCLUDE (search_vector)",
    "pubexp_answered_walk": "(is_answered, published_at DESC, id DESC) INCLUDE (search_vector)",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON publication_publicexperience {definition}"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [("publication", "0003_covering_listing_indexes")]

    operations = [migrations.RunPython(forward, backward)]
