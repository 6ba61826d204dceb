"""Espace agents › expériences: moderation (platform moderators), the experiences about
one's scope (read by every role of the service or site, answered by its quality
managers), answer templates, assisted recording at a counter.

Order on every page: login, then the object through the scoped selector (outside the
scope → 404), then the role (→ 403), then the method. Moderation pages are for platform
moderators only (→ 403 for everyone else). Writes go through ``services``; a refusal is
shown in French with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parvis.accounts.models import User
from parvis.accounts.scoping import Perm, has_permission
from parvis.core.breadcrumb import breadcrumb
from parvis.core.crypto import decrypt_text, encrypt_text
from parvis.core.http import absolute_url
from parvis.directory.models import LocalService, Site
from parvis.directory.selectors import competent_local_service, sites_visible_to
from parvis.voice import selectors, services
from parvis.voice.analysis import LABEL_PLACEHOLDERS
from parvis.voice.forms import (
    AnswerForm,
    AnswerModerationForm,
    AssistedForm,
    AssistedPlaceForm,
    MaskingForm,
    PublishForm,
    RejectForm,
    TemplateForm,
)
from parvis.voice.models import AnswerStatus, Experience, ExperienceStatus, PublicAnswer
from parvis.voice.receipts import qr_svg
from parvis.voice.services import Actor, VoiceError

S = ExperienceStatus
PAGE_SIZE = 50
ASSISTED_KEY = "voice:assisted-last"


def _user(request: HttpRequest) -> User:
    """The signed-in user (views are behind ``login_required``)."""
    return cast(User, request.user)


def moderator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.is_moderator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _form_error(form: Any, error: VoiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- Moderation -------------------------------------------------------------------------


@never_cache
@moderator_required
@require_http_methods(["GET", "POST"])
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        chosen = request.POST.getlist("experiences")[:PAGE_SIZE]
        batch = list(selectors.moderation_queue().filter(uuid__in=_uuids(chosen)))
        if not batch:
            messages.error(request, "Cochez au moins un témoignage à publier.")
        else:
            try:
                count = services.experiences_bulk_publish(
                    experiences=batch, moderator=_user(request)
                )
            except VoiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"{count} témoignage(s) publié(s).")
        return redirect("voice_backoffice:moderation_queue")
    page = Paginator(selectors.moderation_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(experience, *selectors.sla_colour(experience)) for experience in page.object_list]
    return render(
        request,
        "voice/backoffice/moderation_queue.html",
        {
            "title": "Modération des expériences",
            "page_obj": page,
            "rows": rows,
            "awaiting_analysis": selectors.awaiting_analysis().count(),
            "answers": selectors.answers_awaiting_moderation()[:PAGE_SIZE],
            "sla": selectors.sla_thresholds(),
        },
    )


def _uuids(values: list[str]) -> list[str]:
    import uuid

    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid


@never_cache
@moderator_required
@require_http_methods(["GET", "POST"])
def moderation_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    experience = selectors.experience_for_moderation(uuid)
    action = request.POST.get("action", "")
    publish_form = PublishForm(request.POST if action == "publish" else None)
    reject_form = RejectForm(request.POST if action == "reject" else None)
    originals = {"title": "", "text": ""}
    if experience.original_text_encrypted:
        originals = {
            "title": decrypt_text(experience.original_title_encrypted),
            "text": decrypt_text(experience.original_text_encrypted),
        }
    masking_form = MaskingForm(
        request.POST if action == "masking" else None,
        spans=_span_choices(experience.entities, originals),
    )
    status = 200
    if request.method == "POST":
        status = 400
        try:
            done = _moderate(request, experience, action, publish_form, reject_form, masking_form)
        except VoiceError as error:
            form = {"publish": publish_form, "reject": reject_form, "masking": masking_form}.get(
                action
            )
            if form is not None:
                _form_error(form, error)
            else:
                messages.error(request, error.message)
            status = 409 if error.status == 409 else 400
        else:
            if done:
                return redirect(done)
    return render(
        request,
        "voice/backoffice/moderation_detail.html",
        {
            "title": f"Modération — {experience.masked_title or 'expérience'}",
            "breadcrumb": breadcrumb(("Modération", reverse("voice_backoffice:moderation_queue"))),
            "experience": experience,
            "original": originals,
            "entities": list(enumerate(experience.entities)),
            "sla": selectors.sla_colour(experience),
            "duplicates": selectors.near_duplicates(experience),
            "history": selectors.history(experience),
            "publish_form": publish_form,
            "reject_form": reject_form,
            "masking_form": masking_form,
            "moves": services.allowed_moves(experience.status),
            "qualification": experience.qualification,
            "can_mask": bool(originals["text"]) and experience.status in services.MASKABLE_STATUSES,
        },
        status=status,
    )


def _span_choices(
    entities: list[dict[str, Any]], originals: dict[str, str]
) -> list[tuple[int, str]]:
    """Each masked span as « [NOM] ← “Dupont” (récit) » for the moderator to keep or remove
    (without the field when the text has only one, as an answer)."""
    choices = []
    for index, span in enumerate(entities):
        field = span.get("field", "text")
        fragment = originals.get(field, "")[span.get("start", 0) : span.get("end", 0)]
        placeholder = LABEL_PLACEHOLDERS.get(span.get("label", ""), LABEL_PLACEHOLDERS["OTHER"])
        label = f"{placeholder} ← « {fragment} »"
        if len(originals) > 1:
            label += " (titre)" if field == "title" else " (récit)"
        choices.append((index, label))
    return choices


def _moderate(
    request: HttpRequest,
    experience: Experience,
    action: str,
    publish_form: Any,
    reject_form: Any,
    masking_form: Any,
) -> str | None:
    """Apply one moderation action; the URL to go to next, or None to re-render."""
    user = _user(request)
    here = reverse("voice_backoffice:moderation_detail", kwargs={"uuid": experience.uuid})
    queue = reverse("voice_backoffice:moderation_queue")
    if action == "publish" and publish_form.is_valid():
        services.experience_publish(
            experience=experience, moderator=user, note=publish_form.cleaned_data["note"]
        )
        messages.success(request, "Le témoignage est publié (texte masqué).")
        return queue
    if action == "reject" and reject_form.is_valid():
        data = reject_form.cleaned_data
        duplicate = None
        if data["duplicate_of"]:
            duplicate = Experience.objects.filter(uuid=data["duplicate_of"]).first()
            if duplicate is None:
                raise VoiceError(
                    "unknown_duplicate",
                    "Aucune expérience n’a cet identifiant.",
                    field="duplicate_of",
                )
        services.experience_reject(
            experience=experience,
            moderator=user,
            reason=data["reason"],
            note=data["note"],
            duplicate_of=duplicate,
        )
        messages.success(request, "Le témoignage est refusé ; le motif est enregistré.")
        return queue
    if action == "masking" and masking_form.is_valid():
        data = masking_form.cleaned_data
        services.experience_adjust_masking(
            experience=experience,
            moderator=user,
            remove=data["remove"],
            add_fragment=data["add_fragment"],
            add_label=data["add_label"] or "OTHER",
            add_field=data["add_field"],
        )
        messages.success(request, "Le masquage est mis à jour.")
        return here
    if action == "reopen":
        services.experience_reopen(experience=experience, moderator=user)
        messages.success(request, "Le témoignage revient en modération.")
        return here
    if action == "archive":
        services.experience_archive(experience=experience, moderator=user)
        messages.success(request, "Le témoignage est archivé.")
        return here
    if action == "reanalyse" and experience.status == S.SUBMITTED:
        services.experience_request_analysis(experience=experience)
        messages.info(request, "L’analyse est relancée.")
        return here
    if action not in {"publish", "reject", "masking"}:
        raise VoiceError("unknown_action", "Action inconnue.")
    return None


@never_cache
@moderator_required
@require_http_methods(["GET", "POST"])
def answer_moderation(request: HttpRequest, pk: int) -> HttpResponse:
    """A service's answer held for moderation: original beside masked text, the masking
    to correct, then the decision. A published answer's masking can still be corrected."""
    answer = get_object_or_404(
        PublicAnswer.objects.select_related(
            "experience__organisation", "signed_by_service", "signed_by_organisation", "author"
        ),
        pk=pk,
    )
    original = (
        decrypt_text(answer.original_text_encrypted) if answer.original_text_encrypted else ""
    )
    # Bound only to a POST of its own action: a GET shows the forms empty, without errors.
    action = request.POST.get("action", "decide") if request.method == "POST" else ""
    form = AnswerModerationForm(request.POST if action == "decide" else None)
    masking_form = MaskingForm(
        request.POST if action == "masking" else None,
        spans=_span_choices(answer.entities, {"text": original}),
        with_title=False,
    )
    status = 200
    if request.method == "POST":
        status = 400
        here = reverse("voice_backoffice:answer_moderation", kwargs={"pk": answer.pk})
        try:
            if action == "masking":
                if masking_form.is_valid():
                    data = masking_form.cleaned_data
                    services.answer_adjust_masking(
                        answer=answer,
                        moderator=_user(request),
                        remove=data["remove"],
                        add_fragment=data["add_fragment"],
                        add_label=data["add_label"] or "OTHER",
                    )
                    messages.success(request, "Le masquage de la réponse est mis à jour.")
                    return redirect(here)
            elif action == "decide":
                if form.is_valid():
                    services.answer_moderate(
                        answer=answer,
                        moderator=_user(request),
                        approve=form.cleaned_data["decision"] == "approve",
                        note=form.cleaned_data["note"],
                    )
                    messages.success(request, "Décision enregistrée.")
                    return redirect("voice_backoffice:moderation_queue")
            else:
                raise VoiceError("unknown_action", "Action inconnue.")
        except VoiceError as error:
            target = {"masking": masking_form, "decide": form}.get(action)
            if target is not None:
                _form_error(target, error)
            else:
                messages.error(request, error.message)
            status = 409 if error.status == 409 else 400
    return render(
        request,
        "voice/backoffice/answer_moderation.html",
        {
            "title": "Modération d’une réponse",
            "breadcrumb": breadcrumb(("Modération", reverse("voice_backoffice:moderation_queue"))),
            "answer": answer,
            "experience": answer.experience,
            "original": original,
            "form": form,
            "masking_form": masking_form,
            "can_mask": bool(original) and answer.status in services.ANSWER_MASKABLE_STATUSES,
        },
        status=status,
    )


