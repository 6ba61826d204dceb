"""Directory: organisations, their motifs, local services and sites (with opening hours).

The reference taxonomy (organisations, motifs, themes, journey stages, channels, the
Services Publics+ commitments) is data loaded from ``taxonomy.yaml``; administrators can
edit it. Each organisation assesses itself against each commitment
(``CommitmentAssessment``, with its ``CommitmentEvidence`` links), shown publicly.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator, URLValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parvis.core.french import article_before
from parvis.territories.models import Commune, Departement

# Services Publics+ and the SIRENE register, where known: the open data of quality results
# (``publication.opendata``, « resultats-services-publics-plus ») use them, parvis's own
# codes otherwise.
SP_CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Lettres sans accent, chiffres, points, tirets et soulignés seulement."),
)
SIREN_VALIDATOR = RegexValidator(r"^[0-9]{9}$", _("Un SIREN compte 9 chiffres."))
SIRET_VALIDATOR = RegexValidator(r"^[0-9]{14}$", _("Un SIRET compte 14 chiffres."))


def sp_code_field() -> models.CharField:
    return models.CharField(
        _("code Services Publics+"), max_length=40, blank=True, validators=[SP_CODE_VALIDATOR]
    )


def siret_field() -> models.CharField:
    return models.CharField(_("SIRET"), max_length=14, blank=True, validators=[SIRET_VALIDATOR])


class Channel(models.Model):
    slug = models.SlugField(_("identifiant court"), primary_key=True, max_length=50)
    label = models.CharField(_("libellé"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("canal")
        verbose_name_plural = _("canaux")

    def __str__(self) -> str:
        return self.label


class JourneyStage(models.Model):
    slug = models.SlugField(_("identifiant court"), primary_key=True, max_length=50)
    label = models.CharField(_("libellé"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("étape du parcours")
        verbose_name_plural = _("étapes du parcours")

    def __str__(self) -> str:
        return self.label


class Theme(models.Model):
    slug = models.SlugField(_("identifiant court"), primary_key=True, max_length=50)
    label = models.CharField(_("libellé"), max_length=200)
    sp_tag = models.SlugField(_("étiquette Services Publics+"), max_length=50)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")

    def __str__(self) -> str:
        return self.label


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def administrations(self) -> OrganisationQuerySet:
        """Administrations only: the lists the public chooses from (experiences,
        simplification requests, directory filters, open data) leave France Services
        operators out."""
        return self.filter(kind=Organisation.Kind.ADMINISTRATION)


class Article(models.TextChoices):
    NONE = "", _("aucun (France Travail)")
    LE = "le", "le"
    LA = "la", "la"
    ELIDED = "l’", "l’"
    LES = "les", "les"


class Organisation(models.Model):
    """An administration (CAF, France Travail…) or a structure that runs France Services
    sites (a commune, La Poste, an association): every site has one, which owns its
    queues, conversations and citizen records."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("Administration")
        FRANCE_SERVICES_OPERATOR = (
            "operateur-france-services",
            _("Structure porteuse France Services"),
        )

    slug = models.SlugField(_("identifiant court"), unique=True, max_length=80)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=80, blank=True)
    # The article of the short name in a sentence: « Discuter avec la CAF », « Réponse de
    # la CAF de la Gironde »; none for a proper name (« France Travail »).
    article = models.CharField(
        _("article du nom court"), max_length=3, choices=Article.choices, blank=True
    )
    sort_key = models.CharField(max_length=200, db_index=True, editable=False, default="")
    is_active = models.BooleanField(verbose_name=_("actif"), default=True)
    kind = models.CharField(
        _("nature"), max_length=30, choices=Kind.choices, default=Kind.ADMINISTRATION
    )
    sp_code = sp_code_field()
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[SIREN_VALIDATOR])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("organisme")
        verbose_name_plural = _("organismes")

    def __str__(self) -> str:
        return self.name

    @property
    def name_with_article(self) -> str:
        """The short name as a sentence says it: « la CAF », « France Travail »."""
        return article_before(self.article, self.short_name or self.name)


