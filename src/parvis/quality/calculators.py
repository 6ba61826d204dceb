"""The registered calculators of the indicator catalogue (pure: no Django, no database).

An indicator of the catalogue names one calculator and gives it parameters; admins edit
the parameters within the bounds declared here, never the code. A calculator reads the
summed fact measures of one group (a territory × month), split by channel, and returns
the value with its numerator, denominator, ``n`` and, for a sample, its 95 % interval.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from parvis.core import metrics
from parvis.quality import measures

Sums = Mapping[str, float]
ByChannel = Mapping[str | None, Sums]


@dataclass(frozen=True)
class Parameter:
    """One editable parameter: a number within [minimum, maximum] by ``step``, or a
    subset of ``choices``."""

    name: str
    label: str
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()

    def check(self, value: Any) -> str | None:
        """A French explanation when ``value`` is out of bounds, else ``None``."""
        if self.choices:
            if not isinstance(value, list | tuple) or not value:
                return f"« {self.label} » : choisissez au moins une valeur."
            unknown = [v for v in value if v not in self.choices]
            if unknown:
                return f"« {self.label} » : valeur inconnue {', '.join(map(str, unknown))}."
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"« {self.label} » doit être un nombre."
        if self.minimum is not None and value < self.minimum:
            return f"« {self.label} » doit valoir au moins {self.minimum:g}."
        if self.maximum is not None and value > self.maximum:
            return f"« {self.label} » doit valoir au plus {self.maximum:g}."
        if (
            self.step
            and abs(
                (value - (self.minimum or 0)) / self.step
                - round((value - (self.minimum or 0)) / self.step)
            )
            > 1e-9
        ):
            return f"« {self.label} » va par pas de {self.step:g}."
        return None


@dataclass(frozen=True)
class Figure:
    """What a calculator gives for one group. ``value`` is ``None`` when nothing counts."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    n: int = 0
    ci_low: float | None = None
    ci_high: float | None = None
    # Bucket resolution of a percentile (in the indicator's unit).
    tolerance: float | None = None
    # Sample indicators: answers ÷ questionnaires sent.
    response_rate: float | None = None


@dataclass(frozen=True)
class Calculator:
    code: str
    label: str
    compute: Callable[[ByChannel, Mapping[str, Any]], Figure]
    parameters: tuple[Parameter, ...] = ()
    # A sample (surveys) shows a 95 % interval and the response rate.
    sample: bool = False
    measures: tuple[str, ...] = field(default=())
    # Reads the facts without a channel only (the voice of users: experiences and
    # simplification requests); the hub's facts always have one.
    voice: bool = False

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}

    def check(self, parameters: Mapping[str, Any]) -> dict[str, str]:
        """Errors per parameter name (French), empty when every value is in bounds."""
        errors = {}
        known = {p.name: p for p in self.parameters}
        for name in parameters:
            if name not in known:
                errors[name] = f"Paramètre inconnu : {name}."
        for name, parameter in known.items():
            if name in parameters and (message := parameter.check(parameters[name])):
                errors[name] = message
        return errors

    def run(self, by_channel: ByChannel, parameters: Mapping[str, Any]) -> Figure:
        return self.compute(by_channel, {**self.defaults(), **parameters})

    def channels_read(self, parameters: Mapping[str, Any]) -> frozenset[str | None] | None:
        """The channels whose facts can count for this calculator with ``parameters``
        (``None`` for the facts without a channel), or ``None`` when any may: a group
        holding none of them gives no figure, so ``rollup.compute`` skips it unread."""
        if self.voice:
            return frozenset({None})
        if any(p.name == "channels" for p in self.parameters):
            return frozenset(parameters["channels"])
        return None


REGISTRY: dict[str, Calculator] = {}
CONTACT_CHANNELS = ("guichet", "telephone", "courriel", "sms", "chat")


def register(calculator: Calculator) -> Calculator:
    REGISTRY[calculator.code] = calculator
    return calculator


def calculator_of(code: str) -> Calculator:
    return REGISTRY[code]


