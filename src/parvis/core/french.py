"""Small rules of French that pages apply to names and counts they do not know in advance.

- ``de(value)``: « de la CAF », « d’Antoine Agent », « du Mans », « de France Travail ».
  A value that knows its article (``name_with_article``: an organisation, a local service
  named after it) gives it; a plain string is elided only.
- ``with_article(value)``: « la CAF », « France Travail ».
- ``plural_suffix(count)``: French counts 0 and 1 in the singular (« 0 soutien »), where
  Django's ``pluralize`` says « 0 soutiens ».

Template filters: ``{% load french %}`` then ``{{ organisation|de_elide }}``,
``{{ organisation|with_article }}``, ``{{ n }} soutien{{ n|pluralize_fr }}``.
"""

from __future__ import annotations

from typing import Any

# A name starting with one of these takes « d’ » (« d’Accueil CPAM », « d’Émilie »). An
# initial h is left out: mute or aspirated cannot be told from the spelling.
ELIDING_INITIALS = frozenset("aeiouyàâäéèêëîïôöûùüœæ")
APOSTROPHE = "’"


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
