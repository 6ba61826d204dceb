"""After the contact: the question sets (data, versioned), the sampling draw, the signed
link's token and the reading of an SMS reply. Writes are in ``services.surveys``.

A questionnaire is a code and a version with its questions; an invitation stores both,
so a question reworded later is a new version and old answers keep their meaning. A later
survey (issue 16's quality studies) adds a ``Questionnaire`` here, not a model.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core import signing
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parvis.contacts.models import Outcome

QuestionKind = Literal["scale", "yes_no"]
StrOrPromise = str | Promise  # a label, translated when shown
TOKEN_SALT = "parvis.contacts.survey"  # noqa: S105 - a salt, not a secret


@dataclass(frozen=True)
class Question:
    code: str
    label: StrOrPromise
    kind: QuestionKind
    low: StrOrPromise = ""  # the scale's 1, in words
    high: StrOrPromise = ""  # the scale's 5, in words

    def choices(self) -> list[tuple[int, str]]:
        """(stored value, French label): 1–5 for a scale, 1 (oui) / 0 (non)."""
        if self.kind == "yes_no":
            return [(1, str(_("Oui"))), (0, str(_("Non")))]
        return [(value, str(value)) for value in range(1, 6)]

    def accepts(self, value: int) -> bool:
        return value in {stored for stored, _label in self.choices()}


@dataclass(frozen=True)
class Questionnaire:
    code: str
    version: int
    title: StrOrPromise
    questions: tuple[Question, ...]

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)


POST_CONTACT = Questionnaire(
    code="post_contact",
    version=1,
    title=_("Votre avis sur votre contact avec le service"),
    questions=(
        Question(
            "satisfaction",
            _("Êtes-vous satisfait de ce contact ?"),
            "scale",
            low=_("pas du tout satisfait"),
            high=_("très satisfait"),
        ),
        Question(
            "effort",
            _("Votre démarche a-t-elle été facile ?"),
            "scale",
            low=_("facile"),
            high=_("difficile"),
        ),
        Question(
            "resolved",
            _("Votre demande a-t-elle été résolue lors de ce contact ?"),
            "yes_no",
        ),
    ),
)
# Every version ever sent stays here: answers are read with the version they were given.
QUESTIONNAIRES = {(q.code, q.version): q for q in (POST_CONTACT,)}

# No questions after these outcomes: nothing was handled (spam, a duplicate, out of the
# service's field), or nobody was reached (abandon, voicemail, a failed call back).
EXCLUDED_OUTCOMES = frozenset(
    {
        Outcome.OUT_OF_SCOPE,
        Outcome.SPAM,
        Outcome.DUPLICATE,
        Outcome.ABANDONED,
        Outcome.VOICEMAIL,
        Outcome.CALLBACK_FAILED,
    }
)


def questionnaire_of(code: str, version: int) -> Questionnaire:
    return QUESTIONNAIRES[(code, version)]


def sampled(reference: str, *, rate: float | None = None) -> bool:
    """Whether the conversation ``reference`` draws the questions: a hash of the reference
    read as a number in [0, 1), so the draw is the same on every run (tests, retries)."""
    rate = settings.CONTACTS_SURVEY_SAMPLE_RATE if rate is None else rate
    draw = int.from_bytes(hashlib.sha256(f"survey:{reference}".encode()).digest()[:8], "big")
    return draw / 2**64 < rate


# --- The signed link ----------------------------------------------------------------------


class InvalidLink(Exception):
    """The link is altered, or names nothing."""


class ExpiredLink(Exception):
    """The link is genuine but too old."""


def link_token(invitation_id: int) -> str:
    return signing.dumps(invitation_id, salt=TOKEN_SALT, compress=True)


def invitation_id_of(token: str) -> int:
    """The invitation a token names; ``ExpiredLink`` past the link's validity,
    ``InvalidLink`` for anything altered or malformed."""
    max_age = settings.CONTACTS_SURVEY_LINK_DAYS * 24 * 3600
    try:
        value = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredLink from error
    except signing.BadSignature as error:
        raise InvalidLink from error
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidLink
    return value


# --- Reading an SMS reply -------------------------------------------------------------------

YES = frozenset({"oui", "o", "ouais", "yes", "y"})
NO = frozenset({"non", "n", "no", "nan"})
# Words a citizen may add around the answers; any other word means the text is a
# message for the service, not an answer, and it is threaded as one.
FILLER = frozenset(
    {
        "bonjour",
        "merci",
        "cordialement",
        "satisfaction",
        "satisfait",
        "note",
        "effort",
        "facilite",
        "resolu",
        "resolue",
        "resolution",
        "et",
        "reponse",
        "reponses",
        "avis",
        "sur",
        "ok",
    }
)
_TOKENS = re.compile(r"[0-9]+|[a-z]+")


def parse_sms_reply(text: str) -> dict[str, int] | None:
    """The answers of « 5 2 oui », « 5,2,OUI. », « 4/5 - 1 - non merci », « 52 o »: two
    scale digits (satisfaction then effort, 1–5) and a yes or no, in that order or with
    the yes/no anywhere; ``None`` when the text is anything else (then it is a message)."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    if len(plain) > 160:
        return None
    # « 4/5 » is the scale written as a fraction: keep its numerator.
    plain = re.sub(r"\b([1-5])\s*/\s*5\b", r"\1", plain)
    digits: list[int] = []
    answer: int | None = None
    for token in _TOKENS.findall(plain):
        if token.isdigit():
            if len(token) == 2 and not digits:
                digits.extend(int(d) for d in token)
            elif len(token) == 1:
                digits.append(int(token))
            else:
                return None
        elif token in YES or token in NO:
            if answer is not None:
                return None
            answer = 1 if token in YES else 0
        elif token in {"pas", "ne"}:
            return None  # « pas résolu »: too ambiguous to read as a yes or no
        elif token not in FILLER:
            return None
    if len(digits) != 2 or answer is None or not all(1 <= d <= 5 for d in digits):
        return None
    return {"satisfaction": digits[0], "effort": digits[1], "resolved": answer}


def recipient_digest(address: str) -> str:
    """The keyed digest of an address (email lowercased, number in E.164) for the cap of
    one invitation per citizen across organisations and channels."""
    from parvis.core.crypto import keyed_digest

    return keyed_digest(address.strip().lower(), purpose="contacts.survey.recipient")
