"""Contact registers: split an email into body, signature and quoted reply; read a transcript.

Pure functions on plain text (MIME parsing belongs to the contact hub). Qualification reads
only what the citizen wrote now (the email's body, the transcript's words without speaker
tags or timestamps); storage keeps the whole text, masked everywhere: the anonymiser runs on
the full text and uses the split only to know that a line sits in a signature.

Offsets are Python string indices into the exact input, end exclusive, so a part can be
shown, masked or cut without copying.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parvis.language.text import fold

EMAIL_REGISTERS = frozenset({"courriel", "email", "mail", "e-mail"})
TRANSCRIPT_REGISTERS = frozenset({"transcription", "transcript", "appel", "telephone"})


@dataclass(frozen=True)
class Segment:
    """``text[start:end]`` of the input; empty when ``start == end``."""

    start: int
    end: int

    def __bool__(self) -> bool:
        return self.end > self.start

    def of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class EmailParts:
    """An email body cut in three consecutive parts: body, then signature, then quoted.

    ``signature`` starts at the closing formula (« Cordialement, ») or at the ``-- ``
    delimiter and runs to the quoted reply (or the end); ``quoted`` starts at the
    attribution line (« Le 3 mars 2025 à 10:12, X a écrit : », « -----Message d'origine----- »,
    a ``De : ... Objet :`` header block, or the first run of ``>`` lines) and runs to the end.
    An absent part is an empty segment at the position where it would start.
    """

    text: str
    body: Segment
    signature: Segment
    quoted: Segment

    @property
    def body_text(self) -> str:
        return self.body.of(self.text).strip()

    @property
    def signature_text(self) -> str:
        return self.signature.of(self.text).strip()

    @property
    def quoted_text(self) -> str:
        return self.quoted.of(self.text).strip()


# --- Emails -------------------------------------------------------------------------------

_QUOTE_HEADERS = re.compile(
    r"""^[ \t]*(?:
        -{2,}\s*(?:message\s+d'origine|original\s+message|message\s+original
            |message\s+transfere|forwarded\s+message|debut\s+du\s+message\s+reexpedie)\s*-{0,}
      | (?:le|on)\b[^\n]{0,160}?\b(?:a\s+ecrit|wrote)\s*:?
      | de\s*:\s*[^\n]+\n(?:[ \t]*(?:envoye|date|a|cc|objet)\s*:[^\n]*\n?){1,5}
      | from\s*:\s*[^\n]+\n(?:[ \t]*(?:sent|date|to|cc|subject)\s*:[^\n]*\n?){1,5}
      | _{8,}
    )""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
# An attribution line may wrap over two lines in plain-text clients.
_WRAPPED_ATTRIBUTION = re.compile(
    r"^[ \t]*le\b[^\n]{0,120}\n[^\n]{0,120}?\ba\s+ecrit\s*:?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>", re.MULTILINE)

