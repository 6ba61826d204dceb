"""Writes of the directory: reference taxonomy loading, services, sites, opening hours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from parvis.core.text import sort_key
from parvis.directory.models import Channel, JourneyStage, Motif, Organisation, Theme

TAXONOMY_PATH = Path(__file__).resolve().parent / "data" / "taxonomy.yaml"


def _split_name(name: str) -> str:
    """« Caisse d'allocations familiales (CAF) » → « CAF »; otherwise the name itself."""
    if name.endswith(")") and "(" in name:
        return name[name.rindex("(") + 1 : -1][:80]
    return name[:80]


@transaction.atomic
def taxonomy_load(*, path: Path = TAXONOMY_PATH) -> dict[str, int]:
    """Load (idempotently) organisations, motifs, themes, stages and channels.

    Existing rows are updated, never deleted: an administrator may have added motifs.
    """
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts = {"channels": 0, "journey_stages": 0, "themes": 0, "organisations": 0, "motifs": 0}
    for position, (slug, label) in enumerate(data["channels"].items()):
        Channel.objects.update_or_create(slug=slug, defaults={"label": label, "position": position})
        counts["channels"] += 1
    for position, (slug, label) in enumerate(data["journey_stages"].items()):
        JourneyStage.objects.update_or_create(
            slug=slug, defaults={"label": label, "position": position}
        )
        counts["journey_stages"] += 1
    for position, (slug, theme) in enumerate(data["themes"].items()):
        Theme.objects.update_or_create(
            slug=slug,
            defaults={"label": theme["label"], "sp_tag": theme["sp_tag"], "position": position},
        )
        counts["themes"] += 1
    for slug, organisation_data in data["organisations"].items():
        name = organisation_data["name"]
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "short_name": _split_name(name), "sort_key": sort_key(name)},
        )
        counts["organisations"] += 1
        for position, (motif_slug, label) in enumerate(organisation_data["motifs"].items()):
            Motif.objects.update_or_create(
                organisation=organisation, slug=motif_slug,
                defaults={"label": label, "position": position},
            )
            counts["motifs"] += 1
    return counts