class Motif(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="motifs")
    slug = models.SlugField(_("identifiant court"), max_length=80)
    label = models.CharField(_("libellé"), max_length=200)
    is_active = models.BooleanField(verbose_name=_("actif"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The deadline announced to the citizen for this motif (contact hub), in working days;
    # empty: the queue's own commitment applies.
    commitment_working_days = models.PositiveSmallIntegerField(
        _("délai annoncé (jours ouvrés)"), null=True, blank=True
    )

    class Meta:
        ordering = ["organisation__slug", "position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unique_motif_per_org")
        ]
        verbose_name = _("motif")
        verbose_name_plural = _("motifs")

    def __str__(self) -> str:
        return self.label


class LocalService(models.Model):
    """A local service of an organisation, e.g. « CAF de la Gironde »."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="local_services"
    )
    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField(_("nom"), max_length=200)
    sort_key = models.CharField(max_length=200, db_index=True, editable=False, default="")
    # The territory it covers; its first département gives its time zone.
    departements = models.ManyToManyField(Departement, related_name="local_services", blank=True)
    main_departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("département principal"),
    )
    email = models.EmailField(_("courriel de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_active = models.BooleanField(verbose_name=_("actif"), default=True)
    sp_code = sp_code_field()
    siret = siret_field()

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("service local")
        verbose_name_plural = _("services locaux")

    def __str__(self) -> str:
        return self.name

    @property
    def timezone(self) -> str:
        return self.main_departement.timezone if self.main_departement else "Europe/Paris"

    @property
    def name_with_article(self) -> str:
        """« la CAF de la Gironde »: a name that starts with its organisation's short name
        takes the organisation's article; any other name is said as it is."""
        organisation = self.organisation
        short = organisation.short_name
        if organisation.article and short and (self.name + " ").startswith(short + " "):
            return article_before(organisation.article, self.name)
        return self.name


class Site(models.Model):
    """A place or team that receives citizens: counter, contact centre, France Services."""

    class Kind(models.TextChoices):
        COUNTER = "guichet", _("Accueil physique")
        CONTACT_CENTRE = "centre-contact", _("Centre de contact")
        FRANCE_SERVICES = "france-services", _("France Services")

    class Coverage(models.TextChoices):
        """Whom a site serves: the public of its own commune, or remote callers."""

        LOCAL = "local", _("Locale (le public du lieu)")
        NATIONAL = "national", _("Nationale (toute la France)")
        DEPARTEMENTS = "departements", _("Départements listés")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(unique=True, max_length=140)
    name = models.CharField(_("nom"), max_length=200)
    sort_key = models.CharField(max_length=200, db_index=True, editable=False, default="")
    # The organisation that runs the site (a CAF counter belongs to the CAF; a France
    # Services site to its operator: a commune, La Poste, an association, as an
    # organisation of kind ``operateur-france-services``). Partners never see its back
    # office.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisme"), on_delete=models.PROTECT, related_name="sites"
    )
    local_service = models.ForeignKey(
        LocalService, on_delete=models.PROTECT, related_name="sites", null=True, blank=True
    )
    partners = models.ManyToManyField(
        Organisation, related_name="partner_sites", blank=True, verbose_name=_("partenaires")
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="sites")
    channels = models.ManyToManyField(Channel, related_name="sites", blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    # Where the « chat », « en ligne » (and « courriel / formulaire ») channels lead.
    website = models.URLField(_("site internet ou formulaire en ligne"), max_length=300, blank=True)
    # A contact centre keeps a commune (its time zone and holidays) but serves callers
    # from a wider area: search by commune or département uses the coverage, not the
    # commune, for such a site.
    coverage = models.CharField(
        _("territoire servi"),
        max_length=20,
        choices=Coverage.choices,
        default=Coverage.LOCAL,
        help_text=_(
            "Locale : le public qui se rend sur place. Un centre de contact peut servir "
            "toute la France ou une liste de départements."
        ),
    )
    covered_departements = models.ManyToManyField(
        Departement,
        related_name="covering_sites",
        blank=True,
        verbose_name=_("départements servis"),
        help_text=_("Seulement pour la couverture « Départements listés »."),
    )
    is_active = models.BooleanField(verbose_name=_("actif"), default=True)
    sp_code = sp_code_field()
    siret = siret_field()

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("lieu d’accueil")
        verbose_name_plural = _("lieux d’accueil")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        service = self.local_service if self.local_service_id else None
        if service is not None and self.organisation_id is None:
            self.organisation_id = service.organisation_id
        if (
            service is not None
            and self.organisation_id
            and service.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"local_service": _("Le service local doit appartenir à l’organisme du site.")}
            )
        if self.coverage != self.Coverage.LOCAL and self.kind != self.Kind.CONTACT_CENTRE:
            raise ValidationError(
                {
                    "coverage": _(
                        "Seul un centre de contact sert toute la France ou une liste de "
                        "départements : un accueil physique ou France Services sert le "
                        "public qui se rend sur place."
                    )
                }
            )

    @property
    def operator_name(self) -> str:
        """The structure that runs a France Services site (its organisation), else ``""``."""
        if self.kind == self.Kind.FRANCE_SERVICES and self.organisation_id:
            return self.organisation.name
        return ""

    @property
    def serves_remotely(self) -> bool:
        """True for a contact centre serving all France or listed départements."""
        return self.coverage != self.Coverage.LOCAL

    @property
    def timezone(self) -> str:
        return self.commune.departement.timezone

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class OpeningHours(models.Model):
    """One opening interval of a weekly schedule, in the site's own time zone."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(
        _("jour"),
        choices=[
            (0, _("lundi")),
            (1, _("mardi")),
            (2, _("mercredi")),
            (3, _("jeudi")),
            (4, _("vendredi")),
            (5, _("samedi")),
            (6, _("dimanche")),
        ],
    )
    opens = models.TimeField(_("ouverture"))
    closes = models.TimeField(_("fermeture"))

    class Meta:
        verbose_name = _("horaire d’ouverture")
        verbose_name_plural = _("horaires d’ouverture")
        ordering = ["site", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="opening_hours_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OpeningException(models.Model):
    """A dated exception: closed (holiday, closure) or special hours on that date."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_exceptions")
    date = models.DateField(_("date"))
    is_closed = models.BooleanField(_("fermé"), default=True)
    opens = models.TimeField(_("ouverture"), null=True, blank=True)
    closes = models.TimeField(_("fermeture"), null=True, blank=True)
    label = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("fermeture ou horaire exceptionnel")
        verbose_name_plural = _("fermetures et horaires exceptionnels")
        ordering = ["site", "date"]
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="unique_exception_per_day"),
        ]

    def __str__(self) -> str:
        if self.is_closed:
            return f"{self.date:%d/%m/%Y} fermé"
        return f"{self.date:%d/%m/%Y} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if not self.is_closed and not (self.opens and self.closes and self.opens < self.closes):
            raise ValidationError(_("Indiquez des horaires d’ouverture valides pour cette date."))


