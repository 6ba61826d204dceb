"""Stored codes that must never reach a person: their vocabulary, and a finder for pages
and emails.

People read French labels (pages, emails, the audit journal, export headers meant for
them), never the codes stored in the database. ``vocabulary()`` gathers the codes of the
lifecycles (experience, public answer and simplification request: states, moves, coded
reasons, submission sources), the tones, the channels and the audit journal (actions and
the codes inside their data: roles, token scopes...). A code that is also the French word
of its own label (``neutre`` for « Neutre », ``sms`` for « SMS »: compared folded, without
accents, case or separators) or an ordinary French word (``guichet``, ``agent``,
``analyse``) may rightly appear in a sentence: it is left out.

``leaked_codes(html)`` returns the codes found as whole words in the text a person sees:
tags, attributes (links, slugs in ``href``), scripts and styles are skipped. Codes are
lowercase ASCII and matched case-sensitively, so « API » in a sentence is not ``api``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from html.parser import HTMLParser

from parvis.core.text import unaccent

# Codes that are ordinary French words, which a page may contain in a sentence
# (« le guichet », « un agent », « en cours d’analyse », « autre », « un doublon »).
FRENCH_WORDS = frozenset(
    {
        "agent",
        "analyse",
        "archive",
        "autre",
        "chat",
        "commercial",
        "correct",
        "courriel",
        "courrier",
        "doublon",
        "guichet",
        "propose",
        "usager",
    }
)

_SEPARATORS = re.compile(r"[\s_\-.’']+")


def fold(text: str) -> str:
    """« Accueil physique » → ``accueil-physique``; ``en_ligne`` → ``en-ligne``."""
    return _SEPARATORS.sub("-", unaccent(str(text)).casefold()).strip("-")


def _pairs() -> Iterable[tuple[str, str]]:
    """(code, French label) of every stored vocabulary people must not see."""
    from parvis.accounts import audit
    from parvis.accounts.models import ApiToken, Role
    from parvis.core.charter import CharterReason
    from parvis.directory.models import Channel
    from parvis.simplification.models import DeclineReason, ProposerKind, Source, Status
    from parvis.simplification.workflow import LIFECYCLE
    from parvis.voice.models import (
        OTHER_TRANSITION_REASONS,
        AnswerStatus,
        ExperienceSource,
        ExperienceStatus,
        Tone,
    )
    from parvis.voice.services import ANSWER_LIFECYCLE, EXPERIENCE_LIFECYCLE

    for choices in (
        ExperienceStatus,
        AnswerStatus,
        Status,
        ExperienceSource,
        CharterReason,
        DeclineReason,
        ProposerKind,
        Source,
        Tone,
        Role,
        ApiToken.Scope,
    ):
        yield from ((str(code), str(label)) for code, label in choices.choices)
    yield from ((code, str(label)) for code, label in OTHER_TRANSITION_REASONS.items())
    for machine in (EXPERIENCE_LIFECYCLE, ANSWER_LIFECYCLE, LIFECYCLE):
        yield from ((move.name, move.label) for move in machine)
    yield from Channel.objects.values_list("slug", "label")
    for code, action in audit.registered().items():
        yield code, str(action.label)
        for labels in action.values.values():
            yield from ((str(value), str(label)) for value, label in labels.items())
    yield "system", "Système"  # the audit row of an action without an account


def vocabulary() -> frozenset[str]:
    """The stored codes a page must not show (see the module's docstring)."""
    return frozenset(
        code
        for code, label in _pairs()
        if code and code not in FRENCH_WORDS and fold(code) != fold(label)
    )


class _VisibleText(HTMLParser):
    SKIPPED = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html_text: str) -> str:
    """The text of a page as a person reads it (no tags, attributes, scripts, styles)."""
    parser = _VisibleText()
    parser.feed(html_text)
    parser.close()
    return " ".join(parser.parts)


@functools.lru_cache(maxsize=8)
def _pattern(codes: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
    # Whole words: not inside a longer word, slug or dotted code ("experience.publish"
    # matches as a whole, "publish" alone inside it does not).
    return re.compile(rf"(?<![\w.\-/])(?:{alternatives})(?![\w\-/]|\.\w)")


def leaked_codes(
    html_text: str, *, plain: bool = False, codes: frozenset[str] | None = None
) -> list[str]:
    """Stored codes found in the visible text of ``html_text`` (a page; a plain-text
    email with ``plain=True``), sorted, each once."""
    codes = vocabulary() if codes is None else codes
    if not codes:
        return []
    text = html_text if plain else visible_text(html_text)
    return sorted(set(_pattern(codes).findall(text)))
