#!/usr/bin/env bash
# Vendor DSFR Chart (@gouvfr/dsfr-chart, MIT) for the public charts: no CDN, the pages
# work offline. Run by hand to change version, then commit the output:
#
#     scripts/vendor_dsfr_chart.sh            # the pinned version below
#     scripts/vendor_dsfr_chart.sh 2.0.5      # another version (update DEFAULT_VERSION too)
#
# `npm pack` fetches the registry tarball into a temporary folder (the npm registry is the
# only network access needed); its sha512 is checked against the registry's `integrity`.
# Only what the browser loads is kept, in
# src/parvis/publication/static/publication/vendor/dsfr-chart/:
#
#   DSFRChart.js   the ES module that defines every web component (<line-chart>,
#                  <bar-chart>, <map-chart>…). The package also ships one bundle per chart,
#                  but each carries its own copy of Vue and Chart.js: the three charts we
#                  use (line, bar, map) weigh 1.47 MB apart against 0.75 MB together, and
#                  the package's README advises the full bundle beyond two components.
#   DSFRChart.css  its styles.
#   LICENSE        the package's MIT licence.
#   VERSION        package, version, tarball integrity, date, sha256 of each file kept.
#
# The bundle needs DSFR's own CSS and module script (loaded by parvis/base.html) and
# makes no network request of its own (its map draws inline SVG).
set -euo pipefail

PACKAGE="@gouvfr/dsfr-chart"
DEFAULT_VERSION="2.0.4"
VERSION="${1:-$DEFAULT_VERSION}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/parvis/publication/static/publication/vendor/dsfr-chart"
KEEP=(dist/DSFRChart/DSFRChart.js dist/DSFRChart/DSFRChart.css LICENSE)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "$PACKAGE@$VERSION" >pack.out
TARBALL="$(tail -n 1 pack.out)"
[[ -f "$TARBALL" ]] || { echo "npm pack gave no tarball (got: $TARBALL)" >&2; exit 1; }

INTEGRITY="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w 0)"
EXPECTED="$(npm view "$PACKAGE@$VERSION" dist.integrity)"
if [[ "$INTEGRITY" != "$EXPECTED" ]]; then
  echo "integrity mismatch: tarball $INTEGRITY, registry $EXPECTED" >&2
  exit 1
fi

tar -xzf "$TARBALL" "${KEEP[@]/#/package/}" package/package.json
LICENCE="$(node -p 'require("./package/package.json").license')"
PACKED_VERSION="$(node -p 'require("./package/package.json").version')"
[[ "$LICENCE" == "MIT" ]] || { echo "unexpected licence: $LICENCE" >&2; exit 1; }
[[ "$PACKED_VERSION" == "$VERSION" ]] || { echo "packed $PACKED_VERSION, not $VERSION" >&2; exit 1; }

rm -rf "$DEST"
mkdir -p "$DEST"
for file in "${KEEP[@]}"; do
  cp "package/$file" "$DEST/$(basename "$file")"
done

{
  echo "package: $PACKAGE"
  echo "version: $VERSION"
  echo "licence: $LICENCE (see LICENSE)"
  echo "tarball: $TARBALL"
  echo "integrity: $INTEGRITY"
  echo "vendored: $(date -u +%Y-%m-%d) by scripts/vendor_dsfr_chart.sh"
  echo "files (sha256):"
  for file in "${KEEP[@]}"; do
    name="$(basename "$file")"
    echo "  $name $(sha256sum "$DEST/$name" | cut -d ' ' -f 1)"
  done
} >"$DEST/VERSION"

echo "Vendored $PACKAGE $VERSION into ${DEST#"$ROOT"/}:"
ls -l "$DEST"
