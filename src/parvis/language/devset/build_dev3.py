#!/usr/bin/env python3
"""Build the independent evaluation set of the language engine from its hand-written source.

The set (``src/parvis/language/eval/independent.jsonl``) was written by hand, apart from the
corpus generator, in the registers the contact hub will bring. Its source,
``independent.src.txt``, holds one block per text::

    %% a comment line (ignored)
    @@ sms caf/aide-logement urgent vulnerable +dgfip
    bjr c {{PERSON|Maïwenn Le Floc'h}} jai pas recu mon apl
    ...

The header gives the register (sms, courriel, chat, transcription, formulaire), the
organisation and motif codes of the taxonomy (``caf/-`` for an organisation without motif,
``-`` for a text about no organisation), then optional flags: ``urgent``, ``vulnerable`` and
``+<code>`` for a second organisation named in the text. The block's text runs until the next
header; ``{{LABEL|value}}`` marks a personal-data span. Ids (e0001, e0002, ...) follow the
order of the blocks.

Usage::

    /path/to/python scripts/build_eval_set.py            # validate, write the JSONL and
                                                          # the figures of the README
    /path/to/python scripts/build_eval_set.py --check    # validate, fail if out of date
    /path/to/python scripts/build_eval_set.py --taxonomy /work/shared/taxonomy.yaml

Plain Python and PyYAML only (no Django). Validation: every label known, every organisation
and motif code in the taxonomy, no overlapping or nested span, no span with outer
whitespace, no leftover markup, no duplicate text, no labelled value repeated unlabelled in
the same text, identifier formats (when written with digits), and the minimums of the brief.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path("/work/main")
EVAL_DIR = Path("/work/devset3")
SOURCE = EVAL_DIR / "dev3.src.txt"
OUTPUT = EVAL_DIR / "dev3.jsonl"
README = EVAL_DIR / "dev3.README.md"
TAXONOMY = ROOT / "src" / "parvis" / "directory" / "data" / "taxonomy.yaml"
NAME_LISTS = (
    ROOT / "src" / "parvis" / "language" / "data" / "first_names.txt",
    ROOT / "src" / "parvis" / "language" / "data" / "last_names.txt",
)

LABELS = (
    "PERSON",
    "EMAIL",
    "PHONE",
    "NIR",
    "IBAN",
    "CARD",
    "ADDRESS",
    "CAF_NUMBER",
    "TAX_NUMBER",
    "PLATE",
    "BIRTHDATE",
)
REGISTERS = ("sms", "courriel", "chat", "transcription", "formulaire")
FLAGS = ("urgent", "vulnerable")

MIN_TEXTS = 220
MIN_CLEAN = 30
MIN_OUTSIDE_LEXICON = 0.5

HEADER = re.compile(r"^@@ (?P<register>\S+) (?P<org>\S+)(?P<flags>(?: +\S+)*) *$")
MARK = re.compile(r"\{\{(?P<label>[A-Z_]+)\|(?P<value>[^{}|]+)\}\}")
STATS_BEGIN = "<!-- stats:begin (written by scripts/build_eval_set.py) -->"
STATS_END = "<!-- stats:end -->"

# Words that do not decide whether a name is in the lexicon: particles and initials.
PARTICLES = frozenset(
    (
        *("de", "du", "des", "la", "le", "les", "d", "l", "da", "do", "dos", "das", "di"),
        *("del", "della", "van", "von", "der", "den", "ben", "bin", "ibn", "el", "al"),
        *("ould", "n", "mc"),
    )
)


@dataclass
class Record:
    line: int
    register: str
    organisation: str | None
    motif: str | None
    urgency: bool
    vulnerability: bool
    second_organisation: str | None
    text: str = ""
    entities: list[dict] = field(default_factory=list)


def fold(value: str) -> str:
    """Case- and accent-insensitive form of a word."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def load_lexicon() -> frozenset[str]:
    names: set[str] = set()
    for path in NAME_LISTS:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                names.add(fold(line))
    return frozenset(names)


