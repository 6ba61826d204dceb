"""Citizen record pages of the espace agents (contacts › usagers): search, record with its
timeline, identity and NIR, contact points and their SMS consent, file numbers, consents,
duplicates (merged or declared distinct) and merges, the access log and the
right-of-access export.

Reads through ``contacts.selectors`` (scoped: another organisation's record is a 404
unless a consent shares it), writes through ``contacts.services.records`` (only the
record's own organisation writes). Every display of a record notes the access
(``record_access_note``: one row per agent and 15-minute window).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.scoping import (
    Perm,
    get_visible_or_404,
    grants_for,
    has_permission,
    organisations_of,
)
from parvis.contacts import selectors
from parvis.contacts.errors import ContactError
from parvis.contacts.models import (
    CitizenConsent,
    CitizenFileNumber,
    CitizenMerge,
    CitizenRecord,
    ContactKind,
    ContactPoint,
)
from parvis.contacts.record_forms import (
    ConsentForm,
    ContactPointForm,
    FileNumberForm,
    NirForm,
    NirSearchForm,
    RecordCreateForm,
    RecordIdentityForm,
    RecordSearchForm,
    SmsConsentForm,
)
from parvis.contacts.services import records
from parvis.core.breadcrumb import breadcrumb
from parvis.core.pagination import paginate
from parvis.directory.models import Organisation

LIST_TITLE = "Fiches usagers"


def _list_crumb() -> Any:
    return breadcrumb((LIST_TITLE, reverse("contacts_backoffice:citizen_list")))


def _own_organisations(request: HttpRequest) -> Any:
    return Organisation.objects.filter(pk__in=organisations_of(grants_for(request.user)))


def _record_url(citizen: CitizenRecord) -> str:
    return reverse("contacts_backoffice:citizen_detail", args=[citizen.pk])


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def citizen_list(request: HttpRequest) -> HttpResponse:
    """The records, searched by GET (name, email, phone, file number) or, where allowed,
    by NIR through a POST form whose value is never echoed back."""
    nir_allowed = selectors.nir_search_allowed(request.user)
    nir_form = NirSearchForm(request.POST or None) if nir_allowed else None
    form = RecordSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    looks_like_nir = bool(query) and records.nir_is_valid(records.normalise_nir(query))
    if looks_like_nir:
        form = RecordSearchForm()  # never echo a NIR
        query = ""
    status = 200
    if request.method == "POST":
        if nir_form is None:
            raise PermissionDenied
        valid = nir_form.is_valid()  # a password input: the NIR is never rendered back
        queryset = selectors.citizen_records_by_nir(
            request.user, nir_form.cleaned_data["nir"] if valid else ""
        )
        query = "NIR"
        status = 200 if valid else 400
    elif looks_like_nir:
        queryset = CitizenRecord.objects.none()
    else:
        queryset = selectors.citizen_records_for(request.user, query=query)
    page = paginate(request, queryset)
    return render(
        request,
        "contacts/backoffice/citizen_list.html",
        {
            "title": LIST_TITLE,
            "form": form,
            "nir_form": nir_form,
            "nir_typed_in_search": looks_like_nir,
            "page_obj": page,
            "query": query,
            "can_create": _own_organisations(request).exists(),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def citizen_create(request: HttpRequest) -> HttpResponse:
    organisations = _own_organisations(request).order_by("sort_key")
    if not organisations.exists():
        raise PermissionDenied
    form = RecordCreateForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            organisation = data.pop("organisation")
            try:
                citizen = records.citizen_record_create(
                    principal=request.user, organisation=organisation, **data
                )
            except ContactError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "La fiche usager est créée.")
                return redirect(_record_url(citizen))
        status = 400
    return render(
        request,
        "contacts/backoffice/citizen_form.html",
        {"title": "Nouvelle fiche usager", "breadcrumb": _list_crumb(), "form": form},
        status=status,
    )


def _timeline_filters(request: HttpRequest) -> dict[str, str]:
    return {
        "canal": request.GET.get("canal", "")[:50],
        "motif": request.GET.get("motif", "")[:80],
    }


def timeline_context(
    request: HttpRequest, citizen: CitizenRecord, *, before: str | None = None
) -> dict[str, Any]:
    """The context of ``contacts/_timeline.html`` (the desk includes it beside a
    conversation): ``timeline`` (a ``selectors.TimelinePage``: ``items``, ``next_cursor``),
    ``timeline_citizen`` (the record), ``timeline_filters`` (``canal``, ``motif`` as
    given), ``timeline_more_url`` (the lazy-load endpoint's URL for the next page, "" at
    the end; ``timeline_more_page_url`` the same page without JavaScript),
    ``timeline_channels`` and ``timeline_motifs`` (the filters' choices)."""
    filters = _timeline_filters(request)
    page = selectors.citizen_timeline(
        request.user,
        citizen,
        channel=filters["canal"] or None,
        motif=filters["motif"] or None,
        before=before,
    )
    more = more_page = ""
    if page.next_cursor:
        query = urlencode({**{k: v for k, v in filters.items() if v}, "avant": page.next_cursor})
        more = reverse("contacts_backoffice:citizen_timeline", args=[citizen.pk]) + "?" + query
        more_page = _record_url(citizen) + "?" + query + "#timeline-title"
    channels, motifs = selectors.timeline_filter_choices(citizen)
    return {
        "timeline": page,
        "timeline_citizen": citizen,
        "timeline_filters": filters,
        "timeline_more_url": more,
        "timeline_more_page_url": more_page,
        "timeline_channels": channels,
        "timeline_motifs": motifs,
    }


def deferred_timeline_context(citizen: CitizenRecord) -> dict[str, Any]:
    """The context of ``contacts/_timeline.html`` whose items load after the page, from
    the lazy-load endpoint (``citizen_timeline``): the desk renders the conversation at
    once, whatever the length of the citizen's history, and the timeline follows."""
    channels, motifs = selectors.timeline_filter_choices(citizen)
    return {
        "timeline_citizen": citizen,
        "timeline_deferred_url": reverse("contacts_backoffice:citizen_timeline", args=[citizen.pk]),
        "timeline_filters": {"canal": "", "motif": ""},
        "timeline_channels": channels,
        "timeline_motifs": motifs,
    }


@never_cache
@login_required
def citizen_detail(request: HttpRequest, pk: int) -> HttpResponse:
    citizen = selectors.citizen_record_of(request.user, pk)
    records.record_access_note(agent=request.user, citizen=citizen)
    categories = selectors.shared_categories(request.user, citizen)
    own = records.works_in(request.user, citizen.organisation_id)
    settings_row = selectors.contact_settings_of(citizen.organisation_id)
    context: dict[str, Any] = {
        "title": str(citizen) if "identity" in categories else f"Fiche usager n° {citizen.pk}",
        "breadcrumb": _list_crumb(),
        "citizen": citizen,
        "categories": categories,
        "own": own,
        "nir_allowed": own and settings_row.nir_allowed,
        "nir_masked": selectors.citizen_nir_masked(request.user, citizen),
        "contact_points": selectors.citizen_contact_points(request.user, citizen),
        "file_numbers": selectors.citizen_file_numbers(request.user, citizen),
        "consents": selectors.citizen_consents(request.user, citizen),
        "merges": selectors.citizen_merges(request.user, citizen) if own else [],
        "can_audit": has_permission(request.user, Perm.VIEW_AUDIT, citizen),
        "contact_point_form": ContactPointForm(),
        # One select per phone number, each with its own id (``SmsConsentForm``'s choices).
        "sms_consent_channels": SmsConsentForm.base_fields["channel"].queryset,  # type: ignore[attr-defined]
        "file_number_form": FileNumberForm(),
        "now": timezone.now(),
    }
    context |= timeline_context(request, citizen, before=request.GET.get("avant"))
    return render(request, "contacts/backoffice/citizen_detail.html", context)


@never_cache
@login_required
@require_GET
def citizen_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The lazy-load endpoint: the next items of the timeline as an HTML fragment
    (``contacts/_timeline_items.html``: the ``<li>`` rows and the « more » link), for the
    record page and the desk. Same scoping as the record; a load in the same 15 minutes
    adds no access-log row."""
    citizen = selectors.citizen_record_of(request.user, pk)
    records.record_access_note(agent=request.user, citizen=citizen)
    context = timeline_context(request, citizen, before=request.GET.get("avant"))
    return HttpResponse(render_to_string("contacts/_timeline_items.html", context, request))


def _own_record(request: HttpRequest, pk: int) -> CitizenRecord:
    citizen = selectors.citizen_record_of(request.user, pk)
    if not records.works_in(request.user, citizen.organisation_id):
        raise PermissionDenied  # shared by consent: read only
    return citizen


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def citizen_edit(request: HttpRequest, pk: int) -> HttpResponse:
    citizen = _own_record(request, pk)
    nir_allowed = selectors.contact_settings_of(citizen.organisation_id).nir_allowed
    initial = {
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "display_name": citizen.display_name,
        "birth_date": citizen.birth_date,
        "preferred_channel": citizen.preferred_channel,
        "preferred_language": citizen.preferred_language,
        "accessibility_needs": citizen.accessibility_needs,
    }
    form = RecordIdentityForm(request.POST or None, initial=initial)
    nir_form = NirForm(request.POST or None) if nir_allowed else None
    status = 200
    if request.method == "POST":
        valid = form.is_valid() and (nir_form is None or nir_form.is_valid())
        if valid:
            try:
                records.citizen_record_update(
                    principal=request.user, citizen=citizen, **form.cleaned_data
                )
                if nir_form is not None and (
                    nir_form.cleaned_data["nir"] or request.POST.get("clear_nir")
                ):
                    records.citizen_nir_set(
                        principal=request.user, citizen=citizen, nir=nir_form.cleaned_data["nir"]
                    )
            except ContactError as error:
                target = nir_form if error.field == "nir" and nir_form else form
                target.add_error(
                    error.field if error.field in target.fields else None, error.message
                )
            else:
                messages.success(request, "La fiche usager est enregistrée.")
                return redirect(_record_url(citizen))
        status = 400
    return render(
        request,
        "contacts/backoffice/citizen_form.html",
        {
            "title": f"Modifier la fiche de {citizen}",
            "breadcrumb": breadcrumb(
                (LIST_TITLE, reverse("contacts_backoffice:citizen_list")),
                (str(citizen), _record_url(citizen)),
            ),
            "form": form,
            "nir_form": nir_form,
            "citizen": citizen,
            "nir_masked": selectors.citizen_nir_masked(request.user, citizen),
        },
        status=status,
    )


def _record_add(
    request: HttpRequest,
    pk: int,
    form_class: Any,
    add: Any,
    *,
    done: str,
    invalid: str,
    anchor: str,
) -> HttpResponse:
    """Add one item (contact point, file number) to a record of the agent's own
    organisation from its page's small form, then back to that section."""
    citizen = _own_record(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            add(principal=request.user, citizen=citizen, **form.cleaned_data)
        except ContactError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
    else:
        messages.error(request, invalid)
    return redirect(_record_url(citizen) + anchor)


@never_cache
@login_required
@require_POST
def citizen_contact_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_add(
        request,
        pk,
        ContactPointForm,
        records.citizen_contact_point_add,
        done="La coordonnée est ajoutée.",
        invalid="Indiquez le type et la valeur de la coordonnée.",
        anchor="#coordonnees",
    )


@never_cache
@login_required
@require_POST
def citizen_contact_point_remove(request: HttpRequest, pk: int, point: int) -> HttpResponse:
    citizen = _own_record(request, pk)
    found = get_visible_or_404(request.user, ContactPoint.objects.filter(citizen=citizen), pk=point)
    records.citizen_contact_point_remove(principal=request.user, point=found)
    messages.success(request, "La coordonnée est retirée de la fiche.")
    return redirect(_record_url(citizen) + "#coordonnees")


def _own_phone_point(
    request: HttpRequest, pk: int, point: int
) -> tuple[CitizenRecord, ContactPoint]:
    citizen = _own_record(request, pk)
    return citizen, get_visible_or_404(
        request.user, ContactPoint.objects.filter(citizen=citizen, kind=ContactKind.PHONE), pk=point
    )


@never_cache
@login_required
@require_POST
def citizen_sms_consent(request: HttpRequest, pk: int, point: int) -> HttpResponse:
    """Note the citizen's consent to SMS on one of their numbers (and by which channel
    they gave it)."""
    citizen, found = _own_phone_point(request, pk, point)
    form = SmsConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez par quel canal l’usager a donné son accord.")
    else:
        try:
            records.sms_consent_record(
                principal=request.user, point=found, channel=form.cleaned_data["channel"]
            )
        except ContactError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "L’accord de l’usager pour recevoir des SMS est noté.")
    return redirect(_record_url(citizen) + "#coordonnees")


@never_cache
@login_required
@require_POST
def citizen_sms_consent_withdraw(request: HttpRequest, pk: int, point: int) -> HttpResponse:
    citizen, found = _own_phone_point(request, pk, point)
    try:
        records.sms_consent_withdraw(principal=request.user, point=found)
    except ContactError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "L’accord pour les SMS est retiré : plus aucun SMS à ce numéro.")
    return redirect(_record_url(citizen) + "#coordonnees")


