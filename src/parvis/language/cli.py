"""JSON Lines batch processing shared by ``parvis qualify`` and ``parvis anonymise``.

Input: one ``{"id": ..., "text": "..."}`` object per line, from a file or ``-`` (stdin).
Output: one JSON object per valid line on stdout, in input order. A malformed line gets an
error record ``{"line": n, "error": "..."}`` on stderr and the run goes on; the caller
turns the failure count into the exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

BATCH_SIZE = 256


def _lines(path: str) -> Iterator[tuple[int, bytes]]:
    if path == "-":
        yield from enumerate(sys.stdin.buffer, start=1)
        return
    with open(path, "rb") as handle:
        yield from enumerate(handle, start=1)


def parse_line(raw: bytes) -> tuple[Any, str] | str | None:
    """``(id, text)``, an error message, or None for a blank line."""
    try:
        line = raw.decode("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        return "ligne illisible : encodage UTF-8 invalide"
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"JSON invalide : {exc.msg} (colonne {exc.colno})"
    if not isinstance(record, dict):
        return 'un objet JSON {"id", "text"} est attendu'
    if "id" not in record:
        return "champ « id » manquant"
    if not isinstance(record.get("text"), str):
        return "champ « text » manquant ou non textuel"
    return record["id"], record["text"]


def run(
    path: str,
    process: Callable[[Sequence[str]], list[dict[str, Any]]],
    stdout: IO[str],
    stderr: IO[str],
) -> tuple[int, int]:
    """Process the file batch by batch; return ``(written, failed)``."""
    written = failed = 0
    batch: list[tuple[Any, str]] = []

    def flush() -> None:
        nonlocal written
        if not batch:
            return
        results = process([text for _, text in batch])
        for (identifier, _), result in zip(batch, results, strict=True):
            stdout.write(json.dumps({"id": identifier, **result}, ensure_ascii=False) + "\n")
            written += 1
        stdout.flush()
        batch.clear()

    for number, raw in _lines(path):
        parsed = parse_line(raw)
        if parsed is None:
            continue
        if isinstance(parsed, str):
            failed += 1
            stderr.write(json.dumps({"line": number, "error": parsed}, ensure_ascii=False) + "\n")
            stderr.flush()
            continue
        batch.append(parsed)
        if len(batch) >= BATCH_SIZE:
            flush()
    flush()
    return written, failed
