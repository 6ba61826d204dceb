"""Voice of users, public side: 1,000,000 published experiences on PostgreSQL.

Bulk-loads synthetic, already-masked French experiences straight into publication's read
model with COPY (never through the language engine), derives from them the quality facts
of the voice of users and computes the experiences' indicators (the figures pages read
them: ``voice_facts`` below), then measures
the public pages through Django's test client (full request: URL resolution, form,
queries, template rendering):

* listing with two filters (target p95 < 50 ms);
* full-text query sorted by date (< 50 ms) and by relevance (< 150 ms);
* a local service's figures page (< 100 ms).

Then one full open-data export of the experiences (what the 15-minute task does after a
withdrawal or a correction), timed, with the files' size.

Query mix (declared, deterministic): filter pairs drawn in turn from organisation +
département, organisation + tone, département + answered, theme + tone, channel + journey
stage, local service + tone, organisation + motif; search terms of every frequency, from
words in most texts (« dossier ») to rare ones (« notaire »), single words and two-word
queries, some with a filter.

Rows are loaded oldest first (the physical order production gets by appending rows as
they are published), with ``jit=off`` for the session (see ``PGOPTIONS`` below).

Uses ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/parvis_bench``, created
when missing). The load is skipped when the table already holds the rows; ``--reload``
forces it, ``--rows N`` changes the size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/parvis_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("PARVIS_TESTING", "false")
# Recommended for this workload (short OLTP queries): JIT compilation costs 10-15 ms on
# plans whose estimated cost is high but whose LIMIT makes them fast. Recorded in results.
os.environ.setdefault("PGOPTIONS", "-c jit=off")

from harness import measure, rss_mb, setup_django, write_results  # noqa: E402

TARGETS_MS = {
    "listing_two_filters": 50,
    "search_by_date": 50,
    "search_by_relevance": 150,
    "service_figures_page": 100,
}
SEED = 20261123
MONTHS = 24
THEME_WEIGHTS = {
    "delai": 30,
    "injoignable": 18,
    "erreur": 10,
    "information": 12,
    "dematerialisation": 12,
    "pieces-justificatives": 10,
    "complexite": 8,
    "accueil": 15,
    "suivi": 10,
    "accessibilite": 5,
    "remboursement-paiement": 12,
}

# Pre-masked sentence fragments (placeholders where the engine removed personal data).
OPENINGS = [
    "Je me suis rendu à l’accueil le mois dernier pour mon dossier.",
    "J’ai appelé plusieurs fois le service sans obtenir de réponse.",
    "Mon conseiller [NOM] m’a reçu avec beaucoup de patience.",
    "Depuis trois mois j’attends le traitement de ma demande.",
    "J’ai fait la démarche en ligne sur le site de l’organisme.",
    "Nous avons déménagé et il a fallu tout refaire.",
    "Ma mère, âgée, a besoin d’aide pour ses démarches.",
    "Après la naissance de notre enfant nous avons déclaré la situation.",
    "Suite à la perte de mon emploi j’ai déposé une demande.",
    "J’ai pris rendez-vous au guichet de [LIEU].",
]
SITUATIONS = {
    "delai": [
        "Le délai de traitement est beaucoup trop long, plus de huit semaines.",
        "Mon dossier est bloqué depuis des semaines sans explication.",
        "Les délais annoncés ne sont jamais respectés.",
    ],
    "injoignable": [
        "Impossible de joindre quelqu’un au téléphone, la ligne sonne dans le vide.",
        "La plateforme téléphonique raccroche après vingt minutes d’attente.",
        "Aucune réponse à mes courriels depuis un mois.",
    ],
    "erreur": [
        "On m’a donné une information contradictoire d’un agent à l’autre.",
        "Une erreur de calcul a réduit mon allocation.",
        "Le courrier reçu comportait une erreur sur ma situation.",
    ],
    "information": [
        "L’agent m’a donné une information claire et complète.",
        "J’ai enfin compris quels documents fournir grâce aux explications.",
        "Les explications sur le site sont claires.",
    ],
    "dematerialisation": [
        "Le site internet plante au moment de valider le formulaire.",
        "L’application refuse mes justificatifs au format photo.",
        "Sans ordinateur je ne peux pas faire la démarche en ligne.",
    ],
    "pieces-justificatives": [
        "On me redemande les mêmes pièces justificatives à chaque fois.",
        "Il manquait un justificatif de domicile selon le service.",
        "L’attestation du notaire n’a pas été acceptée.",
    ],
    "complexite": [
        "Le formulaire est incompréhensible, trop de cases à remplir.",
        "La démarche est d’une complexité décourageante.",
        "Personne ne sait expliquer quelle case cocher.",
    ],
    "accueil": [
        "L’accueil a été chaleureux et l’agent très à l’écoute.",
        "L’agent d’accueil a été désagréable et pressé.",
        "Merci à l’équipe de l’accueil pour sa bienveillance.",
    ],
    "suivi": [
        "Je n’ai aucun suivi de mon dossier ni interlocuteur unique.",
        "Chaque appel tombe sur une personne différente qui ne connaît pas le dossier.",
        "Le suivi en ligne indique toujours « en cours ».",
    ],
    "accessibilite": [
        "Les horaires d’ouverture sont incompatibles avec mon travail.",
        "Le bâtiment n’est pas accessible en fauteuil roulant.",
        "Le guichet le plus proche est à quarante kilomètres.",
    ],
    "remboursement-paiement": [
        "Le remboursement de mes soins n’est toujours pas arrivé.",
        "Le versement de la prime a été suspendu sans prévenir.",
        "Un trop-perçu m’est réclamé sans explication.",
    ],
}
CLOSINGS = [
    "Merci de faire le nécessaire.",
    "J’espère que cela va s’améliorer.",
    "Je remercie sincèrement le service.",
    "C’est inadmissible.",
    "Vous pouvez me joindre au [TÉLÉPHONE].",
    "Cordialement, [NOM].",
    "",
]
TITLES = {
    "delai": ["Délai beaucoup trop long", "Dossier bloqué", "Attente interminable"],
    "injoignable": ["Service injoignable", "Impossible de joindre un conseiller"],
    "erreur": ["Erreur sur mon dossier", "Informations contradictoires"],
    "information": ["Des explications claires", "Enfin une information complète"],
    "dematerialisation": ["Le site ne fonctionne pas", "Démarche en ligne impossible"],
    "pieces-justificatives": ["Toujours les mêmes justificatifs", "Pièces refusées"],
    "complexite": ["Formulaire trop compliqué", "Démarche trop complexe"],
    "accueil": ["Accueil chaleureux", "Accueil désagréable", "Merci pour l’accueil"],
    "suivi": ["Aucun suivi", "Pas d’interlocuteur"],
    "accessibilite": ["Horaires inadaptés", "Guichet inaccessible"],
    "remboursement-paiement": ["Remboursement en attente", "Versement suspendu"],
}
ANSWERS = [
    "Bonjour, nous vous prions de nous excuser pour ce délai. Votre dossier a été traité.",
    "Bonjour, merci pour votre témoignage positif que nous transmettons à l’équipe.",
    "Bonjour, un conseiller va vous recontacter pour régulariser votre situation.",
    "Bonjour, nous avons renforcé l’accueil téléphonique et vous invitons à prendre "
    "rendez-vous en ligne.",
]
SEARCH_TERMS = [
    "dossier",
    "délai",
    "delai traitement",
    "accueil chaleureux",
    "téléphone",
    "justificatif",
    "remboursement",
    "notaire",
    "fauteuil",
    "formulaire incompréhensible",
    "trop-perçu",
    "rendez-vous",
    "horaires",
    "erreur calcul",
    "application",
    "naissance",
    "prime",
    "bienveillance",
    "interlocuteur",
    "courriels",
]


def ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        raise SystemExit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    name = url.rsplit("/", 1)[-1]
    host = url.split("@", 1)[-1].split(":", 1)[0]
    user = url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[0]
    subprocess.run(["createdb", "-h", host, "-U", user, name], capture_output=True, check=False)


def build_reference(rng: random.Random) -> dict[str, Any]:
    """Organisations and taxonomy from the reference data, one local service per
    organisation and département (≈ 1,200), motifs per organisation."""
    from django.core.management import call_command

    from parvis.core.text import sort_key
    from parvis.directory.models import Channel, JourneyStage, LocalService, Motif, Organisation
    from parvis.territories.models import Commune, Departement

    call_command("load_reference", verbosity=0)
    organisations = list(Organisation.objects.order_by("pk"))
    departements = list(Departement.objects.order_by("code"))
    existing = set(LocalService.objects.values_list("slug", flat=True))
    services = [
        LocalService(
            organisation=o,
            slug=f"{o.slug}-{d.code.lower()}",
            name=f"{o.short_name or o.name} — {d.name}",
            sort_key=sort_key(f"{o.name} {d.name}"),
            main_departement=d,
        )
        for o in organisations
        for d in departements
        if f"{o.slug}-{d.code.lower()}" not in existing
    ]
    LocalService.objects.bulk_create(services, batch_size=1000)
    communes: dict[str, list[str]] = {}
    for code, departement in Commune.objects.values_list("code", "departement_id"):
        communes.setdefault(departement, []).append(code)
    motifs: dict[int, list[int]] = {}
    for pk, organisation in Motif.objects.values_list("pk", "organisation_id"):
        motifs.setdefault(organisation, []).append(pk)
    return {
        "services": list(
            LocalService.objects.filter(slug__contains="-").values_list(
                "pk", "organisation_id", "main_departement_id", "slug"
            )
        ),
        "communes": communes,
        "motifs": motifs,
        "channels": list(Channel.objects.values_list("slug", flat=True)),
        "stages": list(JourneyStage.objects.values_list("slug", flat=True)),
    }


def _text(rng: random.Random, themes: list[str]) -> str:
    parts = [rng.choice(OPENINGS)]
    for theme in themes:
        parts.append(rng.choice(SITUATIONS[theme]))
    parts.append(rng.choice(CLOSINGS))
    return " ".join(p for p in parts if p)


def voice_facts() -> dict[str, int]:
    """The quality facts of the voice of users derived in SQL from the loaded read model
    (the experiences of this benchmark exist only there, so ``quality.services.
    voice_refresh`` cannot read them from voice), then the experiences' indicators of
    every month: what the figures pages read. A day is the Paris one (the builder takes
    the département's); every publication counts as a moderation decision."""
    from django.db import connection, transaction

    from parvis.quality import measures
    from parvis.quality.models import DailyFact, ThemeFact
    from parvis.quality.services import results_compute, voice_indicators

    delay = "LEAST(answer_delay_days, 31)"
    expressions = {
        "experiences": "COUNT(*)",
        "experiences_moderated": "COUNT(*)",
        "experiences_answered": "COUNT(*) FILTER (WHERE is_answered)",
        "experiences_positive": "COUNT(*) FILTER (WHERE tone = 'positif')",
        "experiences_negative": "COUNT(*) FILTER (WHERE tone = 'negatif')",
        "answer_delay_n": "COUNT(answer_delay_days)",
        "answer_delay_sum": "COALESCE(SUM(answer_delay_days), 0)",
        "answer_delay_sumsq": "COALESCE(SUM(answer_delay_days * answer_delay_days), 0)",
        **{
            column: f"COUNT(*) FILTER (WHERE {delay} = {index})"
            for index, column in enumerate(measures.ANSWER_DELAY.columns())
        },
    }
    columns = measures.all_columns()
    day = "(published_at AT TIME ZONE 'Europe/Paris')::date"
    keys = "organisation_id, local_service_id, site_id, departement_id, motif_id"
    with transaction.atomic(), connection.cursor() as cursor:
        DailyFact.objects.filter(channel=None).delete()
        ThemeFact.objects.all().delete()
        cursor.execute(
            f"INSERT INTO quality_dailyfact (day, month, {keys}, {', '.join(columns)}) "  # noqa: S608
            f"SELECT {day}, date_trunc('month', {day})::date, {keys}, "
            + ", ".join(expressions.get(c, "0") for c in columns)
            + f" FROM publication_publicexperience GROUP BY {day}, {keys}"
        )
        facts = cursor.rowcount
        cursor.execute(  # fixed SQL, no input
            "INSERT INTO quality_themefact (day, month, organisation_id, local_service_id, "  # noqa: S608
            "departement_id, theme_id, experiences, negative) "
            f"SELECT {day.replace('published_at', 'e.published_at')}, "
            f"date_trunc('month', {day.replace('published_at', 'e.published_at')})::date, "
            "e.organisation_id, e.local_service_id, e.departement_id, t.theme_id, COUNT(*), "
            "COUNT(*) FILTER (WHERE e.tone = 'negatif') "
            "FROM publication_publicexperience e "
            "JOIN publication_publicexperiencetheme t ON t.experience_id = e.id "
            "GROUP BY 1, 2, 3, 4, 5, 6"
        )
    months = sorted(set(DailyFact.objects.filter(channel=None).values_list("month", flat=True)))
    computed = results_compute(months=months, indicators=voice_indicators(), voice_only=True)
    return {"facts": facts, "months": len(months), **computed}


def load(rows: int, reference: dict[str, Any], rng: random.Random) -> dict[str, float]:
    """COPY ``rows`` experiences and their themes; indexes rebuilt after the load."""
    from django.db import connection

    table = "publication_publicexperience"
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    theme_slugs = list(THEME_WEIGHTS)
    weights = list(THEME_WEIGHTS.values())
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE publication_publicexperiencetheme, publication_publicexperience")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN (%s, %s) "
            "AND indexname NOT LIKE '%%pkey'",
            [table, "publication_publicexperiencetheme"],
        )
        indexes = cursor.fetchall()
        constraints = {
            "publication_publicexperience_experience_id_key",
            "publication_publicexperience_uuid_key",
            "pubexp_theme_unique",
        }
        for name, _ in indexes:
            if name in constraints:
                continue
            cursor.execute(f'DROP INDEX "{name}"')
        # Reference rows exist; skip per-row foreign-key triggers during the bulk load.
        cursor.execute("SET session_replication_role = replica")
        raw = cursor.connection  # psycopg 3 connection
        columns = (
            "id, experience_id, uuid, organisation_id, local_service_id, site_id, "
            "departement_id, commune_id, motif_id, journey_stage_id, channel_id, tone, "
            "happened_on, published_at, published_month, title, text, is_answered, "
            "answer_text, answer_signer, answer_published_at, answer_delay_days, helpful_yes, "
            "helpful_no, is_archived, synced_at"
        )
        services = reference["services"]
        theme_rows: list[tuple[int, str]] = []
        # Oldest first, as the read model fills up in production (rows appended as they
        # are published): the table's physical order follows publication dates.
        ages = sorted((rng.randrange(MONTHS * 30 * 86400) for _ in range(rows)), reverse=True)
        with (
            raw.cursor() as copy_cursor,
            copy_cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for pk, age in enumerate(ages, start=1):
                service_id, organisation_id, departement, slug = rng.choice(services)
                published_at = now - dt.timedelta(seconds=age)
                local = published_at.astimezone(dt.timezone(dt.timedelta(hours=1)))
                themes = list(dict.fromkeys(rng.choices(theme_slugs, weights, k=rng.randint(1, 3))))
                tone = rng.choices(["negatif", "positif", "neutre"], [45, 35, 20])[0]
                answered = rng.random() < 0.75
                delay = min(int(rng.lognormvariate(1.8, 0.9)), 180) if answered else None
                motifs = reference["motifs"].get(organisation_id) or [None]
                communes = reference["communes"].get(departement) or [None]
                copy.write_row(
                    (
                        pk,
                        pk,
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        organisation_id,
                        service_id,
                        None,
                        departement,
                        rng.choice(communes),
                        rng.choice(motifs),
                        rng.choice(reference["stages"]),
                        rng.choice(reference["channels"]),
                        tone,
                        (published_at - dt.timedelta(days=rng.randint(0, 20))).date(),
                        published_at,
                        local.date().replace(day=1),
                        rng.choice(TITLES[themes[0]]),
                        _text(rng, themes),
                        answered,
                        rng.choice(ANSWERS) if answered else "",
                        slug.replace("-", " ").upper() if answered else "",
                        published_at + dt.timedelta(days=delay) if delay is not None else None,
                        delay,
                        rng.randint(0, 5) if answered else 0,
                        rng.randint(0, 2) if answered else 0,
                        False,
                        now,
                    )
                )
                theme_rows.extend((pk, theme) for theme in themes)
        copied = time.perf_counter()
        with (
            raw.cursor() as copy_cursor,
            copy_cursor.copy(
                "COPY publication_publicexperiencetheme (experience_id, theme_id) FROM STDIN"
            ) as copy,
        ):
            for row in theme_rows:
                copy.write_row(row)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [rows])
        themes_copied = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in indexes:
            if name not in constraints:
                cursor.execute(definition)
        indexed = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("VACUUM ANALYZE publication_publicexperiencetheme")
    return {
        "rows": rows,
        "theme_links": len(theme_rows),
        "copy_experiences_s": round(copied - started, 1),
        "copy_themes_s": round(themes_copied - copied, 1),
        "build_indexes_s": round(indexed - themes_copied, 1),
        "vacuum_analyze_s": round(time.perf_counter() - indexed, 1),
        "total_s": round(time.perf_counter() - started, 1),
    }