def name_in_lexicon(value: str, lexicon: frozenset[str]) -> bool:
    """True when every meaningful word of a person's name is in the generator's name lists.

    Deliberately generous to the lexicon: case and accents are ignored, particles (de, Le,
    Ben, N'...) and initials do not count, a compound (Jean-Baptiste, N'Diaye) is in when its
    whole form, its form without hyphen or apostrophe, or each of its parts is listed, and a
    name spelled letter by letter (D U P O N T) is read as one word.
    """
    tokens = [t.strip(".,;:()") for t in value.split()]
    tokens = [t for t in tokens if t]
    if tokens and all(len(t) == 1 for t in tokens):
        tokens = ["".join(tokens)]
    tokens = [t.replace("-", "") if re.fullmatch(r"(?:\w-)+\w", t) else t for t in tokens]
    meaningful = [fold(t) for t in tokens if len(t) > 1 and fold(t) not in PARTICLES]
    if not meaningful:
        return True
    if fold(" ".join(tokens)) in lexicon:
        return True

    def known(token: str) -> bool:
        if token in lexicon or re.sub(r"[-'’]", "", token) in lexicon:
            return True
        parts = [p for p in re.split(r"[-'’]", token) if len(p) > 1 and p not in PARTICLES]
        return bool(parts) and all(p in lexicon for p in parts)

    return all(known(t) for t in meaningful)