# --- Services Publics+ commitments -------------------------------------------------------

COMMITMENT_NUMBERS = range(9)  # a preamble (0) and eight numbered commitments
ASSESSMENT_TEXT_MAX = 2000
EVIDENCE_MAX = 10
EVIDENCE_LABEL_MAX = 200
EVIDENCE_URL_MAX = 500


class Commitment(models.Model):
    """One of the Services Publics+ commitments, numbered as in ``taxonomy.yaml``: 0 is
    the preamble (courtesy and the right to make mistakes), 1 to 8 the numbered ones.
    Quality indicators and self-assessments attach to them by number."""

    number = models.PositiveSmallIntegerField(
        _("numéro"), primary_key=True, validators=[MaxValueValidator(max(COMMITMENT_NUMBERS))]
    )
    text = models.TextField(_("texte"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("engagement Services Publics+")
        verbose_name_plural = _("engagements Services Publics+")

    def __str__(self) -> str:
        return self.heading

    @property
    def heading(self) -> str:
        """« Préambule » for 0, « Engagement n° 3 » for the numbered ones."""
        if self.number == 0:
            return gettext("Préambule")
        return gettext("Engagement n° %(number)s") % {"number": self.number}


class CommitmentAssessment(models.Model):
    """An organisation's self-assessment against one commitment: how far it is, what it
    does (a public text) and links that show it (``evidence``). Public by nature: the
    directory's public page of the organisation lists them."""

    class Level(models.TextChoices):
        NOT_COMMITTED = "non-engage", _("Non engagé")
        IN_PROGRESS = "en-cours", _("En cours")
        ACHIEVED = "atteint", _("Atteint")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisme"),
        on_delete=models.CASCADE,
        related_name="commitment_assessments",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("engagement"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices)
    # The length is the services' rule (a ``TextField`` does not enforce it).
    text = models.TextField(_("ce que fait l’organisme"), blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mis à jour par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["organisation", "commitment"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "commitment"], name="unique_assessment_per_commitment"
            )
        ]
        verbose_name = _("autoévaluation d’un engagement")
        verbose_name_plural = _("autoévaluations des engagements")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.commitment}"


class CommitmentEvidence(models.Model):
    """A public link that backs a self-assessment (a published result, a charter, a
    report): http or https only, at most ``EVIDENCE_MAX`` per assessment."""

    assessment = models.ForeignKey(
        CommitmentAssessment,
        verbose_name=_("autoévaluation"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    label = models.CharField(_("intitulé"), max_length=EVIDENCE_LABEL_MAX)
    url = models.CharField(
        _("adresse"),
        max_length=EVIDENCE_URL_MAX,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["assessment", "position", "pk"]
        verbose_name = _("lien justificatif")
        verbose_name_plural = _("liens justificatifs")

    def __str__(self) -> str:
        return self.label
