"""Writes of the territories domain: loading the vendored INSEE reference.

The reference (régions, départements, communes and their former codes) is a committed,
gzipped extract of ``@etalab/decoupage-administratif`` produced by
``scripts/vendor_territories.py``. Loading is idempotent and quick to skip: the
``ReferenceVintage`` row remembers which file (version and checksum) is in the database.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import structlog
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from parvis.core.text import search_key, sort_key
from parvis.territories.calendar import departement_timezone, holiday_subdivision
from parvis.territories.models import (
    Commune,
    CommuneAlias,
    Departement,
    ReferenceVintage,
    Region,
)

logger = structlog.get_logger(__name__)

DATASET = "insee-cog"
REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "territories.json.gz"
# Bump when the loader fills something new (e.g. a field added by a migration), so that
# databases loaded by the previous loader are refreshed although the file is unchanged.
LOADER_REVISION = 1


@lru_cache(maxsize=4)
def _read(path: Path) -> tuple[dict[str, Any], str]:
    raw = path.read_bytes()
    return json.loads(gzip.decompress(raw)), hashlib.sha256(raw).hexdigest()


def reference_data(path: Path = REFERENCE_FILE) -> dict[str, Any]:
    """The vendored reference as a dict (see ``scripts/vendor_territories.py``)."""
    return _read(path)[0]


def _counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "departements": Departement.objects.count(),
        "communes": Commune.objects.count(),
        "aliases": CommuneAlias.objects.count(),
    }


def territories_load(*, path: Path = REFERENCE_FILE, force: bool = False) -> dict[str, int]:
    """Load or refresh régions, départements, communes and aliases from the vendored file.

    Idempotent: rows are upserted by INSEE code, aliases rebuilt, and nothing is written
    when the loaded vintage (version and checksum) already matches the file, unless
    ``force``. Returns the row counts in the database afterwards.
    """
    started = time.perf_counter()
    data, checksum = _read(path)
    vintage = ReferenceVintage.objects.filter(dataset=DATASET).first()
    if (
        not force
        and vintage is not None
        and vintage.version == data["version"]
        and vintage.details.get("checksum") == checksum
        and vintage.details.get("loader_revision") == LOADER_REVISION
        and Commune.objects.count() >= len(data["communes"])
    ):
        logger.info("territories_load_skipped", version=data["version"])
        return _counts()

    with transaction.atomic():
        stale = _upsert(data)
        ReferenceVintage.objects.update_or_create(
            dataset=DATASET,
            defaults={
                "version": data["version"],
                "details": {
                    "source": data["source"],
                    "cog_year": data["cog_year"],
                    "licence": data["licence"],
                    "checksum": checksum,
                    "loader_revision": LOADER_REVISION,
                },
            },
        )
    counts = _counts()
    logger.info(
        "territories_loaded",
        version=data["version"],
        cog_year=data["cog_year"],
        stale_communes_kept=stale,
        seconds=round(time.perf_counter() - started, 2),
        **counts,
    )
    return counts


def _upsert(data: dict[str, Any]) -> int:
    """Write every row of ``data``; returns how many obsolete communes had to be kept."""
    regions = [
        Region(code=code, name=name, sort_key=sort_key(name), is_overseas=zone == "drom")
        for code, name, zone in data["regions"]
    ]
    Region.objects.bulk_create(
        regions,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "sort_key", "is_overseas"],
    )

    departements = [
        Departement(
            code=code,
            name=name,
            sort_key=sort_key(name),
            region_id=region,
            is_overseas=zone != "metro",
            is_collectivity=zone == "com",
            timezone=departement_timezone(code),
            holiday_subdivision=holiday_subdivision(code) or "",
        )
        for code, name, region, zone in data["departements"]
    ]
    Departement.objects.bulk_create(
        departements,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "name",
            "sort_key",
            "region",
            "is_overseas",
            "is_collectivity",
            "timezone",
            "holiday_subdivision",
        ],
    )

    communes = [
        Commune(
            code=code,
            name=name,
            sort_key=sort_key(name),
            search_key=search_key(name),
            departement_id=departement,
            postcodes=postcodes,
            population=population,
        )
        for code, name, departement, postcodes, population in data["communes"]
    ]
    Commune.objects.bulk_create(
        communes,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "sort_key", "search_key", "departement", "postcodes", "population"],
    )

    # Aliases are not referenced by other tables: rebuilding them is simplest and exact.
    CommuneAlias.objects.all().delete()
    CommuneAlias.objects.bulk_create(
        [
            CommuneAlias(
                code=code, name=name, search_key=search_key(name), kind=kind, commune_id=commune
            )
            for code, name, kind, commune in data["aliases"]
        ],
        batch_size=2000,
    )
    return _remove_obsolete_communes({row[0] for row in data["communes"]})


def _remove_obsolete_communes(current: set[str]) -> int:
    """Delete communes gone from the reference, unless other data still points to them.

    A commune merged since the previous vintage is now an alias of its new commune; a
    site that still points to the old row keeps it until someone moves the site.
    """
    kept = 0
    # Compared in Python: 35,000 codes exceed SQLite's limit of bound parameters.
    obsolete = set(Commune.objects.values_list("code", flat=True)) - current
    for code in sorted(obsolete):
        try:
            with transaction.atomic():
                Commune.objects.filter(code=code).delete()
        except (ProtectedError, RestrictedError):
            kept += 1
            logger.warning("territories_obsolete_commune_kept", code=code)
    return kept
