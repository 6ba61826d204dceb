"""Very large regular expressions compiled once per machine, not once per process.

spaCy's French language class compiles, when it is imported, one regular expression of
1.4 million characters (its hyphenated-word exceptions, ``TOKEN_MATCH``). CPython's regex
compiler is written in Python and spends about 4 s of the engine's 5–7 s load on it, every
time a process starts (web server, worker, command). The compiled program of a pattern is a
plain list of integers that depends only on the pattern, its flags and the interpreter: it is
kept on disk under the model directory, keyed by those, and handed back to ``_sre`` the next
time, which is what ``re`` itself does after compiling.

Only patterns longer than :data:`LARGE_PATTERN` go through the cache; any failure (an
unreadable file, another interpreter, a program ``_sre`` refuses) falls back to the normal
compiler, so the cache can change the load time and nothing else.
"""

from __future__ import annotations

import _sre
import contextlib
import hashlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

import structlog

logger = structlog.get_logger(__name__)

LARGE_PATTERN = 100_000
_lock = threading.Lock()


def _interpreter_key() -> str:
    return f"{sys.implementation.cache_tag}-{_sre.MAGIC}-{_sre.CODESIZE}"


def _pattern_key(pattern: str, flags: int) -> str:
    digest = hashlib.sha256(pattern.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{digest}-{flags}"


Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


def compile_parts(pattern: str, flags: int) -> Program:
    """What ``re._compiler.compile`` hands to ``_sre.compile``, computed the same way."""
    parsed = _parser.parse(pattern, flags)
    # Opcodes are named int constants: plain ints serialise and _sre takes them alike.
    code = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        int(flags | parsed.state.flags),
        code,
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


class CompiledPatternStore:
    """The compiled programs of large patterns, in one JSON file per interpreter (plain
    data: nothing in it is executed)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / f"regex-programs-{_interpreter_key()}.json"
        self.programs: dict[str, Program] = self._read()
        self.changed = False

    def _read(self) -> dict[str, Program]:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            return {
                key: (flags, code, groups, groupindex, tuple(indexgroup))
                for key, (flags, code, groups, groupindex, indexgroup) in stored.items()
            }
        except FileNotFoundError:
            return {}
        except Exception:  # a truncated or foreign file is recompiled (and rewritten)
            logger.warning("regex_cache_unreadable", path=str(self.path))
            return {}

    def compile(self, pattern: Any, flags: int = 0) -> Any:
        if not isinstance(pattern, str) or len(pattern) < LARGE_PATTERN:
            return _real_compile(pattern, flags)
        key = _pattern_key(pattern, flags)
        stored = self.programs.get(key)
        if stored is not None:
            try:
                return _sre.compile(pattern, *stored)
            except Exception:
                logger.warning("regex_cache_program_refused", path=str(self.path))
        parts = compile_parts(pattern, flags)
        self.programs[key] = parts
        self.changed = True
        return _sre.compile(pattern, *parts)

    def save(self) -> None:
        if not self.changed:
            return
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            temporary.write_text(json.dumps(self.programs), encoding="utf-8")
            temporary.replace(self.path)
        except Exception:  # a cache that cannot be written only costs the next load
            temporary.unlink(missing_ok=True)
            logger.warning("regex_cache_not_written", path=str(self.path))
        self.changed = False


_real_compile = _compiler.compile


@contextlib.contextmanager
def reusing_compiled_patterns(directory: Path) -> Iterator[CompiledPatternStore]:
    """While inside, every regex compiled in this process goes through the store.

    ``re`` looks ``_compiler.compile`` up at each call, so code that imports ``re`` (spaCy)
    is served without knowing it. Patterns already in ``re``'s own cache are not recompiled
    at all. Meant for a process's loading phase, not its steady state.
    """
    store = CompiledPatternStore(directory)
    with _lock:
        _compiler.compile = store.compile
        try:
            yield store
        finally:
            _compiler.compile = _real_compile
    store.save()
