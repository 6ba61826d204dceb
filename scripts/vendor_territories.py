#!/usr/bin/env python3
"""Vendor the INSEE territories reference from ``@etalab/decoupage-administratif``.

Run by hand when a new COG vintage is published (once a year), then commit the output::

    .venv/bin/python scripts/vendor_territories.py            # latest 6.x from npm
    .venv/bin/python scripts/vendor_territories.py --spec 6.0.0
    .venv/bin/python scripts/vendor_territories.py --tarball etalab-decoupage-6.0.0.tgz

It runs ``npm pack`` in a temporary folder (the npm registry is the only network access
needed), reads the JSON files straight from the tarball and writes a compact, gzipped and
reproducible ``src/parvis/territories/data/territories.json.gz``. parvis never downloads
anything at run time: ``territories_load()`` reads that committed file.

Output format (lists rather than objects to keep the file small)::

    {"dataset": "insee-cog", "source": "@etalab/decoupage-administratif",
     "version": "6.0.0", "cog_year": 2026, "licence": "...",
     "regions":      [[code, name, zone], ...],                 zone: metro | drom
     "departements": [[code, name, region_code | null, zone], ...]  zone: metro | drom | com
     "communes":     [[code, name, departement, [postcodes], population | null], ...]
     "aliases":      [[code, name, kind, commune_code], ...]}
                     kind: deleguee | associee | arrondissement | ancienne

Commune codes are not unique in the source: a commune nouvelle and its chef-lieu commune
déléguée share a code. ``communes`` holds only current communes (unique codes);
déléguées, associées, municipal arrondissements (Paris, Lyon, Marseille) and former codes
(``anciensCodes``) go to ``aliases``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "@etalab/decoupage-administratif"
DEFAULT_SPEC = "6"
OUTPUT = Path(__file__).resolve().parent.parent / "src/parvis/territories/data/territories.json.gz"
LICENCE = "Données : Licence Ouverte 2.0 (Etalab) ; code du paquet : MIT"

ALIAS_KINDS = {
    "commune-deleguee": "deleguee",
    "commune-associee": "associee",
    "arrondissement-municipal": "arrondissement",
}


def npm_pack(spec: str, folder: Path) -> Path:
    """Download the package tarball with the ordinary npm client."""
    result = subprocess.run(  # noqa: S603
        ["npm", "pack", f"{PACKAGE}@{spec}", "--pack-destination", str(folder), "--silent"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
        cwd=folder,
    )
    name = result.stdout.strip().splitlines()[-1]
    return folder / name


def read_tarball(tarball: Path) -> dict[str, Any]:
    """package.json, README.md and the data files, read without extracting to disk."""
    wanted = {
        "package/package.json": "package",
        "package/README.md": "readme",
        "package/data/regions.json": "regions",
        "package/data/departements.json": "departements",
        "package/data/communes.json": "communes",
    }
    found: dict[str, Any] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            key = wanted.get(member.name)
            if key is None or not member.isfile():
                continue
            handle = archive.extractfile(member)
            assert handle is not None
            text = handle.read().decode("utf-8")
            found[key] = text if key == "readme" else json.loads(text)
    missing = set(wanted.values()) - set(found)
    if missing:
        raise SystemExit(f"Missing from {tarball.name}: {', '.join(sorted(missing))}")
    return found


def cog_year(readme: str, version: str) -> int:
    """The COG year of a package version, from the README's « Millésimes » table."""
    for line in readme.splitlines():
        match = re.match(r"^\|\s*(\d{4})\s*\|\s*([\d.]+)\s*\|", line)
        if match and match.group(2) == version:
            return int(match.group(1))
    raise SystemExit(f"COG year of version {version} not found in the README; pass --cog-year.")


def build(source: dict[str, Any], *, year: int | None = None) -> dict[str, Any]:
    version = source["package"]["version"]
    departements = sorted(source["departements"], key=lambda d: d["code"])
    regions = sorted((r for r in source["regions"] if r["zone"] != "com"), key=lambda r: r["code"])
    region_codes = {r["code"] for r in regions}

    current = sorted(
        (c for c in source["communes"] if c["type"] == "commune-actuelle"),
        key=lambda c: c["code"],
    )
    current_codes = {c["code"] for c in current}
    if len(current_codes) != len(current):
        raise SystemExit("Current commune codes are not unique: the source format changed.")

    aliases: set[tuple[str, str, str, str]] = set()
    for entry in source["communes"]:
        kind = ALIAS_KINDS.get(entry["type"])
        if kind is None:
            continue
        parent = entry["commune"] if kind == "arrondissement" else entry["chefLieu"]
        if parent not in current_codes:
            raise SystemExit(f"{entry['type']} {entry['code']} points to unknown {parent}.")
        aliases.add((entry["code"], entry["nom"], kind, parent))
    named = {(code, parent) for code, _name, _kind, parent in aliases}
    for commune in current:
        for former in commune.get("anciensCodes", []):
            # A former code that is also a déléguée/associée of the same commune is
            # already an alias with its name; the others only have a code.
            if (former, commune["code"]) not in named:
                aliases.add((former, "", "ancienne", commune["code"]))

    return {
        "dataset": "insee-cog",
        "source": PACKAGE,
        "version": version,
        "cog_year": year or cog_year(source["readme"], version),
        "licence": LICENCE,
        "regions": [[r["code"], r["nom"], r["zone"]] for r in regions],
        "departements": [
            [d["code"], d["nom"], d["region"] if d["region"] in region_codes else None, d["zone"]]
            for d in departements
        ],
        "communes": [
            [c["code"], c["nom"], c["departement"], c.get("codesPostaux", []), c.get("population")]
            for c in current
        ],
        "aliases": [list(alias) for alias in sorted(aliases)],
    }


def write(data: dict[str, Any], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0 and no file name: the same input gives byte-identical output.
    with (
        output.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as compressed,
    ):
        compressed.write(payload)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="npm version spec (default: 6)")
    parser.add_argument("--tarball", type=Path, help="use this tarball instead of npm pack")
    parser.add_argument("--cog-year", type=int, help="override the COG year")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        tarball = args.tarball or npm_pack(args.spec, Path(folder))
        data = build(read_tarball(tarball), year=args.cog_year)
    write(data, args.output)
    size = args.output.stat().st_size
    print(
        f"{PACKAGE} {data['version']} (COG {data['cog_year']}): "
        f"{len(data['regions'])} régions, {len(data['departements'])} départements, "
        f"{len(data['communes'])} communes, {len(data['aliases'])} aliases "
        f"→ {args.output} ({size / 1024:.0f} KiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
