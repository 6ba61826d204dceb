"""Retention of the contact hub: what the daily purge deletes, and when (issue 14, part 6).

Every purge here joins ``core.retention`` (``register``, from ``ContactsConfig.ready``)
with what it keeps and for how long, so the personal-data page lists it. Each takes the
daily purge's ``now``, so a test can travel in time.

What stays for the quality figures: the conversation row (channel, queue, site, motif,
outcome, every timestamp, handling time, deadlines) and its messages' skeleton
(direction, channel, author, time), so counts, delays and outcomes are computed after the
texts are gone; the survey answers with their snapshot (no address).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.contacts.models import (
    Attachment,
    Call,
    CitizenRecord,
    ContactPoint,
    Conversation,
    ConversationTransition,
    Message,
    Status,
    SurveyInvitation,
)
from parvis.core.retention import days, register_purge

BATCH = 1000


def _cutoff(now: dt.datetime | None, retention_days: int) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=retention_days)


def _delete_attachments(attachments: QuerySet[Attachment]) -> int:
    """Delete attachments and their files from storage, in batches; how many rows."""
    deleted = 0
    while True:
        batch = list(attachments.order_by("pk")[:BATCH])
        if not batch:
            return deleted
        for attachment in batch:
            if attachment.file:
                attachment.file.delete(save=False)
        deleted += Attachment.objects.filter(pk__in=[a.pk for a in batch]).delete()[0]


def messages_purge(*, now: dt.datetime | None = None) -> int:
    """Erase the texts of conversations ended more than ``CONTACTS_MESSAGES_RETENTION_DAYS``
    ago: each message keeps its row without content (direction, channel, author, time:
    the counts and delays of the quality figures), its files are deleted, and the
    conversation forgets its subject, thread key (a number, a message id) and the reason
    code of a vulnerability (routing's decisions go with the conversation row). An open
    conversation keeps its texts. How many messages were erased."""
    cutoff = _cutoff(now, settings.CONTACTS_MESSAGES_RETENTION_DAYS)
    ended = Conversation.objects.filter(
        status__in=(Status.RESOLVED, Status.CLOSED), resolved_at__lt=cutoff
    )
    _delete_attachments(Attachment.objects.filter(message__conversation__in=ended))
    erased = (
        Message.objects.filter(conversation__in=ended)
        .filter(
            ~Q(body_encrypted="")
            | ~Q(html_encrypted="")
            | ~Q(body_masked="")
            | ~Q(subject="")
            | ~Q(external_id="")
            | Q(contact_point__isnull=False)
        )
        .update(
            body_encrypted="",
            html_encrypted="",
            body_masked="",
            subject="",
            external_id="",
            in_reply_to="",
            references="",
            contact_point=None,
        )
    )
    ended.filter(~Q(subject="") | ~Q(thread_key="") | ~Q(vulnerability_reason="")).update(
        subject="", thread_key="", vulnerability_reason=""
    )
    return int(erased)


def attachments_purge(*, now: dt.datetime | None = None) -> int:
    """Files received more than ``CONTACTS_ATTACHMENTS_RETENTION_DAYS`` ago, deleted from
    storage with their rows."""
    cutoff = _cutoff(now, settings.CONTACTS_ATTACHMENTS_RETENTION_DAYS)
    return _delete_attachments(Attachment.objects.filter(created_at__lt=cutoff))


def voicemail_purge(*, now: dt.datetime | None = None) -> int:
    """Voicemail audio (an audio file of a phone conversation) after
    ``CONTACTS_VOICEMAIL_RETENTION_DAYS`` (CNIL: six months)."""
    cutoff = _cutoff(now, settings.CONTACTS_VOICEMAIL_RETENTION_DAYS)
    return _delete_attachments(
        Attachment.objects.filter(
            created_at__lt=cutoff,
            content_type__startswith="audio/",
            message__conversation__channel_id="telephone",
        )
    )


def calls_purge(*, now: dt.datetime | None = None) -> int:
    """Call metadata (telephony events with numbers) ``CONTACTS_CALLS_RETENTION_DAYS``
    after the call; the conversation keeps its handling time."""
    cutoff = _cutoff(now, settings.CONTACTS_CALLS_RETENTION_DAYS)
    calls = Call.objects.annotate(at=Coalesce("ended_at", "started_at")).filter(at__lt=cutoff)
    return int(calls.delete()[0])


def citizens_purge(*, now: dt.datetime | None = None) -> int:
    """Citizen records, then contact points left without one, ``CONTACTS_CITIZEN_RETENTION_DAYS``
    after the last contact (CNIL: three years): the record's own date, else its creation,
    and any conversation of it; a contact point's last conversation or message, or its
    « STOP » (kept as long, so the opt-out is honoured). Conversations stay, without them."""
    cutoff = _cutoff(now, settings.CONTACTS_CITIZEN_RETENTION_DAYS)
    records = (
        CitizenRecord.objects.annotate(last=Coalesce("last_contact_at", "created_at"))
        .filter(last__lt=cutoff)
        .exclude(conversations__created_at__gte=cutoff)
        .exclude(conversations__last_message_at__gte=cutoff)
        .exclude(conversations__resolved_at__gte=cutoff)
    )
    deleted = 0
    while ids := list(records.values_list("pk", flat=True)[:BATCH]):
        deleted += (
            CitizenRecord.objects.filter(pk__in=ids).delete()[1].get(CitizenRecord._meta.label, 0)
        )
    points = (
        ContactPoint.objects.filter(citizen__isnull=True, created_at__lt=cutoff)
        .exclude(sms_opt_out_at__gte=cutoff)
        .exclude(conversations__created_at__gte=cutoff)
        .exclude(conversations__last_message_at__gte=cutoff)
        .exclude(conversations__resolved_at__gte=cutoff)
        .exclude(messages__created_at__gte=cutoff)
    )
    while ids := list(points.values_list("pk", flat=True)[:BATCH]):
        deleted += (
            ContactPoint.objects.filter(pk__in=ids).delete()[1].get(ContactPoint._meta.label, 0)
        )
    return deleted


def transitions_purge(*, now: dt.datetime | None = None) -> int:
    """Transition log rows (who moved a conversation, internal notes) after
    ``CONTACTS_TRANSITIONS_RETENTION_DAYS``; the conversation keeps its timestamps."""
    cutoff = _cutoff(now, settings.CONTACTS_TRANSITIONS_RETENTION_DAYS)
    return int(ConversationTransition.objects.filter(created_at__lt=cutoff).delete()[0])


def survey_invitations_purge(*, now: dt.datetime | None = None) -> int:
    """``CONTACTS_SURVEY_INVITATIONS_RETENTION_DAYS`` after an invitation: unanswered, it
    is deleted; answered, it forgets who was asked (address digest, record, contact
    point) and keeps its answers and snapshot. How many rows were changed."""
    cutoff = _cutoff(now, settings.CONTACTS_SURVEY_INVITATIONS_RETENTION_DAYS)
    old = SurveyInvitation.objects.filter(created_at__lt=cutoff)
    deleted = old.filter(answered_at__isnull=True).delete()[1].get(SurveyInvitation._meta.label, 0)
    forgotten = (
        old.filter(answered_at__isnull=False)
        .filter(~Q(recipient_digest="") | Q(citizen__isnull=False) | Q(contact_point__isnull=False))
        .update(recipient_digest="", citizen=None, contact_point=None)
    )
    return int(deleted + forgotten)


def survey_answers_purge(*, now: dt.datetime | None = None) -> int:
    """Answers (and their invitation) ``CONTACTS_SURVEY_ANSWERS_RETENTION_DAYS`` after
    they were given; how many invitations."""
    cutoff = _cutoff(now, settings.CONTACTS_SURVEY_ANSWERS_RETENTION_DAYS)
    return int(
        SurveyInvitation.objects.filter(answered_at__lt=cutoff)
        .delete()[1]
        .get(SurveyInvitation._meta.label, 0)
    )


def register() -> None:
    """The contact hub's purges, in the order of the personal-data page."""
    from parvis.contacts.services.ingestion import inbound_purge
    from parvis.contacts.services.qualification import qualification_corrections_purge
    from parvis.contacts.services.records import record_accesses_purge
    from parvis.contacts.services.webhooks import webhook_events_purge

    s = settings
    register_purge(
        "contact_citizens",
        citizens_purge,
        data=_(
            "Fiche usager d’un organisme et coordonnées (adresse électronique, numéro de "
            "téléphone, chiffrés), y compris une opposition aux SMS (« STOP »)"
        ),
        purpose=_("Retrouver l’historique de l’usager et lui répondre sur le bon canal"),
        duration=lambda: days(
            s.CONTACTS_CITIZEN_RETENTION_DAYS,
            _("après le dernier contact (ou l’opposition aux SMS)"),
        ),
    )
    register_purge(
        "contact_messages",
        messages_purge,
        data=_(
            "Messages des conversations avec un service (courriel, SMS, chat, notes des "
            "agents), chiffrés, et l’objet de la conversation"
        ),
        purpose=_("Traiter la demande et en garder la trace le temps utile"),
        duration=lambda: days(
            s.CONTACTS_MESSAGES_RETENTION_DAYS,
            _(
                "après la fin de la conversation ; restent ensuite, sans texte, les dates, "
                "le canal, le motif et l’issue, pour les indicateurs de qualité"
            ),
        ),
    )
    register_purge(
        "contact_attachments",
        attachments_purge,
        data=_("Pièces jointes envoyées par les usagers (fichiers)"),
        purpose=_("Traiter la demande"),
        duration=lambda: days(
            s.CONTACTS_ATTACHMENTS_RETENTION_DAYS, _("après leur réception, fichiers effacés")
        ),
    )
    register_purge(
        "contact_voicemail_audio",
        voicemail_purge,
        data=_("Enregistrements des messages vocaux laissés au téléphone"),
        purpose=_("Rappeler l’usager qui a laissé un message"),
        duration=lambda: days(s.CONTACTS_VOICEMAIL_RETENTION_DAYS, _("après l’enregistrement")),
    )
    register_purge(
        "contact_calls",
        calls_purge,
        data=_("Données des appels téléphoniques : numéros, horaires, étapes de l’appel"),
        purpose=_("Suivre l’appel et mesurer l’accueil téléphonique"),
        duration=lambda: days(s.CONTACTS_CALLS_RETENTION_DAYS, _("après l’appel")),
    )
    register_purge(
        "contact_transitions",
        transitions_purge,
        data=_(
            "Historique des étapes d’une conversation : agent qui agit, étape, note interne, date"
        ),
        purpose=_("Savoir qui a traité la demande et à quel moment"),
        duration=lambda: days(s.CONTACTS_TRANSITIONS_RETENTION_DAYS),
    )
    register_purge(
        "contacts_inbound_rows",
        inbound_purge,
        data=_(
            "Messages reçus tels qu’ils sont arrivés (courriel, SMS, appel, chat), chiffrés, "
            "avant leur rattachement à une conversation"
        ),
        purpose=_("Ne perdre aucun message, même en cas de panne"),
        duration=lambda: (
            days(s.CONTACTS_INBOUND_RETENTION_DAYS, _("après leur traitement"))
            + " ("
            + days(
                s.CONTACTS_INBOUND_QUARANTINE_RETENTION_DAYS,
                _("pour un message mis en quarantaine"),
            )
            + ")"
        ),
    )
    register_purge(
        "contact_qualification_corrections",
        qualification_corrections_purge,
        data=_(
            "Exemples d’apprentissage issus des corrections de qualification par les agents : "
            "texte du message masqué (noms, adresses, numéros remplacés), motif proposé et "
            "motif corrigé"
        ),
        purpose=_("Améliorer l’orientation automatique des demandes reçues"),
        duration=lambda: days(s.CONTACTS_CORRECTIONS_RETENTION_DAYS),
    )
    register_purge(
        "contact_events",
        webhook_events_purge,
        data=_(
            "Journal des événements des conversations transmis aux organismes "
            "(identifiants seulement)"
        ),
        purpose=_("Permettre aux outils des organismes de rattraper les événements manqués"),
        duration=lambda: days(s.CONTACTS_EVENTS_RETENTION_DAYS),
    )
    register_purge(
        "contact_record_accesses",
        record_accesses_purge,
        data=_("Consultations des fiches usagers : agent, fiche consultée, quart d’heure"),
        purpose=_(
            "Savoir qui a consulté une fiche, pour l’usager qui le demande et pour le "
            "contrôle des accès"
        ),
        duration=lambda: days(s.CONTACTS_ACCESS_LOG_RETENTION_DAYS, _("après la consultation")),
    )
    register_purge(
        "contact_survey_invitations",
        survey_invitations_purge,
        data=_(
            "Envoi du questionnaire après un contact : empreinte non réversible de l’adresse "
            "ou du numéro, fiche usager concernée"
        ),
        purpose=_(
            "Ne poser les questions qu’une fois par mois au plus et reconnaître une réponse par SMS"
        ),
        duration=lambda: days(
            s.CONTACTS_SURVEY_INVITATIONS_RETENTION_DAYS,
            _("après l’envoi ; un questionnaire sans réponse est alors supprimé"),
        ),
    )
    register_purge(
        "contact_survey_answers",
        survey_answers_purge,
        data=_(
            "Réponses au questionnaire après un contact (satisfaction, effort, demande "
            "résolue), rattachées au service, au canal, au motif et à l’issue du contact, "
            "jamais à une adresse"
        ),
        purpose=_("Mesurer la qualité du service rendu (indicateurs de qualité)"),
        duration=lambda: days(s.CONTACTS_SURVEY_ANSWERS_RETENTION_DAYS, _("après la réponse")),
    )
