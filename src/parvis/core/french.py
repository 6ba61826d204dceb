"""Small rules of French that pages apply to names and counts they do not know in advance.

- ``de(value)``: « de la CAF », « d’Antoine Agent », « du Mans », « de France Travail ».
  A value that knows its article (``name_with_article``: an organisation, a local service
  named after it) gives it; a plain string is elided only.
- ``with_article(value)``: « la CAF », « France Travail ».
- ``plural_suffix(count)``: French counts 0 and 1 in the singular (« 0 soutien »), where
  Django's ``pluralize`` says « 0 soutiens ».
- ``number(value, decimals)``: « 1 234,5 », thousands grouped by a no-break space and a
  decimal comma; ``with_unit(text, unit)``: « 87,4 % », « 1 234 s »; ``percent(share)``:
  0.874 → « 87,4 % »; ``working_days(value)``: « 1 jour ouvré », « 2,5 jours ouvrés »;
  ``time_of_day(value)``: « 9 h », « 13 h 30 ».
- ``date(value, format)``: Django's ``date`` in French, the first of the month written
  « 1er » before a month name: « 1er décembre 2026 », « 3 décembre 2026 ». Templates get it
  through the ``date`` filter itself (``parvis.core.templatetags.dates``, a builtin that
  replaces Django's), so ``{{ value|date:"j F Y" }}`` already writes « 1er ».
  ``duration(seconds)``: « 45 s », « 3 min 05 », « 1 h 12 », « 12 j 6 h »; to the
  minute with ``with_seconds=False``.

Spaces in figures, one convention for the whole product (pages, emails, PDF, charts.js):
thousands are grouped by a no-break space U+00A0, as Django's ``intcomma`` does in French;
a unit follows its number after a no-break space U+00A0 (« 42 s », « 2,1 j. ouvrés »),
« % » after a narrow no-break space U+202F (« 87,4 % »). A line never breaks inside a
figure.

Template filters: ``{% load french %}`` then ``{{ organisation|de_elide }}``,
``{{ organisation|with_article }}``, ``{{ n }} soutien{{ n|pluralize_fr }}``,
``{{ rate|with_unit:"%" }}``. In a template's fixed text, « 95&#8239;% ».
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.utils import dateformat, formats, translation

# A name starting with one of these takes « d’ » (« d’Accueil CPAM », « d’Émilie »). An
# initial h is left out: mute or aspirated cannot be told from the spelling.
ELIDING_INITIALS = frozenset("aeiouyàâäéèêëîïôöûùüœæ")
APOSTROPHE = "’"
NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"


def with_article(value: Any) -> str:
    """The value's name as a sentence says it: « la CAF » (``name_with_article``), else
    its text as it is."""
    named = getattr(value, "name_with_article", None)
    return str(named if named is not None else value).strip()


def article_before(article: str, name: str) -> str:
    """« la » + « CAF » → « la CAF »; « l’ » + « Urssaf » → « l’Urssaf »; no article → the name."""
    if not article:
        return name
    return f"{article}{name}" if article.endswith(APOSTROPHE) else f"{article} {name}"


def de(value: Any) -> str:
    """« de » before the value's name, contracted and elided as French does."""
    text = with_article(value)
    folded = text.casefold()
    if folded.startswith("le "):
        return f"du {text[3:]}"
    if folded.startswith("les "):
        return f"des {text[4:]}"
    if text[:1].casefold() in ELIDING_INITIALS:
        return f"d{APOSTROPHE}{text}"
    return f"de {text}"


def plural_suffix(count: Any, suffix: str = "s") -> str:
    """``suffix`` (« s », or « singular,plural » as ``pluralize`` takes it) for two or more;
    French writes 0 and 1 in the singular. A value that is not a number takes the plural
    suffix only if it is a sized collection of two or more."""
    singular, _, plural = suffix.rpartition(",") if "," in suffix else ("", "", suffix)
    try:
        number = abs(float(count))
    except (TypeError, ValueError):
        try:
            number = len(count)
        except TypeError:
            return singular
    return plural if number >= 2 else singular


def number(value: float, decimals: int = 0, *, trim: bool = False) -> str:
    """``1234.56`` → « 1 234,6 » (``decimals=1``): thousands grouped by a no-break space,
    as ``intcomma`` writes them, and a decimal comma. ``trim`` drops trailing zeros of the
    decimals, as ``floatformat:"-1g"`` does: « 2 », « 2,5 »."""
    text = f"{value:,.{decimals}f}".replace(",", NO_BREAK_SPACE).replace(".", ",")
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def with_unit(text: str, unit: str) -> str:
    """A figure and its unit on one line: « 87,4 % » (narrow no-break space before « % »),
    « 42 s », « 2,1 j. ouvrés » (no-break space); no unit → the figure alone."""
    if not unit:
        return text
    space = NARROW_NO_BREAK_SPACE if unit == "%" else NO_BREAK_SPACE
    return f"{text}{space}{unit}"


