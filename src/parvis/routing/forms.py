"""Forms of the supervisors' actions (French labels; the rules live in
``routing.services.supervision`` and ``routing.services.configuration``). The per-row
forms of the wallboard (an agent, a contact) are written by hand in the templates; these
forms validate what they post. The settings' help texts say what each setting does, in
plain French, for a supervisor who never read the engine."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from parvis.contacts.models import Queue
from parvis.core import french
from parvis.core.forms import ParvisForm
from parvis.directory.models import Organisation, Site
from parvis.routing.models import Level, OfferMode, Presence, QueuePolicy, Skill, Strategy
from parvis.routing.selectors_settings import skill_label
from parvis.routing.services.supervision import FORCEABLE, PRIORITY_REASONS


class AgentChoiceForm(ParvisForm):
    user = forms.IntegerField(label="Agent", min_value=1)


class MoveForm(ParvisForm):
    queue = forms.IntegerField(label="Vers la file", min_value=1)


class PresenceForm(ParvisForm):
    presence = forms.ChoiceField(
        label="Présence imposée",
        choices=[(value, Presence(value).label) for value in FORCEABLE],
        initial=Presence.OFFLINE,
    )


class PriorityForm(ParvisForm):
    bonus = forms.IntegerField(label="Bonus de priorité (points)", min_value=0)
    reason = forms.ChoiceField(
        label="Motif", choices=[("", "Choisir un motif"), *PRIORITY_REASONS.items()]
    )


class SkillChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return skill_label(obj)


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.short_name or obj.name


UNITS = (
    ("seconds", "secondes (téléphone, messagerie instantanée)"),
    ("working_days", "jours ouvrés (courriel, SMS)"),
)
STRATEGY_HELP = (
    "Parmi les agents qui peuvent prendre le contact : « agent libre depuis le plus "
    "longtemps » répartit la charge ; « agent le moins occupé » donne à qui a le plus de "
    "place (utile pour les écrits) ; « meilleur niveau de compétence » donne d’abord au "
    "plus expert ; « tour de rôle » donne à chacun à son tour ; « proposition à tous » "
    "présente le contact à tous les agents libres à la fois, le premier qui accepte le prend."
)


class PolicyForm(ParvisForm):
    """A queue's settings (``services.configuration.policy_update``), grouped by the
    template in fieldsets (``FIELDSETS``). The service-level target is a share in percent
    and a delay with its unit; ``changes()`` gives the policy's own fields."""

    strategy = forms.ChoiceField(
        label="Stratégie",
        choices=Strategy.choices,
        widget=forms.RadioSelect,
        help_text=STRATEGY_HELP,
    )
    offer_mode = forms.ChoiceField(
        label="Mode d’attribution",
        choices=OfferMode.choices,
        widget=forms.RadioSelect,
        help_text="Proposée : l’agent accepte ou refuse dans la durée d’une proposition, sinon "
        "le contact reprend sa place. Attribuée directement : le contact arrive dans sa liste "
        "sans qu’il ait à accepter (adapté aux courriels et aux SMS).",
    )
    offer_seconds = forms.IntegerField(
        label="Durée d’une proposition (secondes)",
        min_value=5,
        max_value=3600,
        help_text="Sans réponse de l’agent dans ce délai, le contact reprend sa place et est "
        "proposé à un autre agent. De 5 à 3 600 secondes.",
    )
    skill = SkillChoiceField(
        label="Compétence requise",
        queryset=Skill.objects.none(),
        required=False,
        empty_label="Aucune",
        help_text="Le niveau des agents dans cette compétence (1 généraliste, 2 expert, "
        "3 référent) décide des paliers qui leur ouvrent la file ; un membre qui ne l’a pas "
        "compte au niveau 1. Sans compétence requise, tous les membres sont au niveau 1.",
    )
    priority_weight = forms.FloatField(
        label="Poids de l’attente (points par seconde)",
        min_value=0.001,
        max_value=1000,
        help_text="Chaque seconde d’attente ajoute ce nombre de points à un contact ; les "
        "bonus (urgence confirmée, fragilité, priorité donnée par un superviseur) s’y "
        "ajoutent. Le contact qui a le plus de points passe en premier.",
    )
    bonus_cap = forms.IntegerField(
        label="Plafond des bonus (points)",
        min_value=0,
        max_value=86_400,
        help_text="Les bonus d’un contact sont plafonnés à ce total : un contact arrivé plus de "
        "plafond ÷ poids secondes après un autre ne passe jamais devant lui.",
    )
    service_level_percent = forms.IntegerField(
        label="Part des contacts à prendre dans le délai (%)",
        min_value=1,
        max_value=100,
        help_text="Par exemple 80 : huit contacts sur dix pris avant la fin du délai visé. Le "
        "tableau de supervision signale une file sous cette part.",
    )
    service_level_delay = forms.IntegerField(label="Délai visé", min_value=1)
    service_level_unit = forms.ChoiceField(
        label="Unité du délai visé",
        choices=UNITS,
        widget=forms.RadioSelect,
        help_text="Le délai se compte en secondes de temps ouvré pour le téléphone et la "
        "messagerie instantanée, en jours ouvrés pour les courriels et les SMS, sur le "
        "calendrier de la file.",
    )
    wrap_up_seconds = forms.IntegerField(
        label="Temps d’après-contact (secondes)",
        min_value=0,
        max_value=3600,
        help_text="Après chaque contact, l’agent dispose de ce temps (notes, motif) avant "
        "qu’un autre contact lui soit proposé. 0 : aucun.",
    )
    wrap_up_code_required = forms.BooleanField(
        label="Code d’après-contact exigé",
        required=False,
        help_text="L’agent indique le motif de la demande avant de résoudre.",
    )
    callbacks_enabled = forms.BooleanField(
        label="Proposer d’être rappelé",
        required=False,
        help_text="Au téléphone et dans la messagerie instantanée, l’usager qui attend peut "
        "demander à être rappelé plutôt que d’attendre ; il garde sa place.",
    )
    callback_attempts = forms.IntegerField(
        label="Tentatives de rappel",
        min_value=1,
        max_value=10,
        help_text="Nombre d’appels avant d’abandonner ; l’usager en est alors prévenu par SMS "
        "s’il l’a accepté.",
    )
    callback_spacing_minutes = forms.IntegerField(
        label="Minutes entre deux tentatives", min_value=1, max_value=24 * 60
    )
    overflow_queue = forms.ModelChoiceField(
        label="File de débordement",
        queryset=Queue.objects.none(),
        required=False,
        empty_label="Aucune",
        help_text="Les contacts en attente y vont quand la file est fermée, ou au-delà d’un "
        "seuil quand elle est ouverte. Chaque contact ne déborde qu’une fois et garde son "
        "temps d’attente.",
    )
    overflow_waiting = forms.IntegerField(
        label="Déborder au-delà de (contacts en attente)",
        min_value=0,
        required=False,
        help_text="Les derniers arrivés au-delà de ce nombre partent vers la file de "
        "débordement. Vide : pas de seuil.",
    )
    overflow_wait_seconds = forms.IntegerField(
        label="Déborder au-delà d’une attente de (secondes)",
        min_value=1,
        required=False,
        help_text="Les contacts qui attendent depuis plus longtemps y partent. Vide : pas de "
        "seuil.",
    )

    FIELDSETS = (
        ("assignment", "Attribution des contacts", ("strategy", "offer_mode", "offer_seconds")),
        ("priority", "Compétence et priorité", ("skill", "priority_weight", "bonus_cap")),
        (
            "service-level",
            "Niveau de service visé",
            ("service_level_percent", "service_level_delay", "service_level_unit"),
        ),
        ("wrap-up", "Après le contact", ("wrap_up_seconds", "wrap_up_code_required")),
        (
            "callbacks",
            "Rappel de l’usager",
            ("callbacks_enabled", "callback_attempts", "callback_spacing_minutes"),
        ),
        (
            "overflow",
            "Débordement",
            ("overflow_queue", "overflow_waiting", "overflow_wait_seconds"),
        ),
    )
    # The service's fields shown by another field of the form.
    FIELD_OF = {
        "service_level_share": "service_level_percent",
        "service_level_seconds": "service_level_delay",
        "service_level_working_days": "service_level_delay",
        "queue": None,
    }

    def __init__(
        self, *args: Any, queues: Any, skills: Any, policy: QueuePolicy, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["overflow_queue"].queryset = queues  # type: ignore[attr-defined]
        self.fields["skill"].queryset = skills  # type: ignore[attr-defined]
        if policy.priority_weight:
            # The rule said with today's figures: « 600 ÷ 1 = 10 min ».
            reach = policy.bonus_cap / policy.priority_weight
            help_text = (
                f"{self.fields['bonus_cap'].help_text} Aujourd’hui : "
                f"{french.number(policy.bonus_cap)} ÷ {french.number(policy.priority_weight)}"
                f" = {french.duration(reach)}."
            )
            # The DSFR base has already bound the fields: both carry the text.
            self.fields["bonus_cap"].help_text = help_text
            self["bonus_cap"].help_text = help_text

    @classmethod
    def initial_of(cls, policy: QueuePolicy) -> dict[str, Any]:
        days = policy.service_level_working_days
        return {
            "strategy": policy.strategy,
            "offer_mode": policy.offer_mode,
            "offer_seconds": policy.offer_seconds,
            "skill": policy.skill_id,
            "priority_weight": policy.priority_weight,
            "bonus_cap": policy.bonus_cap,
            "service_level_percent": round(policy.service_level_share * 100),
            "service_level_delay": days if days is not None else policy.service_level_seconds,
            "service_level_unit": "working_days" if days is not None else "seconds",
            "wrap_up_seconds": policy.wrap_up_seconds,
            "wrap_up_code_required": policy.wrap_up_code_required,
            "callbacks_enabled": policy.callbacks_enabled,
            "callback_attempts": policy.callback_attempts,
            "callback_spacing_minutes": policy.callback_spacing_minutes,
            "overflow_queue": policy.overflow_queue_id,
            "overflow_waiting": policy.overflow_waiting,
            "overflow_wait_seconds": policy.overflow_wait_seconds,
        }

    def fieldsets(self) -> list[tuple[str, str, list[Any]]]:
        return [
            (key, legend, [self[name] for name in names]) for key, legend, names in self.FIELDSETS
        ]

    def changes(self) -> dict[str, Any]:
        """The policy's fields from what was posted (``services.configuration``)."""
        data = dict(self.cleaned_data)
        percent, delay, unit = (
            data.pop("service_level_percent"),
            data.pop("service_level_delay"),
            data.pop("service_level_unit"),
        )
        share = self.policy.service_level_share
        # A share shown rounded (87.5 % as « 88 ») is kept when its field was not touched.
        data["service_level_share"] = share if round(share * 100) == percent else percent / 100
        data["service_level_seconds"] = delay if unit == "seconds" else None
        data["service_level_working_days"] = delay if unit == "working_days" else None
        return data

    def field_of(self, name: str | None) -> str | None:
        """The form's field that shows a service's refusal of ``name``."""
        if name is None or name in self.fields:
            return name
        return self.FIELD_OF.get(name)


class TierForm(ParvisForm):
    """A tier's settings, to add one or change one (each on its own prefix)."""

    name = forms.CharField(
        label="Nom du palier",
        max_length=120,
        required=False,
        help_text="Pour le reconnaître, par exemple « Référents des partenaires ».",
    )
    min_wait_seconds = forms.IntegerField(
        label="Ouvert après une attente de (secondes)",
        min_value=0,
        max_value=7 * 24 * 3600,
        help_text="0 : dès l’arrivée du contact. Plus tard, les agents de ce palier s’ajoutent "
        "à ceux des paliers déjà ouverts.",
    )
    min_level = forms.TypedChoiceField(
        label="Niveau minimal",
        choices=Level.choices,
        coerce=int,
        help_text="Niveau de l’agent dans la compétence requise par la file.",
    )
    sites = forms.ModelMultipleChoiceField(
        label="Sites",
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Seulement les agents de ces sites. Aucun coché : pas de restriction.",
    )
    organisations = OrganisationChoiceField(
        label="Organismes",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Seulement les agents de ces organismes, par exemple les référents d’un "
        "partenaire France Services. Aucun coché : pas de restriction.",
    )

    def __init__(self, *args: Any, sites: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, tier: Any) -> dict[str, Any]:
        return {
            "name": tier.name,
            "min_wait_seconds": tier.min_wait_seconds,
            "min_level": tier.min_level,
            "sites": [site.pk for site in tier.sites.all()],
            "organisations": [org.pk for org in tier.organisations.all()],
        }


class TierMoveForm(ParvisForm):
    direction = forms.ChoiceField(label="Sens", choices=[("up", "monter"), ("down", "descendre")])


REMOVE = 0


class SkillLevelForm(ParvisForm):
    """Set or remove an agent's skill (the agents and skills offered are the page's)."""

    user = forms.ModelChoiceField(
        label="Agent", queryset=get_user_model().objects.none(), empty_label="Choisir un agent"
    )
    skill = SkillChoiceField(
        label="Compétence", queryset=Skill.objects.none(), empty_label="Choisir une compétence"
    )
    level = forms.TypedChoiceField(
        label="Niveau",
        choices=[*Level.choices, (REMOVE, "retirer la compétence")],
        coerce=int,
    )

    def __init__(self, *args: Any, agents: Any, skills: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = agents  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = lambda user: (  # type: ignore[attr-defined]
            user.get_full_name() or user.email
        )
        self.fields["skill"].queryset = skills  # type: ignore[attr-defined]