_SIGNATURE_DELIMITER = re.compile(r"^--[ \t]?$", re.MULTILINE)
_MOBILE_FOOTER = re.compile(
    r"^[ \t]*(?:envoye\s+(?:de|depuis)\s+(?:mon|ma|un|une)\b[^\n]*|sent\s+from\s+my\b[^\n]*)$",
    re.IGNORECASE | re.MULTILINE,
)
# A closing formula on a line of its own (or ending a short line), after which come the
# name, a phone, an address: the signature.
_CLOSINGS = (
    r"cordialement|bien\s+cordialement|tres\s+cordialement|cdlt|cdt|slts"
    r"|salutations(?:\s+distinguees)?|sinceres\s+salutations|meilleures\s+salutations"
    r"|bien\s+a\s+vous|bien\s+a\s+toi|a\s+bientot|merci(?:\s+(?:d'avance|par\s+avance"
    r"|beaucoup|bien|encore|pour\s+votre\s+(?:aide|retour|reponse|comprehension)"
    r"|de\s+votre\s+(?:aide|retour|reponse|comprehension)))*"
    r"|bonne\s+(?:journee|soiree|fin\s+de\s+journee)|respectueusement|amicalement"
    r"|dans\s+l'attente\s+de\s+votre\s+(?:retour|reponse)"
    r"|veuillez\s+agreer[^\n]{0,160}"
    r"|je\s+vous\s+prie\s+d'agreer[^\n]{0,160}"
    r"|en\s+vous\s+remerciant(?:\s+par\s+avance|\s+d'avance)?"
    r"|(?:avec\s+)?mes\s+(?:remerciements|salutations)[^\n]{0,60}"
)
_CLOSING_LINE = re.compile(
    rf"^[ \t]*(?:{_CLOSINGS})\s*[,.!]*[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# How many lines a signature may have after its closing formula; a longer tail is prose.
_MAX_SIGNATURE_LINES = 8


def _quoted_start(folded: str) -> int:
    starts = [m.start() for m in _QUOTE_HEADERS.finditer(folded)]
    starts += [m.start() for m in _WRAPPED_ATTRIBUTION.finditer(folded)]
    for match in _QUOTED_LINE.finditer(folded):
        # a run of ``>`` lines is a quoted reply only when nothing but quotes, blank lines
        # and a signature follow it
        rest = folded[match.start() :].splitlines()
        unquoted = [line for line in rest if line.strip() and not line.lstrip().startswith(">")]
        if len(unquoted) <= 2:
            starts.append(match.start())
        break
    return min(starts) if starts else len(folded)


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _signature_start(folded: str, limit: int) -> int:
    head = folded[:limit]
    delimiter = list(_SIGNATURE_DELIMITER.finditer(head))
    if delimiter:
        return delimiter[-1].start()
    candidates = []
    for match in _CLOSING_LINE.finditer(head):
        tail_lines = [line for line in head[match.end() :].splitlines() if line.strip()]
        if len(tail_lines) <= _MAX_SIGNATURE_LINES and match.start() > 0:
            candidates.append(match.start())
            break
    footer = _MOBILE_FOOTER.search(head)
    if footer:
        candidates.append(footer.start())
    if not candidates:
        return limit
    start = min(candidates)
    return _line_start(folded, start)


def split_email(text: str) -> EmailParts:
    """Body, signature and quoted reply of a plain-text email (see :class:`EmailParts`)."""
    folded = fold(text)
    if len(folded) != len(text):  # a ligature changed the length: match on the raw text
        folded = text
    quoted = _quoted_start(folded)
    signature = _signature_start(folded, quoted)
    # leading blank lines of a part belong to the part before it
    return EmailParts(
        text=text,
        body=Segment(0, signature),
        signature=Segment(signature, quoted),
        quoted=Segment(quoted, len(text)),
    )


# --- Transcripts --------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """One turn of a call: who speaks (``agent``, ``caller`` or ``None`` when unknown) and
    the words, ``text[start:end]`` without the speaker tag or timestamp."""

    speaker: str | None
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


_TIMESTAMP = (
    r"(?:\[\s*\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?\s*\]"
    r"|\(\s*\d{1,2}(?::\d{2}){1,2}\s*\)|\d{1,2}:\d{2}(?::\d{2})?\b)"
)
_AGENT = (
    r"agent|agente|conseiller|conseillere|operateur|operatrice|teleconseiller"
    r"|teleconseillere|accueil|plateforme|standard|a|ag|cons|cs"
)
_CALLER = (
    r"usager|usagere|appelant|appelante|client|cliente|allocataire|assure|assuree"
    r"|beneficiaire|citoyen|citoyenne|demandeur|demandeuse|interlocuteur|interlocutrice"
    r"|u|us|c|app"
)
_SPEAKER_TAG = re.compile(
    rf"(?:^|(?<=\n))[ \t]*(?:{_TIMESTAMP}[ \t]*[-–]?[ \t]*)?"
    rf"(?:(?P<agent>{_AGENT})|(?P<caller>{_CALLER})|(?P<other>(?:speaker|locuteur|intervenant)\s*\d+))"
    rf"[ \t]*(?:\d+[ \t]*)?(?:{_TIMESTAMP}[ \t]*)?[:>\-–][ \t]*",
    re.IGNORECASE,
)
_BARE_TIMESTAMP = re.compile(rf"(?:^|(?<=\n))[ \t]*{_TIMESTAMP}[ \t]*[-–:]?[ \t]*")
_FILLERS = re.compile(
    r"(?<![\w'])(?:euh+|heu+|hum+|hm+|bah|ben|beh|mmh+|hein)(?![\w'])[ \t]*,?[ \t]*",
    re.IGNORECASE,
)


def split_transcript(text: str) -> tuple[Turn, ...]:
    """The turns of a call transcript; one unknown-speaker turn when it has no tags."""
    folded = fold(text)
    if len(folded) != len(text):
        folded = text
    tags = list(_SPEAKER_TAG.finditer(folded))
    if not tags:
        content = _BARE_TIMESTAMP.sub(lambda m: " " * len(m.group()), folded)
        left = len(content) - len(content.lstrip())
        right = len(content.rstrip())
        return (Turn(None, left, max(left, right)),) if right > left else ()
    turns = []
    if folded[: tags[0].start()].strip():
        turns.append(Turn(None, 0, tags[0].start()))
    for index, tag in enumerate(tags):
        end = tags[index + 1].start() if index + 1 < len(tags) else len(text)
        while end > tag.end() and text[end - 1].isspace():
            end -= 1
        speaker = "agent" if tag.group("agent") else "caller" if tag.group("caller") else None
        turns.append(Turn(speaker, tag.end(), end))
    return tuple(turns)


def normalise_transcript(text: str, *, speaker: str | None = None) -> str:
    """The words of a transcript for qualification: no speaker tags, timestamps or fillers.

    ``speaker="caller"`` keeps only the caller's turns (and the untagged ones); the default
    keeps every turn, one per line.
    """
    lines = []
    for turn in split_transcript(text):
        if speaker is not None and turn.speaker not in (speaker, None):
            continue
        words = _FILLERS.sub("", turn.of(text))
        words = _BARE_TIMESTAMP.sub("", words)
        words = re.sub(r"[ \t]+", " ", words).strip()
        if words:
            lines.append(words)
    return "\n".join(lines)


# --- Register dispatch --------------------------------------------------------------------


def text_for_qualification(text: str, register: str | None = None) -> str:
    """What qualification should read of a contact: an email's body (signature and quoted
    reply cut off; the whole text when the body is empty), a transcript's words, or the
    text itself for every other register (SMS, chat, form)."""
    key = fold(register or "").lower().strip()
    if key in EMAIL_REGISTERS:
        body = split_email(text).body_text
        return body or text
    if key in TRANSCRIPT_REGISTERS:
        return normalise_transcript(text) or text
    return text
