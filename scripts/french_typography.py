"""Apply French typography to the HTML templates' text (``parvis.core.typography``).

python scripts/french_typography.py          # rewrite the templates
python scripts/french_typography.py --check  # list the lines left, exit 1 if any
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from parvis.core.typography import fix_template, templates  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    left = 0
    for path in templates(ROOT / "src" / "parvis"):
        source = path.read_text(encoding="utf-8")
        fixed = fix_template(source)
        if fixed == source:
            continue
        if args.check:
            for number, (old, new) in enumerate(
                zip(source.splitlines(), fixed.splitlines(), strict=True), 1
            ):
                if old != new:
                    left += 1
                    print(f"{path.relative_to(ROOT)}:{number}: {old.strip()[:100]}")
        else:
            path.write_text(fixed, encoding="utf-8")
            print(f"rewritten: {path.relative_to(ROOT)}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