def load_taxonomy(path: Path) -> dict[str, set[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        code: set((org.get("motifs") or {}).keys()) for code, org in data["organisations"].items()
    }


def parse(source: Path, taxonomy: dict[str, set[str]], errors: list[str]) -> list[Record]:
    records: list[Record] = []
    body: list[str] = []
    current: Record | None = None

    def close() -> None:
        if current is None:
            return
        raw = "\n".join(line.rstrip() for line in body).strip("\n")
        convert(current, raw, errors)
        records.append(current)

    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("%%"):
            continue
        if line.startswith("@@"):
            close()
            body = []
            current = header(line, number, taxonomy, errors)
            continue
        if current is None:
            if line.strip():
                errors.append(f"line {number}: text before the first header")
            continue
        body.append(line)
    close()
    return records


def header(line: str, number: int, taxonomy: dict[str, set[str]], errors: list[str]) -> Record:
    match = HEADER.match(line)
    if not match:
        errors.append(f"line {number}: bad header {line!r}")
        return Record(number, "?", None, None, False, False, None)
    register = match["register"]
    if register not in REGISTERS:
        errors.append(f"line {number}: unknown register {register!r}")
    organisation: str | None = None
    motif: str | None = None
    if match["org"] != "-":
        organisation, _, motif_code = match["org"].partition("/")
        motif = None if motif_code in ("", "-") else motif_code
        if organisation not in taxonomy:
            errors.append(f"line {number}: unknown organisation {organisation!r}")
        elif motif is not None and motif not in taxonomy[organisation]:
            errors.append(f"line {number}: motif {motif!r} is not a motif of {organisation!r}")
    flags = match["flags"].split()
    second: str | None = None
    for flag in flags:
        if flag.startswith("+"):
            if second is not None:
                errors.append(f"line {number}: two second organisations")
            second = flag[1:]
            if second not in taxonomy:
                errors.append(f"line {number}: unknown second organisation {second!r}")
            if second == organisation:
                errors.append(f"line {number}: second organisation equals the organisation")
            if organisation is None:
                errors.append(f"line {number}: second organisation without an organisation")
        elif flag not in FLAGS:
            errors.append(f"line {number}: unknown flag {flag!r}")
    if len(set(flags)) != len(flags):
        errors.append(f"line {number}: repeated flag")
    return Record(
        line=number,
        register=register,
        organisation=organisation,
        motif=motif,
        urgency="urgent" in flags,
        vulnerability="vulnerable" in flags,
        second_organisation=second,
    )


def convert(record: Record, raw: str, errors: list[str]) -> None:
    """Turn inline markup into plain text and exact (start, end) offsets."""
    where = f"text at line {record.line}"
    parts: list[str] = []
    position = 0
    length = 0
    for match in MARK.finditer(raw):
        before = raw[position : match.start()]
        parts.append(before)
        length += len(before)
        label, value = match["label"], match["value"]
        if label not in LABELS:
            errors.append(f"{where}: unknown label {label!r}")
        if value != value.strip():
            errors.append(f"{where}: span {value!r} has outer whitespace")
        record.entities.append({"start": length, "end": length + len(value), "label": label})
        parts.append(value)
        length += len(value)
        position = match.end()
    parts.append(raw[position:])
    record.text = "".join(parts)
    if not record.text.strip():
        errors.append(f"{where}: empty text")
    for piece in ("{{", "}}"):
        if piece in record.text:
            errors.append(f"{where}: leftover markup {piece!r} (nested or malformed span?)")
    for entity in record.entities:
        value = record.text[entity["start"] : entity["end"]]
        problem = check_format(entity["label"], value, record.register)
        if problem:
            errors.append(f"{where}: {entity['label']} {value!r}: {problem}")
    check_unlabelled_repeats(record, errors)


def check_format(label: str, value: str, register: str) -> str | None:
    """Light format checks on identifiers written with digits (read-aloud ones pass)."""
    digits = re.sub(r"\D", "", value)
    has_words = bool(re.search(r"[a-zà-ÿ]{3,}", value))
    if label == "EMAIL":
        if "@" not in value and "arobase" not in value:
            return "an email without @ nor 'arobase'"
    elif label == "NIR" and not has_words:
        compact = re.sub(r"[\s.\-]", "", value).upper()
        if not re.fullmatch(r"[12]\d{4}(?:\d{2}|2A|2B)\d{8}", compact):
            return "a NIR is 15 characters: sex, year, month, département, commune, order, key"
    elif label == "CAF_NUMBER" and not has_words:
        if not 6 <= len(digits) <= 8 or len(digits) != len(re.sub(r"[\s.]", "", value)):
            return "an allocataire number is about 7 digits"
    elif label == "TAX_NUMBER" and not has_words:
        if len(digits) != 13 or digits[0] not in "0123":
            return "a numéro fiscal is 13 digits starting with 0-3"
    elif label == "IBAN" and not has_words:
        compact = re.sub(r"\s", "", value).upper()
        if not re.fullmatch(r"FR\d{12}[0-9A-Z]{11}\d{2}", compact):
            return "a French IBAN is FR + 25 characters"
    elif label == "CARD" and not has_words:
        if len(digits) != 16:
            return "a card number has 16 digits"
    elif label == "PLATE" and not has_words:
        if not re.fullmatch(r"[A-Za-z]{2}[\s-]?\d{3}[\s-]?[A-Za-z]{2}", value):
            return "a plate is AA-123-AA"
    elif (
        label == "PHONE"
        and not has_words
        and len(digits) not in (10, 11, 12)
        and not value.startswith("+")
    ):
        return "a phone number has 10 digits (or +33 and 9)"
    return None


def check_unlabelled_repeats(record: Record, errors: list[str]) -> None:
    """A value labelled once must be labelled wherever it appears again in the text."""
    covered = [False] * len(record.text)
    for entity in record.entities:
        for i in range(entity["start"], entity["end"]):
            covered[i] = True
    for entity in record.entities:
        value = record.text[entity["start"] : entity["end"]]
        pattern = re.compile(r"(?<!\w)" + re.escape(value) + r"(?!\w)")
        for match in pattern.finditer(record.text):
            if not any(covered[match.start() : match.end()]):
                errors.append(
                    f"text at line {record.line}: {value!r} is labelled once "
                    f"but appears unlabelled at {match.start()}"
                )


def validate_set(records: list[Record], errors: list[str], *, draft: bool = False) -> None:
    seen: dict[str, int] = {}
    for record in records:
        key = " ".join(fold(record.text).split())
        if key in seen:
            errors.append(f"text at line {record.line} duplicates the text at line {seen[key]}")
        seen[key] = record.line
    if draft:
        return
    if len(records) < MIN_TEXTS:
        errors.append(f"{len(records)} texts, at least {MIN_TEXTS} needed")
    clean = sum(1 for r in records if not r.entities)
    if clean < MIN_CLEAN:
        errors.append(f"{clean} clean texts, at least {MIN_CLEAN} needed")


def to_json(records: list[Record]) -> str:
    lines = []
    for index, record in enumerate(records, start=1):
        payload = {
            "id": f"g{index:04d}",
            "text": record.text,
            "register": record.register,
            "organisation": record.organisation,
            "motif": record.motif,
            "entities": sorted(record.entities, key=lambda e: e["start"]),
            "urgency": record.urgency,
            "vulnerability": record.vulnerability,
            "second_organisation": record.second_organisation,
        }
        lines.append(json.dumps(payload, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def statistics(records: list[Record], lexicon: frozenset[str], digest: str) -> tuple[str, float]:
    total = len(records)
    labels = Counter(e["label"] for r in records for e in r.entities)
    organisations = Counter(r.organisation or "(aucune)" for r in records)
    motifs = Counter(
        f"{r.organisation}/{r.motif or '(sans motif)'}" for r in records if r.organisation
    )
    persons = [
        r.text[e["start"] : e["end"]] for r in records for e in r.entities if e["label"] == "PERSON"
    ]
    outside = [p for p in persons if not name_in_lexicon(p, lexicon)]
    share = len(outside) / len(persons) if persons else 0.0
    distinct = {fold(p) for p in persons}
    distinct_outside = {fold(p) for p in outside}
    clean = sum(1 for r in records if not r.entities)
    two = [r for r in records if r.second_organisation]

    def pct(n: int) -> str:
        return f"{100 * n / total:.1f} %"

    out = [STATS_BEGIN, ""]
    out.append(
        f"- texts: **{total}**; spans: **{sum(labels.values())}**; "
        f"clean texts (no personal data): **{clean}**"
    )
    out.append(
        f"- texts naming two organisations (`second_organisation`): **{len(two)}** "
        f"({', '.join(f'{k} {v}' for k, v in sorted(Counter(r.register for r in two).items()))})"
    )
    out.append(
        f"- urgency: **{sum(r.urgency for r in records)}** "
        f"({pct(sum(r.urgency for r in records))}); vulnerability: "
        f"**{sum(r.vulnerability for r in records)}** "
        f"({pct(sum(r.vulnerability for r in records))})"
    )
    out.append(
        f"- person names outside the generator's name lexicon: **{len(outside)} of "
        f"{len(persons)} PERSON spans ({100 * share:.1f} %)**; distinct names: "
        f"{len(distinct_outside)} of {len(distinct)} outside"
    )
    out.append(f"- sha256 of `independent.jsonl`: `{digest}`")
    out += ["", "| register | texts | with personal data | clean |", "|---|---:|---:|---:|"]
    for register in REGISTERS:
        rs = [r for r in records if r.register == register]  # in the order of REGISTERS
        dirty = sum(1 for r in rs if r.entities)
        out.append(f"| {register} | {len(rs)} | {dirty} | {len(rs) - dirty} |")
    out += ["", "| label | spans |", "|---|---:|"]
    out += [f"| {label} | {labels.get(label, 0)} |" for label in LABELS]
    out += ["", "| organisation | texts | motifs (texts) |", "|---|---:|---|"]
    for org, count in sorted(organisations.items(), key=lambda kv: (-kv[1], kv[0])):
        detail = ", ".join(
            f"{m.split('/', 1)[1]} {n}"
            for m, n in sorted(motifs.items())
            if m.split("/", 1)[0] == org
        )
        out.append(f"| {org} | {count} | {detail} |")
    out += ["", STATS_END]
    return "\n".join(out), share


def readme_with(stats: str, current: str) -> str:
    if STATS_BEGIN in current and STATS_END in current:
        head, _, rest = current.partition(STATS_BEGIN)
        _, _, tail = rest.partition(STATS_END)
        return head + stats + tail
    return current.rstrip("\n") + "\n\n" + stats + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail if the outputs are stale")
    parser.add_argument("--taxonomy", type=Path, default=TAXONOMY)
    parser.add_argument(
        "--draft", action="store_true", help="skip the minimums (while the set is being written)"
    )
    args = parser.parse_args(argv)

    errors: list[str] = []
    taxonomy = load_taxonomy(args.taxonomy)
    records = parse(SOURCE, taxonomy, errors)
    validate_set(records, errors, draft=args.draft)
    lexicon = load_lexicon()
    payload = to_json(records)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    stats, share = statistics(records, lexicon, digest)
    if share < MIN_OUTSIDE_LEXICON and not args.draft:
        errors.append(f"only {100 * share:.1f} % of person names outside the lexicon")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1

    readme = readme_with(stats, README.read_text(encoding="utf-8") if README.exists() else "")
    if args.check:
        stale = [
            p.name
            for p, want in ((OUTPUT, payload), (README, readme))
            if not p.exists() or p.read_text(encoding="utf-8") != want
        ]
        if stale:
            print(
                f"out of date: {', '.join(stale)} (run scripts/build_eval_set.py)", file=sys.stderr
            )
            return 1
    else:
        OUTPUT.write_text(payload, encoding="utf-8")
        README.write_text(readme, encoding="utf-8")
    print(stats.replace(STATS_BEGIN, "").replace(STATS_END, "").strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