@never_cache
@login_required
@require_POST
def citizen_file_number_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_add(
        request,
        pk,
        FileNumberForm,
        records.citizen_file_number_add,
        done="Le numéro de dossier est ajouté.",
        invalid="Indiquez le type et le numéro.",
        anchor="#numeros",
    )


@never_cache
@login_required
@require_POST
def citizen_file_number_remove(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    citizen = _own_record(request, pk)
    found = get_visible_or_404(
        request.user, CitizenFileNumber.objects.filter(citizen=citizen), pk=number
    )
    records.citizen_file_number_remove(principal=request.user, number=found)
    messages.success(request, "Le numéro de dossier est retiré.")
    return redirect(_record_url(citizen) + "#numeros")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent_capture(request: HttpRequest, pk: int) -> HttpResponse:
    citizen = _own_record(request, pk)
    others = (
        Organisation.objects.filter(is_active=True)
        .exclude(pk=citizen.organisation_id)
        .order_by("sort_key")
    )
    form = ConsentForm(request.POST or None, organisations=others)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            now = timezone.now()
            try:
                records.consent_capture(
                    principal=request.user,
                    citizen=citizen,
                    purpose=data["purpose"],
                    organisations=data["organisations"],
                    categories=data["categories"],
                    channel=data["channel"],
                    expires_at=_months_later(now, data["months"]),
                    now=now,
                )
            except ContactError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Le consentement est enregistré : le partage commence.")
                return redirect(_record_url(citizen) + "#consentements")
        status = 400
    return render(
        request,
        "contacts/backoffice/consent_form.html",
        {
            "title": "Recueillir un consentement au partage",
            "breadcrumb": breadcrumb(
                (LIST_TITLE, reverse("contacts_backoffice:citizen_list")),
                (str(citizen), _record_url(citizen)),
            ),
            "form": form,
            "citizen": citizen,
        },
        status=status,
    )


def _months_later(now: Any, months: int) -> Any:
    """``months`` later, the last day of a shorter month if needed (at most 12 months)."""
    import calendar

    month = now.month - 1 + months
    year, month = now.year + month // 12, month % 12 + 1
    day = min(now.day, calendar.monthrange(year, month)[1])
    return now.replace(year=year, month=month, day=day)


@never_cache
@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, consent: int) -> HttpResponse:
    citizen = _own_record(request, pk)
    found = get_visible_or_404(
        request.user, CitizenConsent.objects.filter(citizen=citizen), pk=consent
    )
    records.consent_withdraw(principal=request.user, consent=found)
    messages.success(request, "Le consentement est retiré : le partage s’arrête immédiatement.")
    return redirect(_record_url(citizen) + "#consentements")