# --- Helpers -------------------------------------------------------------------------------


# Every measure column, once (``measures.all_columns`` builds its list at every call).
_COLUMNS = tuple(measures.all_columns())
_NOTHING: Sums = MappingProxyType(dict.fromkeys(_COLUMNS, 0))


class GroupSums(dict[str | None, Sums]):
    """The measures of one group split by channel (what ``services.results_compute``
    passes to every calculator), remembering what ``summed`` gave for each choice of
    channels: the indicators of a group ask for the same few choices again and again.

    ``complete=True`` vouches that each channel's sums hold every measure column, in
    ``_COLUMNS`` order, and no ``None`` (as ``rollup.month_sums`` makes them): one
    channel kept is then its own sums, several are added column by column."""

    __slots__ = ("complete", "totals")

    def __init__(self, *args: Any, complete: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.complete = complete
        self.totals: dict[tuple[str, ...] | None, Sums] = {}


def summed(by_channel: ByChannel, channels: Sequence[str] | None = None) -> Sums:
    """The measures of the channels kept (all of them when ``channels`` is empty).

    Read-only: for a ``GroupSums`` the same mapping answers every calculator asking for
    the same channels."""
    group = by_channel if isinstance(by_channel, GroupSums) else None
    choice = (channels if isinstance(channels, tuple) else tuple(channels)) if channels else None
    if group is not None and (known := group.totals.get(choice)) is not None:
        return known
    kept = [sums for channel, sums in by_channel.items() if not channels or channel in channels]
    if not kept:
        total = _NOTHING
    elif group is not None and group.complete:
        # Every channel's sums hold the columns in ``_COLUMNS`` order: added column by
        # column in C (0 + x is x: one channel is its own total).
        total = MappingProxyType(
            kept[0]
            if len(kept) == 1
            else dict(
                zip(_COLUMNS, map(sum, zip(*(k.values() for k in kept), strict=True)), strict=True)
            )
        )
    else:
        added: dict[str, float] = dict.fromkeys(_COLUMNS, 0)
        for sums in kept:
            get = sums.get
            added = {column: added[column] + (get(column) or 0) for column in _COLUMNS}
        total = MappingProxyType(added)
    if group is not None:
        group.totals[choice] = total
    return total


def _share(numerator: float, denominator: float) -> Figure:
    """A share with its Wilson 95 % interval: shown for a sample, used by every ranking
    to group territories whose intervals overlap."""
    if denominator <= 0:
        return Figure(None, numerator, max(denominator, 0), 0)
    numerator = min(numerator, denominator)
    interval = metrics.wilson_interval(int(numerator), int(denominator))
    return Figure(
        numerator / denominator,
        numerator,
        denominator,
        int(denominator),
        *(interval or (None, None)),
    )


def _mean(sums: Sums, name: str) -> Figure:
    """A mean with its Student t 95 % interval (from n, Σx and Σx²)."""
    n = int(sums[f"{name}_n"])
    if n == 0:
        return Figure(None, 0, 0, 0)
    total = sums[f"{name}_sum"]
    interval = metrics.t_interval_from_sums(n, total, sums[f"{name}_sumsq"])
    return Figure(total / n, total, n, n, *(interval or (None, None)))


@functools.cache
def _unit_of_choice(channels: tuple[str, ...]) -> str:
    units = {measures.WAIT_UNIT_OF_CHANNEL[c] for c in channels}
    if len(units) != 1:
        raise ValueError("channels mixing seconds and working days")
    return units.pop()


def _unit_of(channels: Sequence[str]) -> str:
    return _unit_of_choice(tuple(channels))


def _response_rate(sums: Sums) -> float | None:
    sent = sums["survey_sent"]
    return sums["survey_answered"] / sent if sent else None


CHANNELS = Parameter("channels", "Canaux", ["telephone"], choices=CONTACT_CHANNELS)


# --- Contacts -----------------------------------------------------------------------------


def _answered_rate(by_channel: ByChannel, p: Mapping[str, Any]) -> Figure:
    sums = summed(by_channel, p["channels"])
    short = int(p["short_abandon_seconds"] // measures.ABANDON.width[measures.SECONDS])
    short_abandons = sum(sums[c] for c in measures.ABANDON.columns()[:short])
    return _share(sums["answered"], sums["entered"] - short_abandons)


register(
    Calculator(
        "answered_rate",
        "Contacts décrochés ÷ contacts entrés en file (abandons très courts exclus)",
        _answered_rate,
        (
            CHANNELS,
            Parameter(
                "short_abandon_seconds",
                "Abandons exclus en deçà de (secondes)",
                5,
                minimum=0,
                maximum=30,
                step=5,
            ),
        ),
    )
)


def _wait_mean(by_channel: ByChannel, p: Mapping[str, Any]) -> Figure:
    _unit_of(p["channels"])
    return _mean(summed(by_channel, p["channels"]), "wait")


register(
    Calculator(
        "wait_mean",
        "Attente moyenne avant la première réponse d’un agent",
        _wait_mean,
        (CHANNELS,),
    )
)


def _wait_percentile(by_channel: ByChannel, p: Mapping[str, Any]) -> Figure:
    unit = _unit_of(p["channels"])
    sums = summed(by_channel, p["channels"])
    counts = [int(sums[c]) for c in measures.WAIT.columns()]
    width = measures.WAIT.width[unit]
    found = metrics.bucket_percentile(counts, p["quantile"], bucket_width=width, open_last=True)
    n = sum(counts)
    if found is None:
        return Figure(None, n=0)
    value = None if found.high == float("inf") else found.high
    return Figure(value, n=n, tolerance=width)


register(
    Calculator(
        "wait_percentile",
        "Percentile de l’attente avant la première réponse, lu sur l’histogramme",
        _wait_percentile,
        (
            CHANNELS,
            Parameter("quantile", "Percentile", 0.9, minimum=0.5, maximum=0.99, step=0.01),
        ),
    )
)


def _answered_within(by_channel: ByChannel, p: Mapping[str, Any]) -> Figure:
    unit = _unit_of(p["channels"])
    sums = summed(by_channel, p["channels"])
    # Buckets 0..D hold waits of at most D working days (one bucket per working day).
    last = int(p["working_days"] // measures.WAIT.width[unit])
    within = sum(sums[c] for c in measures.WAIT.columns()[: last + 1])
    return _share(within, sums["entered"])


register(
    Calculator(
        "answered_within",
        "Contacts ayant reçu une première réponse d’un agent dans le délai ÷ contacts reçus",
        _answered_within,
        (
            Parameter("channels", "Canaux", ["courriel"], choices=("courriel", "sms")),
            Parameter("working_days", "Délai (jours ouvrés)", 2, minimum=1, maximum=30, step=1),
        ),
    )
)


def _count_share(numerator: str, denominator: str, *, channels: bool = False):
    def compute(by_channel: ByChannel, p: Mapping[str, Any]) -> Figure:
        sums = summed(by_channel, p.get("channels") if channels else None)
        return _share(sums[numerator], sums[denominator])

    return compute


register(
    Calculator(
        "within_deadline",
        "Contacts résolus avant le délai annoncé ÷ contacts résolus ayant un délai annoncé",
        _count_share("within_deadline", "with_deadline", channels=True),
        (Parameter("channels", "Canaux", list(CONTACT_CHANNELS), choices=CONTACT_CHANNELS),),
    )
)
register(
    Calculator(
        "resolution_census",
        "Contacts résolus par une réponse, sans réouverture sous 7 jours ÷ contacts résolus",
        _count_share("answered_no_reopen", "resolved", channels=True),
        (Parameter("channels", "Canaux", list(CONTACT_CHANNELS), choices=CONTACT_CHANNELS),),
    )
)
register(
    Calculator(
        "france_services_end_to_end",
        "Démarches menées de bout en bout ÷ contacts résolus en France Services",
        _count_share("fs_end_to_end", "fs_resolved"),
    )
)


# --- Post-contact questions (a sample) -------------------------------------------------------


def _survey(kind: str):
    def compute(by_channel: ByChannel, p: Mapping[str, Any]) -> Figure:
        sums = summed(by_channel, p.get("channels"))
        if kind == "fcr":
            figure = _share(sums["fcr_yes"], sums["fcr_n"])
        elif kind == "satisfaction_share":
            figure = _share(sums["satisfaction_ge4"], sums["satisfaction_n"])
        else:
            figure = _mean(sums, kind)
        return Figure(**{**figure.__dict__, "response_rate": _response_rate(sums)})

    return compute


_SURVEY_CHANNELS = Parameter("channels", "Canaux", list(CONTACT_CHANNELS), choices=CONTACT_CHANNELS)
for _code, _label in (
    ("fcr", "Réponses « oui » à « Votre demande a-t-elle été résolue ? » ÷ réponses"),
    ("satisfaction", "Moyenne des notes de satisfaction (1 à 5)"),
    ("satisfaction_share", "Notes de satisfaction de 4 ou 5 ÷ notes"),
    ("effort", "Moyenne des notes d’effort (1 facile à 5 difficile)"),
):
    register(
        Calculator(f"survey_{_code}", _label, _survey(_code), (_SURVEY_CHANNELS,), sample=True)
    )


# --- Voice of users --------------------------------------------------------------------------

register(
    Calculator(
        "experiences_answered",
        "Expériences publiées ayant reçu une réponse publique ÷ expériences publiées",
        _count_share("experiences_answered", "experiences"),
        voice=True,
    )
)


register(
    Calculator(
        "experiences_positive",
        "Expériences publiées au ton positif ÷ expériences publiées",
        _count_share("experiences_positive", "experiences"),
        voice=True,
    )
)
register(
    Calculator(
        "experiences_negative",
        "Expériences publiées au ton négatif ÷ expériences publiées",
        _count_share("experiences_negative", "experiences"),
        voice=True,
    )
)
register(
    Calculator(
        "experiences_rejected",
        "Expériences refusées en modération ÷ décisions de modération (publication ou refus)",
        _count_share("experiences_rejected", "experiences_moderated"),
        voice=True,
    )
)


def _answer_delay(by_channel: ByChannel, quantile: float) -> Figure:
    sums = summed(by_channel)
    counts = [int(sums[c]) for c in measures.ANSWER_DELAY.columns()]
    found = metrics.bucket_percentile(counts, quantile, bucket_width=1.0, open_last=True)
    if found is None:
        return Figure(None, n=0)
    # One bucket per working day: the percentile is the bucket's own number of days.
    value = None if found.high == float("inf") else found.low
    return Figure(value, n=sum(counts), tolerance=0.0)


def _answer_delay_median(by_channel: ByChannel, p: Mapping[str, Any]) -> Figure:
    return _answer_delay(by_channel, 0.5)


register(
    Calculator(
        "answer_delay_median",
        "Médiane du délai de réponse publique (jours ouvrés)",
        _answer_delay_median,
        voice=True,
    )
)


def _answer_delay_percentile(by_channel: ByChannel, p: Mapping[str, Any]) -> Figure:
    return _answer_delay(by_channel, p["quantile"])


register(
    Calculator(
        "answer_delay_percentile",
        "Percentile du délai de réponse publique (jours ouvrés entiers, au rang le plus proche)",
        _answer_delay_percentile,
        (Parameter("quantile", "Percentile", 0.9, minimum=0.5, maximum=0.99, step=0.01),),
        voice=True,
    )
)
register(
    Calculator(
        "simplification_handled",
        "Demandes de simplification tranchées ÷ demandes reçues",
        _count_share("simplification_handled", "simplification_received"),
        voice=True,
    )
)


def _declared_only(by_channel: ByChannel, p: Mapping[str, Any]) -> Figure:
    return Figure(None, n=0)


register(
    Calculator(
        "declared",
        "Résultat déclaré par l’organisme (aucune donnée de la plateforme)",
        _declared_only,
    )
)
