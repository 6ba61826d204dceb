"""What each role's home page shows: its to-do and a few figures of its scope.

A panel per hat a person wears (moderation, answers to citizens, the counter, their
organisation, the platform), built from the scoped selectors of ``backoffice.selectors``
and ``voice.selectors``. Every count links to the page that lists those items (filtered
when that list has the filter), so a count and its list always agree. Staff see raw
counts of their scope: the n ≥ 10 rule is for the public figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from parvis.accounts import scoping
from parvis.accounts.models import Role
from parvis.accounts.scoping import Perm, has_permission
from parvis.backoffice import selectors
from parvis.core.french import number, plural_suffix, with_unit, working_days
from parvis.directory import servicelevels
from parvis.directory.models import Organisation
from parvis.simplification.models import STATUS_PUBLIC_CODES
from parvis.simplification.models import Status as RequestStatus
from parvis.simplification.selectors import (
    may_use_backoffice as may_use_simplification_backoffice,
)
from parvis.voice import selectors as voice
from parvis.voice.models import ExperienceStatus

S = ExperienceStatus
# Where an experience stands, said of several (the dashboards count them).
RECORDING_LABELS = {
    S.SUBMITTED: "Déposées, masquage automatique en cours",
    S.IN_MODERATION: "En attente de modération",
    S.PUBLISHED: "Publiées, en attente de réponse",
    S.ANSWERED: "Répondues par le service",
    S.ARCHIVED: "Archivées",
    S.REJECTED: "Non publiées (refusées à la modération)",
    S.WITHDRAWN: "Retirées par leur auteur",
}


@dataclass(frozen=True)
class Todo:
    """One line of a to-do table: items waiting, the oldest one's age and colour."""

    key: str  # stable hook for tests (``data-todo``)
    label: str
    count: int
    url: str
    oldest_days: int | None = None
    lateness: servicelevels.Lateness | None = None
    detail: str = ""
    # The oldest wait said otherwise than in working days (« 13 j 5 h » for contacts,
    # which wait in clock time).
    oldest_wait: str = ""

    @property
    def oldest(self) -> str:
        return self.oldest_wait or _days(self.oldest_days)

    @property
    def has_oldest(self) -> bool:
        return bool(self.oldest_wait) or self.oldest_days is not None

    @classmethod
    def of(cls, key: str, label: str, backlog: voice.Backlog, url: str, detail: str = "") -> Todo:
        return cls(key, label, backlog.count, url, backlog.oldest_days, backlog.lateness, detail)


@dataclass(frozen=True)
class Figure:
    """One figure of the scope: a count (linked to its list) or a measure."""

    key: str
    label: str
    value: str
    url: str = ""
    detail: str = ""


@dataclass
class Panel:
    key: str
    title: str
    todo: list[Todo] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    note: str = ""
    link_label: str = ""  # a link under the panel (e.g. to the agent desk)
    link_url: str = ""


def _url(name: str, query: dict[str, str] | None = None, **kwargs: Any) -> str:
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url


def _days(value: float | None) -> str:
    if value is None:
        return "—"
    return working_days(value)


# --- Panels -------------------------------------------------------------------------------


def moderation_panel(user: Any, now: dt.datetime) -> Panel:
    backlog = voice.moderation_backlog(now=now)
    queue = _url("voice_backoffice:moderation_queue")
    panel = Panel("moderation", "Modération")
    sensitive = backlog.sensitive
    panel.todo.append(
        Todo.of(
            "moderation.experiences",
            "Expériences à modérer",
            backlog.experiences,
            queue,
            detail=f"dont {sensitive} {plural_suffix(sensitive, 'sensible,sensibles')} "
            "(décision individuelle)"
            if sensitive
            else "",
        )
    )
    panel.todo.append(
        Todo.of("moderation.answers", "Réponses des services à relire", backlog.answers, queue)
    )
    requests = selectors.simplification_backlog(user, now=now)
    panel.todo.append(_simplification_todo(requests))
    for lateness in (
        servicelevels.Lateness.LATE,
        servicelevels.Lateness.AT_RISK,
        servicelevels.Lateness.ON_TIME,
    ):
        panel.figures.append(
            Figure(
                f"moderation.{lateness.value}",
                f"Expériences à modérer {lateness.label}",
                str(backlog.by_lateness[lateness]),
                queue,
            )
        )
    panel.figures.append(
        Figure(
            "moderation.analysis",
            "Expériences en cours de masquage automatique",
            str(backlog.awaiting_analysis),
            queue,
        )
    )
    green, orange = voice.sla_thresholds()
    panel.note = (
        f"Délai en jours ouvrés depuis le dépôt : dans les délais sous {green} jours, "
        f"bientôt en retard à partir de {green}, en retard à partir de {orange}."
    )
    return panel


def _simplification_todo(requests: selectors.SimplificationBacklog) -> Todo:
    return Todo.of(
        "simplification.to_review",
        "Demandes de simplification à relire",
        requests.to_review,
        _url(
            "simplification_backoffice:queue",
            {"statut": STATUS_PUBLIC_CODES.public(RequestStatus.SUBMITTED)},
        ),
    )