DUPLICATES_ANCHOR = "#doublons"
DISTINCT_ANCHOR = "#fiches-distinctes"


@never_cache
@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    """The probable duplicates to merge or to declare distinct, and the pairs declared
    distinct (to undo)."""
    return render(
        request,
        "contacts/backoffice/citizen_duplicates.html",
        {
            "title": "Doublons probables",
            "breadcrumb": _list_crumb(),
            "proposals": selectors.duplicate_proposals(request.user),
            "distinct_pairs": selectors.distinct_pairs_for(request.user),
        },
    )


def _duplicates_url(anchor: str) -> str:
    return reverse("contacts_backoffice:citizen_duplicates") + anchor


@never_cache
@login_required
@require_POST
def citizens_mark_distinct(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    """« Ce ne sont pas les mêmes personnes » : the proposal is dismissed."""
    first, second = _own_record(request, pk), _own_record(request, other)
    try:
        records.citizens_mark_distinct(principal=request.user, first=first, second=second)
    except ContactError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"C’est noté : les fiches n° {first.pk} et n° {second.pk} concernent deux "
            "personnes différentes ; elles ne seront plus proposées comme doublon.",
        )
    return redirect(_duplicates_url(DUPLICATES_ANCHOR))


@never_cache
@login_required
@require_POST
def citizens_unmark_distinct(request: HttpRequest, pair: int) -> HttpResponse:
    found = selectors.distinct_pair_of(request.user, pair)
    try:
        records.citizens_unmark_distinct(principal=request.user, pair=found)
    except ContactError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"La déclaration est annulée : les fiches n° {found.first_id} et "
            f"n° {found.second_id} peuvent de nouveau être proposées comme doublon.",
        )
    return redirect(_duplicates_url(DISTINCT_ANCHOR))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def citizen_merge(request: HttpRequest, pk: int, merged: int) -> HttpResponse:
    """Confirm (GET), then merge record ``merged`` into record ``pk`` (POST)."""
    survivor = _own_record(request, pk)
    duplicate = _own_record(request, merged)
    if request.method == "POST":
        try:
            records.citizens_merge(principal=request.user, survivor=survivor, merged=duplicate)
        except ContactError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Les fiches sont fusionnées. La fusion peut être annulée.")
            return redirect(_record_url(survivor))
    return render(
        request,
        "contacts/backoffice/citizen_merge.html",
        {
            "title": "Fusionner deux fiches",
            "breadcrumb": breadcrumb(
                (LIST_TITLE, reverse("contacts_backoffice:citizen_list")),
                ("Doublons probables", reverse("contacts_backoffice:citizen_duplicates")),
            ),
            "survivor": survivor,
            "merged": duplicate,
        },
    )