def working_days(value: float) -> str:
    """A delay in working days, one decimal at most: « 1 jour ouvré », « 2,5 jours ouvrés »."""
    rounded = round(value, 1)
    return with_unit(
        number(rounded, 1, trim=True), f"jour{plural_suffix(rounded)} ouvré{plural_suffix(rounded)}"
    )


def percent(share: float, decimals: int = 1) -> str:
    """A share between 0 and 1 as a percentage: ``0.8742`` → « 87,4 % »."""
    return with_unit(number(share * 100, decimals), "%")


def duration(seconds: float, *, with_seconds: bool = True) -> str:
    """A wait or a handling time, on one line: « 45 s », « 3 min 05 », « 1 h 12 »,
    « 12 j 6 h », « 4 j »; ``with_seconds=False`` for a wait read at a glance, to the
    minute: « 3 min », « 2 h 05 »."""
    if with_seconds:
        total = round(seconds)
        if total < 60:
            return with_unit(str(total), "s")
    else:
        total = max(0, int(seconds // 60)) * 60
    minutes, rest = divmod(total, 60)
    if minutes < 60:
        in_minutes = with_unit(str(minutes), "min")
        return f"{in_minutes}{NO_BREAK_SPACE}{rest:02d}" if with_seconds else in_minutes
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{with_unit(str(hours), 'h')}{NO_BREAK_SPACE}{minutes:02d}"
    days, hours = divmod(hours, 24)
    in_days = with_unit(str(days), "j")
    return f"{in_days}{NO_BREAK_SPACE}{with_unit(str(hours), 'h')}" if hours else in_days


def time_of_day(value: dt.time | dt.datetime) -> str:
    """09:00 → « 9 h », 13:30 → « 13 h 30 », on one line (no-break spaces)."""
    hours = with_unit(str(value.hour), "h")
    return hours if value.minute == 0 else f"{hours}{NO_BREAK_SPACE}{value.minute:02d}"


# Format characters that write the month as a word (« décembre », « déc. »): after them a
# day number reads « 1er ». In « j/m/Y » the first stays « 1 ».
_MONTH_NAMES = frozenset("bEFMN")


def day_of_month(day: int) -> str:
    """A day number before a month name: « 1er » for the first, « 3 » for the others."""
    return "1er" if day == 1 else str(day)


class _FirstOfTheMonthFormat(dateformat.DateFormat):
    """Django's ``DateFormat`` whose ``j`` writes the first of the month « 1er »."""

    def j(self) -> str:  # type: ignore[override]  # « 1er » is text, not Django's int
        return day_of_month(cast(dt.date, self.data).day)


def date(value: dt.date | dt.datetime, format_string: str | None = None) -> str:
    """``value`` as Django's ``date_format`` writes it (``format_string`` a format or a
    setting's name, ``DATE_FORMAT`` by default), with the ordinal French gives the first of
    the month: « 1er décembre 2026 », « lundi 1er juin ». Only in French and only before a
    month name, so « 1/12/2026 » and other languages are left alone."""
    pattern = str(formats.get_format(format_string or "DATE_FORMAT"))
    used = set(dateformat.re_formatchars.findall(pattern))
    language = translation.get_language() or "fr"
    if "j" in used and used & _MONTH_NAMES and language.startswith("fr"):
        return _FirstOfTheMonthFormat(value).format(pattern)
    return dateformat.format(value, pattern)


# Numbers dialled in France with the national prefix: the metropolitan ones and those of
# the overseas départements and collectivités sharing the French numbering plan.
_NATIONAL_REGIONS = frozenset({"FR", "RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF"})


def parsed_phone(value: str) -> Any:
    """``value`` read as a phone number (``phonenumbers.PhoneNumber``; a national number in
    ``CONTACTS_PHONE_REGION``, France), ``None`` when it is no possible number: where the
    connectors' E.164 and the pages' French form both start."""
    import phonenumbers
    from django.conf import settings

    try:
        parsed = phonenumbers.parse(str(value).strip(), settings.CONTACTS_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


def phone(value: str) -> str:
    """A stored number (E.164) as a French reader writes it: « +33612345678 » →
    « 06 12 34 56 78 », « +262692123456 » → « 0692 12 34 56 »; another country's in the
    international form (« +687 75.12.34 »); what is not a number, unchanged."""
    import phonenumbers

    parsed = parsed_phone(value)
    if parsed is None:
        return value
    national = phonenumbers.region_code_for_number(parsed) in _NATIONAL_REGIONS
    return phonenumbers.format_number(
        parsed,
        phonenumbers.PhoneNumberFormat.NATIONAL
        if national
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    )
