"""Run every benchmark under benchmarks/ (``make bench``), each in its own process."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"run.py", "harness.py"}


def main() -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in SKIP)
    failures = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], check=False)
        print(
            f"=== {script.stem}: exit {result.returncode} in "
            f"{time.perf_counter() - start:.1f} s ===",
            flush=True,
        )
        if result.returncode:
            failures.append(script.stem)
    if failures:
        print(f"Failed benchmarks: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