def answers_panel(user: Any, now: dt.datetime, *, answers: bool, moderates: bool) -> Panel:
    """Quality managers (who answer) and supervisors (who follow their teams)."""
    figures = voice.answer_figures(user, now=now)
    unanswered = _url("voice_backoffice:experience_list", {"statut": S.PUBLISHED})
    answered = _url("voice_backoffice:experience_list", {"statut": S.ANSWERED})
    panel = Panel("answers", "Réponses aux usagers")
    panel.todo.append(
        Todo.of(
            "answers.unanswered",
            "Expériences publiées sans réponse",
            figures.unanswered,
            unanswered,
        )
    )
    panel.todo.append(
        Todo(
            "answers.overdue",
            "Réponses en retard (échéance dépassée)",
            figures.overdue,
            _url("voice_backoffice:overdue") if answers else unanswered,
            oldest_days=figures.overdue_oldest_days,
            lateness=servicelevels.Lateness.LATE if figures.overdue else None,
        )
    )
    # A moderator has it in the moderation panel; a local quality team has no queue.
    if answers and not moderates and may_use_simplification_backoffice(user):
        requests = selectors.simplification_backlog(user, now=now)
        panel.todo.append(_simplification_todo(requests))
        panel.figures.append(
            Figure(
                "simplification.open",
                "Demandes de simplification en cours",
                str(requests.open),
                _url("simplification_backoffice:queue"),
            )
        )
    rate = figures.answer_rate
    panel.figures += [
        Figure(
            "answers.rate",
            "Taux de réponse (expériences publiées ces 12 derniers mois)",
            "—" if rate is None else with_unit(number(rate, 1, trim=True), "%"),
            answered,
            detail=f"{figures.answered_in_window} sur {figures.published_in_window}",
        ),
        Figure(
            "answers.median",
            "Délai médian de réponse, depuis la publication",
            _days(figures.median_working_days),
            answered,
            detail=f"sur {figures.median_n} {plural_suffix(figures.median_n, 'réponse,réponses')}"
            if figures.median_n
            else "aucune réponse ces 12 derniers mois",
        ),
        Figure("answers.answered", "Expériences répondues", str(figures.answered), answered),
    ]
    return panel


def counter_panel(user: Any, now: dt.datetime) -> Panel:
    """Agents: what they recorded at the counter and where it stands; their scope's
    published experiences."""
    panel = Panel("counter", "Au guichet : vos enregistrements")
    backlogs = voice.counter_backlogs(user, now=now)
    for status, label in RECORDING_LABELS.items():
        backlog = backlogs.get(status, voice.Backlog(0))
        if backlog.count or status in {S.IN_MODERATION, S.PUBLISHED, S.ANSWERED}:
            panel.todo.append(
                Todo.of(
                    f"counter.{status.value}",
                    label,
                    backlog,
                    _url("backoffice:recordings", {"statut": status.value}),
                )
            )
    figures = voice.answer_figures(user, now=now)
    panel.figures += [
        Figure(
            "scope.unanswered",
            "Expériences de votre périmètre sans réponse",
            str(figures.unanswered.count),
            _url("voice_backoffice:experience_list", {"statut": S.PUBLISHED}),
        ),
        Figure(
            "scope.answered",
            "Expériences de votre périmètre répondues",
            str(figures.answered),
            _url("voice_backoffice:experience_list", {"statut": S.ANSWERED}),
        ),
    ]
    return panel


def _link_the_desk(user: Any, panels: list[Panel]) -> None:
    """The agent desk, where conversations are taken and answered with the citizen's
    history, for whoever has it: under the contacts panel, else the counter's."""
    from parvis.desk.selectors import has_desk

    panel = next((p for p in panels if p.key == "contacts"), None)
    panel = panel or next((p for p in panels if p.key == "counter"), None)
    if panel is not None and has_desk(user):
        panel.link_label = (
            "Ouvrir le poste de travail (conversations à traiter, historique de l’usager)"
        )
        panel.link_url = _url("desk:home")


