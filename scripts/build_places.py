"""Write ``src/parvis/language/data/places.txt``: place names the anonymiser must not take
for a person's name when they stand alone and capitalised (« … à la CAF de Bayonne »).

Read from the territories reference (``territories/data/territories.json.gz``, COG): every
région and département, every commune of at least 5,000 inhabitants and every overseas
commune, plus a few countries and overseas territories. Run after the reference changes:

    .venv/bin/python scripts/build_places.py
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "parvis" / "territories" / "data" / "territories.json.gz"
TARGET = ROOT / "src" / "parvis" / "language" / "data" / "places.txt"
MIN_POPULATION = 5000
EXTRA = [
    "France",
    "Belgique",
    "Suisse",
    "Luxembourg",
    "Allemagne",
    "Espagne",
    "Italie",
    "Portugal",
    "Maroc",
    "Algérie",
    "Tunisie",
    "Sénégal",
    "Mali",
    "Cameroun",
    "Turquie",
    "Roumanie",
    "Pologne",
    "Ukraine",
    "Comores",
    "Madagascar",
    "Haïti",
    "Europe",
    "Afrique",
    "Paris",
    "Corse",
    "Antilles",
    "Réunion",
    "Mayotte",
    "Guyane",
    "Martinique",
    "Guadeloupe",
    "Polynésie",
    "Tahiti",
    "Nouvelle-Calédonie",
    "Wallis",
    "Futuna",
    "Saint-Barthélemy",
    "Saint-Martin",
    "Miquelon",
    "Bretagne",
    "Normandie",
    "Provence",
    "Alsace",
    "Lorraine",
    "Savoie",
    "Auvergne",
    "Bourgogne",
    "Picardie",
    "Vendée",
    "Gironde",
]


def main() -> None:
    data = json.loads(gzip.decompress(SOURCE.read_bytes()))
    names = {row[1] for row in data["regions"]} | {row[1] for row in data["departements"]}
    for code, name, _departement, _postcodes, population in data["communes"]:
        if (population or 0) >= MIN_POPULATION or code.startswith("97"):
            names.add(name)
    names.update(EXTRA)
    header = (
        "# Place names (régions, départements, communes >= 5,000 inhabitants, overseas\n"
        "# communes): written by scripts/build_places.py from the territories reference\n"
    )
    TARGET.write_text(header + "\n".join(sorted(names)) + "\n", encoding="utf-8")
    print(f"{len(names)} places → {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