@never_cache
@login_required
@require_POST
def citizen_unmerge(request: HttpRequest, merge: int) -> HttpResponse:
    found = get_visible_or_404(
        request.user, CitizenMerge.objects.select_related("survivor"), pk=merge
    )
    try:
        merged = records.citizens_unmerge(principal=request.user, merge=found)
    except ContactError as error:
        messages.error(request, error.message)
        return redirect(_record_url(found.survivor))
    messages.success(request, "La fusion est annulée : les deux fiches sont de nouveau séparées.")
    return redirect(_record_url(merged))


@never_cache
@login_required
def citizen_accesses(request: HttpRequest, pk: int) -> HttpResponse:
    """Who consulted the record (organisation admins of its organisation)."""
    citizen = selectors.citizen_record_of(request.user, pk)
    if not has_permission(request.user, Perm.VIEW_AUDIT, citizen):
        raise PermissionDenied
    page = paginate(request, selectors.record_accesses(request.user, citizen))
    return render(
        request,
        "contacts/backoffice/citizen_accesses.html",
        {
            "title": f"Consultations de la fiche de {citizen}",
            "breadcrumb": breadcrumb(
                (LIST_TITLE, reverse("contacts_backoffice:citizen_list")),
                (str(citizen), _record_url(citizen)),
            ),
            "citizen": citizen,
            "page_obj": page,
        },
    )


@never_cache
@login_required
def citizen_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole record as JSON for a right-of-access request, for the organisation
    admins of the record's organisation; audited."""
    citizen = selectors.citizen_record_of(request.user, pk)
    if not has_permission(request.user, Perm.VIEW_AUDIT, citizen) or not records.works_in(
        request.user, citizen.organisation_id
    ):
        raise PermissionDenied
    data = selectors.citizen_record_export(request.user, citizen)
    records.citizen_export_note(principal=request.user, citizen=citizen, fmt="json")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="fiche-usager-{citizen.pk}.json"'
    return response
