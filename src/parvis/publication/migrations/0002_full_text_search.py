"""Full-text search of the read model, one implementation per database vendor.

PostgreSQL: the ``unaccent`` extension (needs a superuser, as ``postgres`` here), a
``french_unaccent`` configuration (accents removed, then French stemming), an IMMUTABLE
document function (``unaccent()`` itself is not immutable, so it cannot appear in an
index or a generated column; ``to_tsvector`` with a fixed configuration is), a stored
generated ``search_vector`` column and its GIN index.

SQLite: an FTS5 table with diacritics removed, maintained by ``publication.search``.

Django's model state does not know these objects (they are not fields), so the same
models work on both vendors.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
      IF NOT EXISTS (
        SELECT 1 FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
        WHERE c.cfgname = 'french_unaccent' AND n.nspname = 'public'
      ) THEN
        CREATE TEXT SEARCH CONFIGURATION public.french_unaccent (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, french_stem;
      END IF;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION public.parvis_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    """,
    """
    CREATE OR REPLACE FUNCTION public.publication_search_document(title text, body text)
      RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$
        SELECT setweight(to_tsvector('public.french_unaccent'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('public.french_unaccent'::regconfig, coalesce(body, '')), 'B')
      $$
    """,
    """
    ALTER TABLE publication_publicexperience ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (public.publication_search_document(title, text)) STORED
    """,
    "CREATE INDEX pubexp_search ON publication_publicexperience USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS pubexp_search",
    "ALTER TABLE publication_publicexperience DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS public.publication_search_document(text, text)",
    # The configuration, wrapper and extension may serve other apps: kept.
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS publication_search USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS publication_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [("publication", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
