"""Forms of voice: they parse and validate input; rules and writes live in ``services``.

Size limits mirror the services' (title 200, text 5,000 characters) so the browser stops
the citizen early and the server says why in French; a refused form is always re-rendered
with what was typed.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from parvis.core.charter import CharterReason
from parvis.core.forms import HoneypotMixin, ParvisForm, SearchForm, checked_by
from parvis.directory.models import Channel, JourneyStage, LocalService, Organisation, Site
from parvis.voice.analysis import LABEL_PLACEHOLDERS
from parvis.voice.models import TEMPLATE_LIMIT_BOUNDS, AnswerTemplate, Tone
from parvis.voice.services import TEXT_MAX, TITLE_MAX, validate_happened_on

PERSONAL_DATA_REMINDER = (
    "N’écrivez pas de données personnelles : ni nom, ni numéro de téléphone, ni adresse, "
    "ni numéro d’allocataire ou de sécurité sociale. Ce que vous écrivez sera relu et "
    "peut être publié, sans votre nom."
)


def _organisations() -> Any:
    return Organisation.objects.administrations().filter(is_active=True).order_by("sort_key", "pk")


class ServiceSearchForm(SearchForm):
    """Step 1 (GET): find the service by organisation and commune, or the place by name."""

    organisation = forms.ModelChoiceField(
        label="Organisme",
        required=False,
        to_field_name="slug",
        queryset=_organisations(),
        empty_label="Choisissez un organisme",
        help_text="Par exemple : CAF, Assurance maladie, impôts, France Travail.",
        error_messages={"invalid_choice": "Cet organisme n’existe pas dans l’annuaire."},
    )
    commune = forms.CharField(
        label="Commune",
        required=False,
        max_length=100,
        help_text="Nom de la commune ou code postal.",
    )
    q = forms.CharField(
        label="Ou le nom du lieu où vous êtes allé",
        required=False,
        max_length=100,
        help_text="Par exemple : France Services de Mérignac, accueil CAF de Bordeaux.",
    )

    def clean(self) -> dict[str, Any]:
        """The search sent with every criterion empty says what to fill in, rather than
        reloading the same page (a link's ``?lieu=`` or ``?service=`` alone is no search)."""
        cleaned = super().clean() or {}
        sent = any(name in self.data for name in self.fields)
        if sent and not self.errors and not any(cleaned.get(name) for name in self.fields):
            self.add_error(
                "organisation",
                "Choisissez un organisme, ou indiquez une commune ou le nom du lieu, "
                "pour trouver le service concerné.",
            )
        return cleaned


class ServiceChoiceForm(ParvisForm):
    """Step 1 (POST): the chosen organisation, local service or site (``kind:id``)."""

    choice = forms.CharField(
        max_length=50, error_messages={"required": "Choisissez le service concerné dans la liste."}
    )

    def clean_choice(self) -> dict[str, Any]:
        kind, _, key = self.cleaned_data["choice"].partition(":")
        try:
            if kind == "org":
                organisation = _organisations().get(slug=key)
                return {"organisation": organisation, "local_service": None, "site": None}
            if kind == "service":
                service = LocalService.objects.select_related("organisation").get(
                    pk=int(key), is_active=True, organisation__is_active=True
                )
                return {
                    "organisation": service.organisation,
                    "local_service": service,
                    "site": None,
                }
            if kind == "site":
                site = Site.objects.select_related("organisation", "local_service").get(
                    pk=int(key), is_active=True
                )
                organisation = site.organisation
                if organisation.kind != Organisation.Kind.ADMINISTRATION:
                    # France Services run by its operator: pick the partner afterwards
                    organisation = site.partners.filter(is_active=True).first()
                if organisation is None:
                    raise ValidationError("Ce lieu n’est rattaché à aucun organisme.")
                return {
                    "organisation": organisation,
                    "local_service": site.local_service,
                    "site": site,
                }
        except (
            ValueError,
            LocalService.DoesNotExist,
            Site.DoesNotExist,
            Organisation.DoesNotExist,
        ) as exc:
            raise ValidationError("Ce choix n’existe plus : relancez la recherche.") from exc
        raise ValidationError("Choisissez le service concerné dans la liste.")


# The story's and the contact's fields, worded for whoever fills them in: the citizen
# (``StoryForm``, ``ContactForm``) or an adviser recording for them at a counter
# (``AssistedForm``); limits, choices and formats are the same both ways.


def _length_messages(what: str, *, required: str, minimum: int) -> dict[str, str]:
    """Plain-language errors naming the field, in place of Django's « Assurez-vous que
    cette valeur comporte au moins 3 caractères (actuellement 1). »"""
    return {
        "required": required,
        "min_length": f"{what} est trop court : écrivez au moins {minimum} caractères.",
        "max_length": f"{what} est trop long : %(limit_value)d caractères au plus "
        "(il en compte %(show_value)d).",
    }


def _title_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TITLE_MAX,
        min_length=3,
        error_messages=_length_messages(
            "Le titre",
            required="Donnez un titre : quelques mots qui résument l’expérience.",
            minimum=3,
        ),
        help_text=f"En quelques mots ({TITLE_MAX} caractères au plus). "
        "Par exemple : « Rendez-vous obtenu rapidement ».",
    )