def export_open_data() -> dict[str, Any]:
    """One full export of the experiences dataset (CSV, JSON, Table Schema), as the
    15-minute task runs it after a withdrawal or a correction, into a scratch folder."""
    import tempfile

    from django.test import override_settings

    from parvis.publication.services import opendata_export

    with (
        tempfile.TemporaryDirectory(prefix="parvis-opendata-") as root,
        override_settings(PUBLICATION_OPENDATA_ROOT=root),
    ):
        started = time.perf_counter()
        result = opendata_export(only=["experiences"])
        seconds = time.perf_counter() - started
        sizes = {path.name: path.stat().st_size for path in Path(root).rglob("*") if path.is_file()}
    return {
        "seconds": round(seconds, 1),
        "files": result["files"],
        "megabytes": round(sum(sizes.values()) / 1e6, 1),
        "max_rss_mb": rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--only", nargs="*", default=[], help="scenarios to measure (all)")
    args = parser.parse_args()
    ensure_database()
    setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from parvis.publication.models import PublicExperience
    from parvis.publication.search import RELEVANCE_CANDIDATES
    from parvis.quality.models import ThemeFact

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    reference = build_reference(rng)
    figures: dict[str, Any] = {"rows": args.rows, "targets_p95_ms": TARGETS_MS}
    present = PublicExperience.objects.count()
    if args.reload or present != args.rows:
        print(f"Loading {args.rows:,} experiences with COPY…", flush=True)
        figures["load"] = load(args.rows, reference, rng)
        print(figures["load"], flush=True)
    else:
        figures["load"] = {"rows": present, "skipped": "already loaded"}
    loaded = "skipped" not in figures["load"]
    if args.reload or loaded or not ThemeFact.objects.exists():
        started = time.perf_counter()
        figures["voice_facts"] = {
            **voice_facts(),
            "seconds": round(time.perf_counter() - started, 1),
        }
        print(figures["voice_facts"], flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('publication_publicexperience'))"
        )
        figures["table_size"] = cursor.fetchone()[0]

    pick = random.Random(SEED + 1)
    services = reference["services"]
    organisations = sorted({s[1] for s in services})
    from parvis.directory.models import Motif, Organisation

    org_slugs = dict(Organisation.objects.values_list("pk", "slug"))
    motif_slugs = list(Motif.objects.values_list("organisation__slug", "slug"))
    themes = list(THEME_WEIGHTS)

    def two_filters(i: int) -> str:
        _, organisation_id, departement, slug = pick.choice(services)
        organisation = org_slugs[pick.choice(organisations)]
        kind = i % 7
        if kind == 0:
            return f"organisation={organisation}&departement={departement}"
        if kind == 1:
            return f"organisation={organisation}&tone={pick.choice(['negatif', 'positif'])}"
        if kind == 2:
            return f"departement={departement}&answered={pick.choice(['oui', 'non'])}"
        if kind == 3:
            return f"theme={pick.choice(themes)}&tone=negatif"
        if kind == 4:
            return (
                f"channel={pick.choice(reference['channels'])}"
                f"&journey_stage={pick.choice(reference['stages'])}"
            )
        if kind == 5:
            return f"organisation={org_slugs[organisation_id]}&service={slug}&tone=negatif"
        org, motif = pick.choice(motif_slugs)
        return f"organisation={org}&motif={motif}"

    def search(sort: str, i: int) -> str:
        term = SEARCH_TERMS[i % len(SEARCH_TERMS)]
        query = f"q={term}&sort={sort}"
        if i % 4 == 3:  # one in four with a filter
            query += f"&tone={pick.choice(['negatif', 'positif'])}"
        return query

    client = Client(HTTP_HOST="127.0.0.1")
    counter = itertools.count()

    def get(url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    scenarios = {
        "listing_two_filters": lambda: get(f"/experiences/?{two_filters(next(counter))}"),
        "search_by_date": lambda: get(f"/experiences/?{search('date', next(counter))}"),
        "search_by_relevance": lambda: get(f"/experiences/?{search('pertinence', next(counter))}"),
        "service_figures_page": lambda: get(f"/experiences/services/{pick.choice(services)[3]}/"),
        "listing_no_filter": lambda: get("/experiences/"),
        "api_search_by_date": lambda: get(
            f"/api/v1/publications/experiences?{search('date', next(counter))}"
        ),
        "figures_page": lambda: get("/experiences/chiffres/"),
    }
    # Measure as a long-running web process would: what setting up loaded (the reference
    # of 35,000 communes, the load's buffers) is frozen out of the garbage collector's
    # scans instead of being walked by every full collection during the requests.
    reference.pop("communes", None)
    gc.collect()
    gc.freeze()
    for name, scenario in scenarios.items():
        if args.only and name not in args.only:
            continue
        repeat = args.repeat if name in TARGETS_MS else max(20, args.repeat // 4)
        result = measure(scenario, repeat=repeat, warmup=10)
        if name in TARGETS_MS:
            result["target_p95_ms"] = TARGETS_MS[name]
            result["met"] = result["p95_ms"] < TARGETS_MS[name]
        figures[name] = result
        print(name, result, flush=True)
    if not args.only or "opendata_export" in args.only:
        figures["opendata_export_experiences"] = export_open_data()
        print("opendata_export_experiences", figures["opendata_export_experiences"], flush=True)
    figures["query_mix"] = {
        "listing_two_filters": "organisation+département, organisation+tonalité, "
        "département+réponse, thème+tonalité, canal+étape, service+tonalité, organisme+motif "
        "(in turn, random values)",
        "search_terms": SEARCH_TERMS,
        "search_filter": "one query in four also filters on tone",
        "count": "exact up to 1,000 (then « plus de 1 000 »)",
        "relevance": f"ts_rank_cd over the {RELEVANCE_CANDIDATES} newest matches",
    }
    figures["postgresql_options"] = os.environ.get("PGOPTIONS", "")
    figures["max_rss_mb"] = rss_mb()
    write_results("voice", figures)


if __name__ == "__main__":
    main()