def contacts_panel(user: Any, organisation: Organisation | None, *, is_agent: bool) -> Panel | None:
    """Those who take or follow contacts (agents, supervisors and organisation admins)
    whose scope holds queues: what waits for an agent, counted with the conversations
    list's own selector (the count and its list agree). A quality manager may read the
    conversations (the menu leads there) but taking them is not their work: no panel."""
    from parvis.contacts import selectors as contacts
    from parvis.contacts.backoffice_views import duration_fr

    takes_contacts = is_agent or has_permission(user, Perm.SUPERVISE)
    if not takes_contacts or not contacts.has_contact_queues(user, organisation):
        return None
    waiting = (
        contacts.conversations_for_list(user, contacts.ConversationFilters(takeable=True))
        .order_by()
        .aggregate(
            count=Count("pk"),
            since=Min("queued_at"),
            late=Count(
                "pk",
                filter=Q(first_answer_due_at__lt=timezone.now(), first_answered_at__isnull=True),
            ),
        )
    )
    since = waiting["since"]
    late = waiting["late"]
    panel = Panel("contacts", "Contacts des usagers")
    panel.todo.append(
        Todo(
            "contacts.queued",
            "Conversations en attente d’un agent",
            waiting["count"],
            _url("contacts_backoffice:conversation_list", {"statut": "queued", "a_prendre": "1"}),
            oldest_wait=duration_fr(timezone.now() - since) if since else "",
            lateness=(
                servicelevels.Lateness.LATE
                if late
                else servicelevels.Lateness.ON_TIME
                if waiting["count"]
                else None
            ),
            detail=f"dont {late} en retard sur l’échéance de première réponse" if late else "",
        )
    )
    from parvis.desk.selectors import has_desk
    from parvis.routing.agent_selectors import escalations_for

    escalations = escalations_for(user).aggregate(count=Count("pk"), since=Min("arrived_at"))
    if escalations["count"] and has_desk(user):
        # A partner's referent: the France Services' escalations wait for them at the desk
        # (the queues are the partner's, not in the conversations list of their scope).
        panel.todo.append(
            Todo(
                "contacts.escalations",
                "Contacts remontés au niveau 2 qui vous attendent",
                escalations["count"],
                _url("desk:home"),
                oldest_wait=duration_fr(timezone.now() - escalations["since"]),
            )
        )
    panel.figures.append(
        Figure(
            "contacts.queues",
            "Files d’attente de votre périmètre",
            str(contacts.queues_for(user).filter(is_active=True).count()),
            _url("contacts_backoffice:queue_list"),
        )
    )
    return panel


def organisation_panel(user: Any, organisation: Organisation) -> Panel:
    overview = selectors.organisation_overview(user, organisation)
    panel = Panel("organisation", f"Organisme : {organisation}")
    slug = organisation.slug
    panel.figures += [
        Figure(
            "organisation.members",
            "Membres (personnes ayant un rôle)",
            str(overview.members),
            _url("backoffice:members", slug=slug),
        ),
        Figure(
            "organisation.tokens",
            "Jetons d’API actifs",
            str(overview.active_tokens),
            _url("backoffice:tokens", slug=slug),
        ),
        Figure(
            "organisation.templates",
            "Modèles de réponse actifs",
            str(overview.active_templates),
            _url("voice_backoffice:template_list"),
        ),
    ]
    return panel


def _admin(name: str, user: Any, query: dict[str, str] | None = None) -> str:
    """A changelist of the technical administration, for staff only."""
    return _url(f"admin:{name}_changelist", query) if user.is_staff else ""


def platform_panel(user: Any) -> Panel:
    overview = selectors.platform_overview(user)
    panel = Panel("platform", "Plateforme")
    panel.figures += [
        Figure(
            "platform.organisations",
            "Organismes",
            str(overview.organisations),
            _admin("directory_organisation", user),
        ),
        Figure(
            "platform.local_services",
            "Services locaux",
            str(overview.local_services),
            _admin("directory_localservice", user),
        ),
        Figure(
            "platform.sites",
            "Lieux d’accueil ouverts",
            str(overview.sites),
            _admin("directory_site", user),
        ),
        Figure(
            "platform.agents",
            "Comptes d’agents (ayant un rôle)",
            str(overview.agents),
            _admin("accounts_user", user),
        ),
        Figure(
            "platform.tokens",
            "Jetons d’API actifs",
            str(overview.active_tokens),
            _admin("accounts_apitoken", user),
        ),
        Figure(
            "platform.simplification",
            "Demandes de simplification",
            str(overview.simplification_requests),
            _url("simplification_backoffice:queue"),
        ),
    ]
    for status, label in RECORDING_LABELS.items():
        panel.figures.append(
            Figure(
                f"platform.experiences.{status.value}",
                f"Expériences {label[0].lower()}{label[1:]}",
                str(overview.experiences[status]),
                _admin("voice_experience", user, {"status__exact": status.value}),
            )
        )
    return panel


def panels_for(user: Any, organisation: Organisation | None) -> list[Panel]:
    """The panels of ``user``'s home, in the order of their work."""
    now = timezone.now()
    moderates = scoping.can_moderate(user)
    answers = voice.may_answer(user)
    panels = []
    if moderates:
        panels.append(moderation_panel(user, now))
    if answers or has_permission(user, Perm.SUPERVISE):
        panel = answers_panel(user, now, answers=answers, moderates=moderates)
        if has_permission(user, Perm.SUPERVISE):
            panel.note = (
                "Les conversations en attente sont dans « Files d’attente » ; le mur de "
                "supervision en temps réel (présence des agents, niveau de service) est "
                "dans « Supervision »."
            )
        panels.append(panel)
    is_agent = Role.AGENT in scoping.roles_of(user)
    if (contacts := contacts_panel(user, organisation, is_agent=is_agent)) is not None:
        panels.append(contacts)
    if is_agent or voice.counter_recordings(user).exists():
        panels.append(counter_panel(user, now))
    if organisation is not None and has_permission(user, Perm.MANAGE_MEMBERS, organisation):
        panels.append(organisation_panel(user, organisation))
    if scoping.is_platform_admin(user):
        panels.append(platform_panel(user))
    _link_the_desk(user, panels)
    return panels