def _text_field(label: str, *, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TEXT_MAX,
        min_length=10,
        error_messages=_length_messages(
            "Le récit", required="Racontez ce qui s’est passé.", minimum=10
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"{help_text} ({TEXT_MAX} caractères au plus).",
    )


def _journey_stage_field(label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        required=False,
        queryset=JourneyStage.objects.order_by("position", "slug"),
        widget=forms.RadioSelect,
        empty_label=None,
    )


def _channel_field(label: str, *, unknown: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        required=False,
        queryset=Channel.objects.order_by("position", "slug"),
        empty_label=unknown,
    )


def _happened_on_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Approximative si besoin. Format : jj/mm/aaaa.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "invalid": "La date n’est pas valide : écrivez-la au format jj/mm/aaaa, "
            "par exemple 14/03/2026."
        },
    )


# The choices answer « Globalement, votre expérience était… »: they agree with it.
EXPERIENCE_TONE_CHOICES = [
    (Tone.POSITIVE.value, "Positive"),
    (Tone.NEUTRAL.value, "Neutre"),
    (Tone.NEGATIVE.value, "Négative"),
]


def _tone_field(label: str, *, required: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=EXPERIENCE_TONE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


def _email_field(label: str, *, help_text: str) -> forms.EmailField:
    return forms.EmailField(label=label, required=False, max_length=254, help_text=help_text)


def _notify_field(label: str, *, help_text: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, initial=True, help_text=help_text)


class StoryForm(ParvisForm):
    """Step 2: what happened."""

    title = _title_field("Titre de votre expérience")
    text = _text_field("Ce qui s’est passé", help_text=PERSONAL_DATA_REMINDER)
    journey_stage = _journey_stage_field("À quel moment de votre démarche ?")
    channel = _channel_field(
        "Comment étiez-vous en contact avec le service ?", unknown="Je ne sais pas"
    )
    happened_on = _happened_on_field("Date de l’expérience")
    tone = _tone_field(
        "Globalement, votre expérience était…",
        required="Dites-nous si votre expérience était positive, neutre ou négative.",
    )

    def clean_happened_on(self) -> Any:
        return checked_by(validate_happened_on, self.cleaned_data.get("happened_on"))


class ContactForm(HoneypotMixin, ParvisForm):
    """Step 3: optional email, the charter, and a honeypot robots fill in."""

    email = _email_field(
        "Votre adresse électronique",
        help_text="Pour recevoir votre lien privé et être prévenu de la réponse du service. "
        "Elle n’est jamais publiée et elle est effacée dès qu’elle ne sert plus.",
    )
    notify_on_publication = _notify_field(
        "Me prévenir par courriel quand mon expérience est publiée",
        help_text="Si vous indiquez une adresse électronique.",
    )
    accept_charter = forms.BooleanField(
        label="J’ai lu la charte de modération : mon témoignage sera relu et publié sans "
        "données personnelles.",
        error_messages={
            "required": "Acceptez la charte de modération pour envoyer votre expérience."
        },
    )

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if signed_in:
            help_text = (
                "L’adresse de votre compte, pour être prévenu de la réponse du service. "
                "Vous pouvez en indiquer une autre ou l’effacer : votre expérience reste "
                "dans « Mes expériences ». Elle n’est jamais publiée."
            )
            # The bound field (already made by the DSFR form) copied the field's text.
            self.fields["email"].help_text = self["email"].help_text = help_text


class CorrectionForm(ParvisForm):
    title = StoryForm.base_fields["title"]
    text = StoryForm.base_fields["text"]


class WithdrawForm(ParvisForm):
    confirm = forms.BooleanField(
        label="Je veux retirer mon expérience. Elle ne sera plus visible et son texte sera effacé.",
        error_messages={"required": "Cochez la case pour confirmer le retrait."},
    )


class FeedbackForm(HoneypotMixin, ParvisForm):
    helpful = forms.TypedChoiceField(
        label="Cette réponse vous a-t-elle aidé ?",
        choices=[("oui", "Oui"), ("non", "Non")],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Répondez par oui ou par non."},
    )


# --- Back office ------------------------------------------------------------------------


class PublishForm(ParvisForm):
    note = forms.CharField(
        label="Raison de la décision",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour un témoignage signalé sensible. Jamais publiée.",
    )


class RejectForm(ParvisForm):
    reason = forms.ChoiceField(
        label="Motif de la charte",
        choices=CharterReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le motif de la charte qui justifie le refus."},
    )
    note = forms.CharField(
        label="Précision (interne)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    duplicate_of = forms.UUIDField(
        label="Doublon de (identifiant)",
        required=False,
        help_text="Pour le motif « Doublon » : l’identifiant de l’expérience d’origine.",
    )


class MaskingForm(ParvisForm):
    remove = forms.TypedMultipleChoiceField(
        label="Masquages à retirer",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    add_fragment = forms.CharField(
        label="Passage à masquer",
        required=False,
        max_length=200,
        help_text="Recopiez un passage du texte original : toutes ses occurrences seront masquées.",
    )
    add_label = forms.ChoiceField(
        label="Nature de la donnée",
        required=False,
        choices=[(key, value) for key, value in LABEL_PLACEHOLDERS.items()],
        initial="OTHER",
    )
    add_field = forms.ChoiceField(
        label="Dans", choices=[("text", "le récit"), ("title", "le titre")], initial="text"
    )

    def __init__(
        self,
        *args: Any,
        spans: list[tuple[int, str]] | None = None,
        with_title: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["remove"]).choices = spans or []
        if not with_title:  # an answer has no title: the fragment is looked for in its text
            del self.fields["add_field"]


class AnswerModerationForm(ParvisForm):
    decision = forms.ChoiceField(
        label="Décision",
        widget=forms.RadioSelect,
        choices=[("approve", "Publier la réponse"), ("refuse", "Renvoyer au service")],
    )
    note = forms.CharField(
        label="Message au service",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(ParvisForm):
    text = forms.CharField(
        label="Votre réponse publique",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Remplacez chaque passage « [À COMPLÉTER : …] ». La réponse sera masquée "
        "comme les témoignages (noms, numéros…) et signée par votre service.",
    )
    template = forms.ModelChoiceField(
        queryset=AnswerTemplate.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, templates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if templates is not None:
            cast(forms.ModelChoiceField, self.fields["template"]).queryset = templates


# The form's limit fields → ``AnswerTemplate.channel_limits`` (channel, limit).
TEMPLATE_LIMIT_FIELDS = {
    "sms_max_segments": ("sms", "max_segments"),
    "sms_max_characters": ("sms", "max_characters"),
    "courriel_max_characters": ("courriel", "max_characters"),
    "chat_max_characters": ("chat", "max_characters"),
}


def _limit_bounds(key: str, unit: str) -> dict[str, Any]:
    low, high = TEMPLATE_LIMIT_BOUNDS[key]
    return {
        "min_value": low,
        "max_value": high,
        "error_messages": {
            "invalid": "Indiquez un nombre entier, ou laissez vide.",
            "min_value": f"Indiquez au moins {low} {unit}, ou laissez vide pour ne pas limiter.",
            "max_value": f"{high} {unit}s au plus.",
        },
        "widget": forms.NumberInput(attrs={"min": low, "max": high}),
    }


class TemplateForm(ParvisForm):
    """A template of an organisation, or of one of its local services. The choices are
    where the person may file one (``selectors.template_owners_for``); the service checks
    that the local service belongs to the organisation."""

    organisation = forms.ModelChoiceField(label="Organisme", queryset=Organisation.objects.none())
    local_service = forms.ModelChoiceField(
        label="Service local",
        queryset=LocalService.objects.none(),
        required=False,
        empty_label="Aucun : modèle de tout l’organisme",
        help_text="Un modèle d’un service local n’est proposé que pour les expériences "
        "de ce service ; un modèle de l’organisme l’est pour toutes.",
    )
    title = forms.CharField(label="Titre du modèle", max_length=200)
    body = forms.CharField(
        label="Texte",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Marquez ce qui doit être adapté à chaque réponse par "
        "« [À COMPLÉTER : ce qu’il faut écrire] ».",
    )
    is_active = forms.BooleanField(
        label="Proposé pour répondre",
        required=False,
        initial=True,
        help_text="Décochez pour retirer le modèle des choix sans le supprimer.",
    )
    # A radio pair rather than a checkbox: a form sent without it keeps the safe rule
    # (to personalise), where an unticked box would mean « send as it is ».
    must_personalise = forms.TypedChoiceField(
        label="Doit être personnalisé avant envoi",
        choices=[
            ("oui", "Oui : l’agent complète chaque passage « [À COMPLÉTER : …] » avant d’envoyer"),
            ("non", "Non : il peut partir tel quel depuis le poste de travail"),
        ],
        coerce=lambda value: value == "oui",
        empty_value=True,  # type: ignore[arg-type]  # returned as is (the stubs say str)
        required=False,
        initial="oui",
        widget=forms.RadioSelect,
        help_text="Une réponse publique est toujours personnalisée : seuls les modèles à "
        "personnaliser y sont proposés.",
    )
    sms_max_segments = forms.IntegerField(
        label="SMS : nombre de segments au plus (facultatif)",
        required=False,
        **_limit_bounds("max_segments", "segment"),
        help_text="Par exemple 2 : « SMS : 2 segments au plus ». Un segment compte 160 "
        "caractères, 70 seulement avec un emoji ou certains caractères accentués.",
    )
    sms_max_characters = forms.IntegerField(
        label="SMS : nombre de caractères au plus (facultatif)",
        required=False,
        **_limit_bounds("max_characters", "caractère"),
    )
    courriel_max_characters = forms.IntegerField(
        label="Courriel : nombre de caractères au plus (facultatif)",
        required=False,
        **_limit_bounds("max_characters", "caractère"),
    )
    chat_max_characters = forms.IntegerField(
        label="Chat : nombre de caractères au plus (facultatif)",
        required=False,
        **_limit_bounds("max_characters", "caractère"),
        help_text="Laissez vide pour ne pas limiter les réponses faites de ce modèle.",
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = owners.organisations
        local_service = cast(forms.ModelChoiceField, self.fields["local_service"])
        local_service.queryset = owners.local_services
        if not owners.organisation_wide:
            # A local quality team files templates for its own service only.
            local_service.required = True
            local_service.empty_label = None
            local_service.help_text = (
                "Vos modèles sont proposés pour les expériences de ce service."
            )
            local_service.error_messages["required"] = "Choisissez votre service local."

    @staticmethod
    def initial_of(template: AnswerTemplate) -> dict[str, Any]:
        """The form's values for an existing template."""
        limits = template.channel_limits or {}
        return {
            "organisation": template.organisation_id,
            "local_service": template.local_service_id,
            "title": template.title,
            "body": template.body,
            "is_active": template.is_active,
            "must_personalise": "oui" if template.must_personalise else "non",
            **{
                name: limits.get(channel, {}).get(key)
                for name, (channel, key) in TEMPLATE_LIMIT_FIELDS.items()
            },
        }

    def template_values(self) -> dict[str, Any]:
        """The cleaned data as ``services.answer_template_save`` takes it."""
        data = dict(self.cleaned_data)
        limits: dict[str, dict[str, int]] = {}
        for name, (channel, key) in TEMPLATE_LIMIT_FIELDS.items():
            value = data.pop(name, None)
            if value is not None:
                limits.setdefault(channel, {})[key] = value
        return {**data, "channel_limits": limits}


class AssistedPlaceForm(ParvisForm):
    """Counter recording, step 1 (GET): where the adviser receives the citizen and which
    organisation the citizen speaks of; step 2 then offers that organisation's local
    services. The field names are the query parameters of step 2's address."""

    accueil = forms.ModelChoiceField(
        label="Votre lieu d’accueil",
        queryset=Site.objects.none(),
        empty_label="Choisir",
        error_messages={"invalid_choice": "Choisissez l’un de vos lieux d’accueil."},
    )
    organisme = forms.ModelChoiceField(
        label="Organisme dont l’usager parle",
        queryset=_organisations(),
        empty_label="Choisir",
        help_text="Dans une France Services : l’organisme partenaire concerné "
        "(CAF, Assurance maladie, impôts…).",
        error_messages={"invalid_choice": "Cet organisme n’existe pas dans l’annuaire."},
    )

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["accueil"]).queryset = sites


class AssistedForm(ParvisForm):
    """Counter recording, step 2: an adviser records, with the citizen, the experience of
    a citizen who is not online. Every label speaks to the adviser about the citizen."""

    assisted_site = forms.ModelChoiceField(queryset=Site.objects.none(), widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(queryset=_organisations(), widget=forms.HiddenInput)
    local_service = forms.ModelChoiceField(
        label="Service local compétent",
        queryset=LocalService.objects.none(),
        required=False,
        empty_label="Je ne sais pas : le service national",
        help_text="Proposé d’après le département de votre lieu d’accueil ; changez-le si "
        "l’usager parle d’un service local d’un autre département.",
        error_messages={"invalid_choice": "Choisissez un service local de cet organisme."},
    )
    title = _title_field("Titre de l’expérience de l’usager")
    text = _text_field(
        "Ce que l’usager raconte",
        help_text="Avec ses mots, sans son nom ni ses numéros (allocataire, sécurité "
        "sociale, téléphone) ni son adresse",
    )
    journey_stage = _journey_stage_field("À quel moment de sa démarche ?")
    channel = _channel_field(
        "Comment l’usager était-il en contact avec le service ?", unknown="Il ne sait pas"
    )
    happened_on = _happened_on_field("Date de l’expérience de l’usager")
    tone = _tone_field(
        "Globalement, l’expérience de l’usager était…",
        required="Indiquez si l’expérience de l’usager était positive, neutre ou négative.",
    )
    email = _email_field(
        "L’usager a-t-il une adresse électronique ?",
        help_text="Si oui, saisissez-la : il y recevra son lien privé et la réponse du "
        "service. Sinon, laissez vide : vous lui remettrez le reçu imprimé.",
    )
    notify_on_publication = _notify_field(
        "Prévenir l’usager par courriel quand son expérience est publiée",
        help_text="Seulement s’il a donné une adresse électronique.",
    )
    consent = forms.BooleanField(
        label="L’usager a demandé que son expérience soit déposée et sait qu’elle sera "
        "publiée sans données personnelles.",
        error_messages={"required": "L’accord de l’usager est nécessaire."},
    )

    def __init__(self, *args: Any, sites: Any, local_services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assisted_site"]).queryset = sites
        cast(forms.ModelChoiceField, self.fields["local_service"]).queryset = local_services

    clean_happened_on = StoryForm.clean_happened_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if {"assisted_site", "organisation"} & set(self.errors):
            raise ValidationError(
                "Ce lieu d’accueil ou cet organisme n’est plus proposé : recommencez depuis "
                "le choix du lieu."
            )
        return cleaned