# --- Service: experiences of the scope and answers ---------------------------------------


@never_cache
@login_required
def experience_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("statut", "")
    if status not in {"", S.PUBLISHED, S.ANSWERED, S.ARCHIVED}:
        status = ""
    queryset = selectors.experiences_for_service(request.user, status=status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "voice/backoffice/experience_list.html",
        {
            "title": "Expériences de vos services",
            "page_obj": page,
            "rows": [(e, selectors.is_late(e, now=now)) for e in page.object_list],
            "status": status,
            "statuses": [
                (S.PUBLISHED, "Sans réponse"),
                (S.ANSWERED, "Répondues"),
                (S.ARCHIVED, "Archivées"),
            ],
            "is_moderator": services.is_moderator(request.user),
            # Links to pages this role opens with content (no empty or forbidden page).
            "answers": selectors.may_answer(request.user),
            "records": sites_visible_to(request.user).filter(is_active=True).exists(),
        },
    )


@never_cache
@login_required
def experience_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    experience = selectors.experience_for_service(request.user, uuid)
    answer = selectors.answer_of(experience)
    now = timezone.now()
    return render(
        request,
        "voice/backoffice/experience_detail.html",
        {
            "title": experience.masked_title or "Expérience",
            "breadcrumb": breadcrumb(("Expériences", reverse("voice_backoffice:experience_list"))),
            "experience": experience,
            "answer": answer,
            "waited": selectors.working_days_waited(
                experience, since=experience.published_at, now=now
            )
            if experience.published_at
            else None,
            "target": selectors.answer_targets(experience.organisation)[0],
            "late": selectors.is_late(experience, now=now),
            "can_answer": experience.status == S.PUBLISHED
            and selectors.may_answer(request.user, experience)
            and (answer is None or answer.status in {AnswerStatus.DRAFT, AnswerStatus.REJECTED}),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def answer_compose(request: HttpRequest, uuid: Any) -> HttpResponse:
    experience = selectors.experience_for_service(
        request.user, uuid, permission=selectors.ANSWER_PERMISSION
    )
    templates = selectors.answer_templates_for(
        organisation=experience.organisation_id,
        local_service=experience.local_service_id,
        public_answer=True,
    )
    answer = selectors.answer_of(experience)
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST, templates=templates)
        status = 400
        if form.is_valid():
            try:
                services.answer_draft_save(
                    experience=experience,
                    actor=_user(request),
                    text=form.cleaned_data["text"],
                    template=form.cleaned_data["template"],
                )
            except VoiceError as error:
                _form_error(form, error)
                status = 409 if error.status == 409 else 400
            else:
                return redirect("voice_backoffice:answer_preview", uuid=experience.uuid)
    else:
        template = templates.filter(pk=_int(request.GET.get("modele")) or 0).first()
        initial: dict[str, Any] = {}
        if template is not None:
            initial = {"text": template.body, "template": template.pk}
        elif (
            answer is not None
            and answer.original_text_encrypted
            and answer.status in {AnswerStatus.DRAFT, AnswerStatus.REJECTED}
        ):
            initial = {
                "text": decrypt_text(answer.original_text_encrypted),
                "template": answer.template_id,
            }
        form = AnswerForm(initial=initial, templates=templates)
    return render(
        request,
        "voice/backoffice/answer_compose.html",
        {
            "title": "Répondre publiquement",
            "breadcrumb": breadcrumb(
                ("Expériences", reverse("voice_backoffice:experience_list")),
                (
                    experience.masked_title or "Expérience",
                    reverse("voice_backoffice:experience_detail", kwargs={"uuid": experience.uuid}),
                ),
            ),
            "experience": experience,
            "answer": answer,
            "form": form,
            "templates": templates,
            "locked": answer is not None
            and answer.status in {AnswerStatus.IN_MODERATION, AnswerStatus.PUBLISHED},
        },
        status=status,
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def answer_preview(request: HttpRequest, uuid: Any) -> HttpResponse:
    experience = selectors.experience_for_service(
        request.user, uuid, permission=selectors.ANSWER_PERMISSION
    )
    answer = selectors.answer_of(experience)
    if answer is None:
        messages.info(request, "Rédigez d’abord votre réponse.")
        return redirect("voice_backoffice:answer_compose", uuid=experience.uuid)
    status = 200
    if request.method == "POST":
        try:
            answer = services.answer_confirm(answer=answer, actor=_user(request))
        except VoiceError as error:
            messages.error(request, error.message)
            status = 409
        else:
            if answer.status == AnswerStatus.PUBLISHED:
                messages.success(
                    request,
                    "Votre réponse est publiée, signée par votre service. "
                    "L’auteur en est informé s’il a laissé son adresse.",
                )
            else:
                messages.info(
                    request,
                    "Le masquage a modifié votre réponse (ou elle est "
                    "sensible) : un modérateur la relit avant publication.",
                )
            return redirect("voice_backoffice:experience_detail", uuid=experience.uuid)
    return render(
        request,
        "voice/backoffice/answer_preview.html",
        {
            "title": "Aperçu de la réponse masquée",
            "breadcrumb": breadcrumb(
                ("Expériences", reverse("voice_backoffice:experience_list")),
                (
                    experience.masked_title or "Expérience",
                    reverse("voice_backoffice:experience_detail", kwargs={"uuid": experience.uuid}),
                ),
            ),
            "experience": experience,
            "answer": answer,
            "original": decrypt_text(answer.original_text_encrypted)
            if answer.original_text_encrypted
            else "",
            "ready": answer.masked_at is not None,
        },
        status=status,
    )


@never_cache
@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Unanswered experiences past their answer due date, the longest overdue first (with
    the reminder or the escalation already sent, if any)."""
    page = Paginator(selectors.overdue_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "voice/backoffice/overdue.html",
        {
            "title": "Expériences en attente de réponse au-delà du délai",
            "breadcrumb": breadcrumb(("Expériences", reverse("voice_backoffice:experience_list"))),
            "page_obj": page,
        },
    )


# --- Answer templates --------------------------------------------------------------------


def _require_quality(request: HttpRequest) -> None:
    if not has_permission(request.user, Perm.MANAGE_QUALITY):
        raise PermissionDenied


@never_cache
@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    _require_quality(request)
    return render(
        request,
        "voice/backoffice/template_list.html",
        {
            "title": "Modèles de réponse",
            "templates": selectors.templates_visible_to(request.user),
            "can_create": selectors.template_owners_for(request.user).organisations.exists(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    owners = selectors.template_owners_for(request.user)
    if not owners.organisations.exists():
        raise PermissionDenied
    return _template_form(request, owners=owners, template=None)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_for(request.user, pk)
    return _template_form(
        request, owners=selectors.template_owners_for(request.user), template=template
    )


def _template_form(
    request: HttpRequest, *, owners: selectors.TemplateOwners, template: Any
) -> HttpResponse:
    if template is not None:
        initial: dict[str, Any] = TemplateForm.initial_of(template)
    else:  # the only place one may file a template is chosen already
        initial = {"is_active": True, "must_personalise": "oui"}
        if owners.organisations.count() == 1:
            initial["organisation"] = owners.organisations.get().pk
        if not owners.organisation_wide and owners.local_services.count() == 1:
            initial["local_service"] = owners.local_services.get().pk
    form = TemplateForm(request.POST or None, initial=initial, owners=owners)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.template_values()
            try:
                services.answer_template_save(actor=_user(request), template=template, **data)
            except VoiceError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request,
                    "Le modèle est enregistré."
                    if data["is_active"]
                    else "Le modèle est enregistré ; il n’est plus proposé pour répondre.",
                )
                return redirect("voice_backoffice:template_list")
    return render(
        request,
        "voice/backoffice/template_form.html",
        {
            "title": "Modifier le modèle" if template else "Nouveau modèle de réponse",
            "breadcrumb": breadcrumb(
                ("Modèles de réponse", reverse("voice_backoffice:template_list"))
            ),
            "form": form,
            "template": template,
        },
        status=status,
    )


# --- Assisted recording at a counter -------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def assisted_create(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET, no query): the adviser's site (their membership's, preselected) and the
    organisation the citizen speaks of. Step 2 (GET with both, then POST): the competent
    local service, preselected, and the citizen's experience. Then the receipt."""
    sites = sites_visible_to(request.user).filter(is_active=True)
    if not sites.exists():
        raise PermissionDenied
    if request.method == "POST":
        organisation_id = _int(request.POST.get("organisation"))
        form = AssistedForm(
            request.POST,
            sites=sites,
            local_services=_local_services_of(organisation_id),
        )
        if form.is_valid():
            submitted = _record_assisted(request, form)
            if submitted is not None:
                return redirect("voice_backoffice:assisted_done")
        return _assisted_page(request, form=form, place=None, status=400)
    place = AssistedPlaceForm(request.GET or None, sites=sites)
    if not place.is_bound:
        site = selectors.counter_site_of(request.user, sites)
        place.initial = {
            "accueil": site.pk if site else None,
            "organisme": site.organisation_id
            if site and site.kind != Site.Kind.FRANCE_SERVICES
            else None,
        }
    changing = "changer" in request.GET  # back from step 2: step 1, filled in
    if changing or not place.is_valid():
        status = 400 if place.is_bound and not changing else 200
        return _assisted_page(request, form=None, place=place, status=status)
    site, organisation = place.cleaned_data["accueil"], place.cleaned_data["organisme"]
    competent = competent_local_service(
        organisation=organisation, departement_code=site.commune.departement_id
    ) or (site.local_service if site.organisation_id == organisation.pk else None)
    form = AssistedForm(
        initial={
            "assisted_site": site.pk,
            "organisation": organisation.pk,
            "local_service": competent.pk if competent else None,
            "notify_on_publication": True,
        },
        sites=sites,
        local_services=_local_services_of(organisation.pk),
    )
    return _assisted_page(request, form=form, place=(site, organisation), status=200)


def _local_services_of(organisation_id: int | None) -> Any:
    if organisation_id is None:
        return LocalService.objects.none()
    return LocalService.objects.filter(
        organisation=organisation_id, is_active=True, organisation__is_active=True
    ).order_by("sort_key", "pk")


def _record_assisted(request: HttpRequest, form: AssistedForm) -> Any:
    """Submit the experience; the receipt gets its private link through the session,
    encrypted, once (``assisted_done`` takes it out). None when the service refused."""
    data = form.cleaned_data
    site: Site = data["assisted_site"]
    organisation = data["organisation"]
    runs_it = site.organisation_id == organisation.pk
    try:
        submitted = services.experience_submit(
            organisation=organisation,
            local_service=data["local_service"] or (site.local_service if runs_it else None),
            site=site,
            title=data["title"],
            text=data["text"],
            journey_stage=data["journey_stage"],
            channel=data["channel"],
            happened_on=data["happened_on"],
            tone=data["tone"],
            email=data["email"],
            notify_on_publication=data["notify_on_publication"],
            actor=_user(request),
            actor_label=Actor.AGENT,
            assisted_by=_user(request),
            assisted_site=site,
        )
    except VoiceError as error:
        _form_error(form, error)
        return None
    request.session[ASSISTED_KEY] = {
        "token": encrypt_text(submitted.private_token),
        "uuid": str(submitted.experience.uuid),
        "email": bool(data["email"]),
    }
    return submitted


def _assisted_page(request: HttpRequest, *, form: Any, place: Any, status: int) -> HttpResponse:
    chosen = None
    if form is not None and form.is_bound:
        chosen = (form.cleaned_data.get("assisted_site"), form.cleaned_data.get("organisation"))
    elif isinstance(place, tuple):
        chosen = place
    return render(
        request,
        "voice/backoffice/assisted_form.html",
        {
            "title": "Enregistrer l’expérience d’un usager",
            "form": form,
            "place_form": place if isinstance(place, AssistedPlaceForm) else None,
            "chosen": chosen,
        },
        status=status,
    )


@never_cache
@login_required
def assisted_done(request: HttpRequest) -> HttpResponse:
    """The receipt to print for the citizen: reference, QR code of the private link, what
    happens next. Shown once: the link's secret leaves the session as the page is made."""
    last = request.session.pop(ASSISTED_KEY, None) or {}
    experience = selectors.experience_recorded_by(request.user, last.get("uuid"))
    if experience is None or not last.get("token"):
        response = render(
            request,
            "voice/backoffice/assisted_done.html",
            {"title": "Aucun reçu à imprimer", "experience": None},
        )
    else:
        link = absolute_url(reverse("voice:follow", kwargs={"token": decrypt_text(last["token"])}))
        moderation_days, _ = selectors.sla_thresholds()
        response = render(
            request,
            "voice/backoffice/assisted_done.html",
            {
                "title": f"Reçu de l’expérience {experience.reference}",
                "experience": experience,
                "link": link,
                "qr_svg": qr_svg(link),
                "emailed": last.get("email", False),
                "moderation_days": moderation_days,
                "answer_days": selectors.answer_targets(experience.organisation)[0],
                "can_answer": selectors.may_answer(request.user),
            },
        )
    response["Referrer-Policy"] = "same-origin"
    return response
