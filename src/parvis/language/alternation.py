"""Long alternations (``word1|word2|...``) rewritten so that ``re`` skips most of them at once.

The lexicons are alternations of a hundred words or more behind ``(?<![\\w])``: at every
word start CPython's ``re`` enters every alternative whose code does not begin with a plain
character (« (?:je|j')ai », « n'?arrive »...), which was a third of the qualifier's time.
:func:`alternation` rewrites ``a1|a2|...`` as one branch per first character, each branch
that character followed by what may come after it in each alternative (``c(?:rest1|...)``):
``re`` skips a branch on its first character without entering it, so at a word start it
enters one branch only.

The matches are the same, span for span: a branch holds, in their original order, every way
the alternatives can go on after that character (a group's alternatives in turn, a greedy
repeat taken before it is skipped), which is the order ``re`` tries them in. Anything else
(a capturing group, flags, an alternative that may match the empty string, a lazy repeat)
leaves the alternation as written. For patterns compiled without ``re.IGNORECASE``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _compiler, _parser  # type: ignore[attr-defined]
from re import _constants as c  # type: ignore[attr-defined]
from typing import Any

# Character classes wider than this are not split by character (``\\d``, ``[a-z]`` are
# tested character by character, only for the characters some branch starts with).
_MAX_CLASS = 64

Item = tuple[Any, Any]


class _Unknown(Exception):
    """The alternation cannot be rewritten safely: it is kept as written."""


def _class_chars(items: Any) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None  # a category (\d), a negation, a wide range
    return chars


def _in_class(items: Any, char: str, state: Any) -> bool:
    code = _parser.SubPattern(state, [(c.IN, items)])
    return _compiler.compile(code).fullmatch(char) is not None


def _first(sequence: list[Item]) -> tuple[set[str] | None, bool]:
    """The characters a match of ``sequence`` can start with (``None``: not enumerable)
    and whether it can match the empty string."""
    chars: set[str] | None = set()
    first: set[str] | None
    for op, av in sequence:
        if op is c.LITERAL:
            first, nullable = {chr(av)}, False
        elif op is c.IN:
            first, nullable = _class_chars(av), False
        elif op is c.SUBPATTERN:
            first, nullable = _first(_group(av))
        elif op is c.BRANCH:
            first, nullable = set(), False
            for item in av[1]:
                sub, empty = _first(list(item.data))
                first = None if first is None or sub is None else first | sub
                nullable = nullable or empty
        elif op is c.MAX_REPEAT:
            first, nullable = _first(list(av[2].data))
            nullable = nullable or av[0] == 0
        elif op is c.AT and av in _AT:
            first, nullable = set(), True  # zero width
        else:
            raise _Unknown
        chars = None if chars is None or first is None else chars | first
        if not nullable:
            return chars, False
    return chars, True


def _group(av: Any) -> list[Item]:
    group, add_flags, del_flags, pattern = av
    if group is not None or add_flags or del_flags:
        raise _Unknown
    return list(pattern.data)


def _after(sequence: list[Item], char: str, state: Any) -> list[list[Item]]:
    """What may follow ``char`` in a match of ``sequence`` that starts with it: one
    sequence per way, in the order ``re`` tries them."""
    if not sequence:
        raise _Unknown  # an empty match
    (op, av), rest = sequence[0], sequence[1:]
    if op is c.LITERAL:
        return [rest] if chr(av) == char else []
    if op is c.IN:
        chars = _class_chars(av)
        inside = char in chars if chars is not None else _in_class(av, char, state)
        return [rest] if inside else []
    if op is c.SUBPATTERN:
        return _after(_group(av) + rest, char, state)
    if op is c.BRANCH:
        return [way for item in av[1] for way in _after(list(item.data) + rest, char, state)]
    if op is c.AT and av in _AT:
        # a word boundary before the character, checked once it is read (« \\bmdph »)
        check = (c.ASSERT, (-1, _parser.SubPattern(state, [(op, av), (c.LITERAL, ord(char))])))
        return [[check, *way] for way in _after(rest, char, state)]
    if op is c.MAX_REPEAT:  # greedy: once more first, then no more
        low, high, body = av
        if _first(list(body.data))[1]:
            raise _Unknown
        if high == 0:
            return _after(rest, char, state)
        again = (c.MAX_REPEAT, (max(low - 1, 0), high if high == c.MAXREPEAT else high - 1, body))
        ways = _after([*body.data, again, *rest], char, state)
        return ways if low else ways + _after(rest, char, state)
    raise _Unknown


_CATEGORIES = {
    c.CATEGORY_DIGIT: r"\d",
    c.CATEGORY_NOT_DIGIT: r"\D",
    c.CATEGORY_SPACE: r"\s",
    c.CATEGORY_NOT_SPACE: r"\S",
    c.CATEGORY_WORD: r"\w",
    c.CATEGORY_NOT_WORD: r"\W",
}
_AT = {c.AT_BOUNDARY: r"\b", c.AT_NON_BOUNDARY: r"\B"}


def _source(sequence: Sequence[Item]) -> str:
    """Regex source for a parsed sequence (the operations the lexicons use)."""
    out = []
    for op, av in sequence:
        if op is c.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is c.NOT_LITERAL:
            out.append(f"[^{re.escape(chr(av))}]")
        elif op is c.ANY:
            out.append(".")
        elif op is c.IN:
            out.append("[" + "".join(_class_item(o, a) for o, a in av) + "]")
        elif op is c.SUBPATTERN:
            out.append("(?:" + _source(_group(av)) + ")")
        elif op is c.BRANCH:
            out.append("(?:" + "|".join(_source(item.data) for item in av[1]) + ")")
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, body = av
            bound = "" if high == c.MAXREPEAT else str(high)
            lazy = "?" if op is c.MIN_REPEAT else ""
            out.append(f"(?:{_source(body.data)}){{{low},{bound}}}{lazy}")
        elif op is c.AT and av in _AT:
            out.append(_AT[av])
        elif op in (c.ASSERT, c.ASSERT_NOT):
            direction, body = av
            kind = ("=" if op is c.ASSERT else "!") if direction == 1 else None
            if kind is None:
                kind = "<=" if op is c.ASSERT else "<!"
            out.append(f"(?{kind}{_source(body.data)})")
        else:
            raise _Unknown
    return "".join(out)


def _class_item(op: Any, av: Any) -> str:
    if op is c.LITERAL:
        return re.escape(chr(av))
    if op is c.RANGE:
        return f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}"
    if op is c.CATEGORY and av in _CATEGORIES:
        return _CATEGORIES[av]
    if op is c.NEGATE:
        return "^"
    raise _Unknown


def alternation(alternatives: Sequence[str]) -> str:
    """The source of ``(?:a1|a2|...)``, one branch per first character: the same matches,
    found faster (see the module's docstring)."""
    plain = "(?:" + "|".join(alternatives) + ")"
    try:
        parsed = _parser.parse(plain, 0)
        if parsed.state.groups > 1 or parsed.state.flags & ~c.SRE_FLAG_UNICODE:
            raise _Unknown
        sequence = list(parsed.data)
        chars, nullable = _first(sequence)
        if nullable:
            raise _Unknown
        known = set()
        for alternative in alternatives:  # the characters each alternative starts with
            first = _first(list(_parser.parse(alternative, 0).data))[0]
            known |= first or set()
        order = sorted(known)
        branches = []
        for char in order:
            ways = _after(sequence, char, parsed.state)
            if ways:
                branches.append(re.escape(char) + "(?:" + "|".join(map(_source, ways)) + ")")
        if chars is None:
            # where no branch starts, the alternatives that start with a class (« \d+ »)
            others = "".join(re.escape(char) for char in order)
            branches.append((f"(?![{others}])" if others else "") + plain)
        source = "(?:" + "|".join(branches) + ")"
        re.compile(source)
    except (_Unknown, re.error, RecursionError):
        return plain
    return source


# Fewer alternatives than this are left as written (nothing to gain).
_MIN_ALTERNATIVES = 8


def compile_alternations(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern)``, each long alternation at its top level (``\\b(?:a|b|...)\\b``,
    one capturing group around it allowed) rewritten by :func:`alternation`: the same
    matches and groups, found faster. Any other pattern is compiled as written."""
    compiled = re.compile(pattern)
    try:
        parsed = _parser.parse(pattern, 0)
        if parsed.state.flags & ~c.SRE_FLAG_UNICODE or parsed.state.groupdict:
            raise _Unknown
        source = "".join(_rewritten(op, av) for op, av in parsed.data)
        faster = re.compile(source)
    except (_Unknown, re.error, RecursionError):
        return compiled
    return faster if faster.groups == compiled.groups else compiled


def _rewritten(op: Any, av: Any) -> str:
    if op is c.BRANCH and len(av[1]) >= _MIN_ALTERNATIVES:
        return alternation([_source(item.data) for item in av[1]])
    if op is c.SUBPATTERN:
        group, add_flags, del_flags, body = av
        if not add_flags and not del_flags and len(body.data) == 1:
            inner = _rewritten(*body.data[0])
            return f"({inner})" if group is not None else inner
    return _source([(op, av)])
