"""Back office of quality results (espace agents › qualité).

- Managers of an organisation (``Perm.MANAGE_QUALITY``: quality managers, organisation
  admins) read its indicators of a month against its targets, drill down from an
  indicator to its territories and to the conversations behind a figure, set the
  targets and import declared figures.
- Managers of a local service only (a quality manager of one caisse) read its
  indicators of a month beside their organisation's national figure and targets, and
  drill down to the conversations behind a figure.
- Platform admins edit the catalogue within the bounds its calculators declare.

Access comes from ``accounts.scoping``: an organisation outside one's scope is a 404
(``get_visible_or_404``), in scope without the role a 403 (``require_permission``); the
conversations a drill-down leads to are read by the hub's scoped list.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from parvis.accounts.scoping import (
    Perm,
    get_visible_or_404,
    grants_for,
    is_platform_admin,
    organisations_of,
    require_permission,
    visible_to,
)
from parvis.core.breadcrumb import breadcrumb
from parvis.core.french import percent, plural_suffix
from parvis.directory.models import LocalService, Organisation
from parvis.quality import calculators, declared, selectors, services
from parvis.quality.forms import DeclaredImportForm, IndicatorForm, TargetsForm, channel_labels
from parvis.quality.models import DateBasis, Indicator, Level, Unit
from parvis.quality.selectors import Shown, formatted, month_label

TITLE = "Résultats de qualité"
CATALOGUE_TITLE = "Catalogue des indicateurs"
IMPORT_TITLE = "Importer des résultats déclarés"


# --- Access --------------------------------------------------------------------------------


def _managed_organisations(request: HttpRequest) -> Any:
    """The organisations whose quality the signed-in person manages."""
    return visible_to(request.user, Organisation.objects.all(), Perm.MANAGE_QUALITY).order_by(
        "name"
    )


def _managed_services(request: HttpRequest) -> Any:
    """The active local services whose quality the signed-in person manages."""
    return (
        visible_to(request.user, LocalService.objects.filter(is_active=True), Perm.MANAGE_QUALITY)
        .select_related("organisation")
        .order_by("organisation__sort_key", "organisation__name", "name")
    )


def _declaring_organisations(request: HttpRequest) -> Any:
    """The organisations one may declare figures for: ``MANAGE_QUALITY`` over the
    organisation, one of its local services or sites (``quality.declared`` checks each
    line's place)."""
    if is_platform_admin(request.user):
        return Organisation.objects.order_by("name")
    grants = [g for g in grants_for(request.user) if Perm.MANAGE_QUALITY in g.permissions]
    return Organisation.objects.filter(pk__in=organisations_of(grants)).order_by("name")


def _managed_organisation(request: HttpRequest, slug: str) -> Organisation:
    """The organisation named in the URL: 404 outside the scope, 403 without the quality
    manager's role (organisation admins and platform admins hold it too)."""
    organisation = get_visible_or_404(request.user, Organisation.objects.all(), slug=slug)
    require_permission(request.user, Perm.MANAGE_QUALITY, organisation)
    return organisation


def _platform_admin(request: HttpRequest) -> None:
    if not is_platform_admin(request.user):
        raise PermissionDenied


def _indicator(code: str) -> Indicator:
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise Http404("Cet indicateur n’existe pas.")
    return indicator


def _month(request: HttpRequest, months: list[dt.date]) -> dt.date | None:
    """The month asked for (``?mois=AAAA-MM``) among ``months``, else the latest complete
    one: the month under way, a few days old, would open on « donnée insuffisante »
    (it stays one choice away)."""
    asked = request.GET.get("mois", "")
    if not asked:
        if len(months) > 1 and months[0] == timezone.localdate().replace(day=1):
            return months[1]
        return months[0] if months else None
    for month in months:
        if month.strftime("%Y-%m") == asked:
            return month
    raise Http404("Aucun résultat pour ce mois.")


# --- Shaping -------------------------------------------------------------------------------


def _figure(indicator: Indicator, figure: Shown | None) -> dict[str, Any]:
    """A figure as the back office prints it (French, with its unit)."""
    if figure is None:
        return {
            "value": "",
            "reason": "",
            "n": 0,
            "declared": False,
            "interval": "",
            "response_rate": "",
        }
    interval = ""
    if figure.ci_low is not None and figure.ci_high is not None:
        interval = f"{formatted(indicator, figure.ci_low)} à {formatted(indicator, figure.ci_high)}"
    return {
        "value": formatted(indicator, figure.value) if figure.value is not None else "",
        "reason": figure.reason,
        "n": figure.n,
        "declared": figure.declared,
        "interval": interval,
        "response_rate": (
            percent(figure.response_rate, 0) if figure.response_rate is not None else ""
        ),
    }


def drill_url(
    indicator: Indicator,
    organisation: Organisation,
    month: dt.date,
    level: str = "",
    key: str = "",
) -> str:
    """The hub's conversation list filtered on the contacts behind a figure (contact
    indicators only): the organisation, the place, the month of the indicator's date
    basis and, when the indicator counts one channel, that channel."""
    if not selectors.is_contact_indicator(indicator):
        return ""
    params = {"organisme": organisation.slug, "mois": month.strftime("%Y-%m")}
    if level and level != Level.ORGANISATION:
        params["lieu"] = f"{level}-{key}"
    if indicator.date_basis == DateBasis.RESOLVED:
        params["selon"] = "resolution"
    channels = indicator.parameters.get("channels") or []
    if len(channels) == 1:
        params["canal"] = channels[0]
    return f"{reverse('contacts_backoffice:conversation_list')}?{urlencode(params)}"


def _card_row(card: selectors.Card) -> dict[str, Any]:
    """What both dashboards print of an indicator's card (French, with its unit)."""
    indicator = card.indicator
    return {
        "indicator": indicator,
        "current": _figure(indicator, card.current),
        "year_before": _figure(indicator, card.year_before),
        "target": formatted(indicator, card.target) if card.target is not None else "",
        "meets_target": card.meets_target,
    }


def _dashboard_row(
    row: selectors.DashboardRow, organisation: Organisation, month: dt.date
) -> dict[str, Any]:
    card, indicator = row.card, row.card.indicator
    query = urlencode({"mois": month.strftime("%Y-%m")})
    return {
        **_card_row(card),
        "all_organisations": _figure(indicator, card.all_organisations),
        "alert": row.alert,
        "detail_url": reverse(
            "quality_backoffice:indicator_detail",
            kwargs={"slug": organisation.slug, "code": indicator.code},
        )
        + f"?{query}",
        "drill_url": drill_url(indicator, organisation, month),
    }


# --- Managers ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the one organisation (or, failing one, local service) one
    manages, else the list to choose from."""
    organisations = list(_managed_organisations(request))
    services_managed = [] if organisations else list(_managed_services(request))
    if not organisations and not services_managed:
        raise PermissionDenied
    if len(organisations) == 1:
        return _dashboard(request, organisations[0])
    if len(services_managed) == 1 and not organisations:
        return _service_dashboard(request, services_managed[0])
    return render(
        request,
        "quality/backoffice/home.html",
        {
            "title": TITLE,
            "organisations": organisations,
            "services": services_managed,
            "breadcrumb": breadcrumb(current=TITLE),
        },
    )


@login_required
@require_http_methods(["GET"])
def service_dashboard(request: HttpRequest, slug: str, service: str) -> HttpResponse:
    """A local service's indicators: 404 outside the scope, 403 without the quality
    manager's role over it."""
    found = get_visible_or_404(
        request.user,
        LocalService.objects.filter(organisation__slug=slug).select_related("organisation"),
        slug=service,
    )
    require_permission(request.user, Perm.MANAGE_QUALITY, found)
    return _service_dashboard(request, found)


def _service_dashboard(request: HttpRequest, service: LocalService) -> HttpResponse:
    months = selectors.service_months(service)
    month = _month(request, months)
    organisation = service.organisation
    rows = []
    if month is not None:
        for row in selectors.service_dashboard(service, month=month):
            indicator = row.card.indicator
            rows.append(
                {
                    **_card_row(row.card),
                    "national": _figure(indicator, row.card.national),
                    "drill_url": drill_url(
                        indicator, organisation, month, Level.SERVICE, str(service.pk)
                    ),
                }
            )
    return render(
        request,
        "quality/backoffice/service_dashboard.html",
        {
            "title": f"{TITLE} — {service.name}",
            "service": service,
            "organisation": organisation,
            "month": month,
            "month_label": month_label(month) if month else "",
            "months": [(m.strftime("%Y-%m"), month_label(m)) for m in months],
            "rows": rows,
            "missed": sum(1 for row in rows if row["meets_target"] is False),
            "breadcrumb": breadcrumb(current=TITLE),
        },
    )


@login_required
@require_http_methods(["GET"])
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    return _dashboard(request, _managed_organisation(request, slug))


def _dashboard(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    months = selectors.organisation_months(organisation.pk)
    month = _month(request, months)
    rows = (
        [
            _dashboard_row(row, organisation, month)
            for row in selectors.dashboard(organisation, month=month)
        ]
        if month is not None
        else []
    )
    return render(
        request,
        "quality/backoffice/dashboard.html",
        {
            "title": f"{TITLE} — {organisation.name}",
            "organisation": organisation,
            "month": month,
            "month_label": month_label(month) if month else "",
            "months": [(m.strftime("%Y-%m"), month_label(m)) for m in months],
            "rows": rows,
            "missed": sum(1 for row in rows if row["meets_target"] is False),
            "with_target": sum(1 for row in rows if row["target"]),
            "alerts": [
                {
                    "alert": alert,
                    "month": month_label(alert.month),
                    "value": formatted(alert.indicator, alert.value),
                    "target": formatted(alert.indicator, alert.target),
                }
                for alert in selectors.recent_alerts(organisation.pk)
            ],
            "breadcrumb": breadcrumb(current=TITLE),
        },
    )


@login_required
@require_http_methods(["GET"])
def indicator_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """One indicator of the organisation for a month, then its figure in each of the
    organisation's territories, each leading to the conversations behind it."""
    organisation = _managed_organisation(request, slug)
    indicator = _indicator(code)
    month = _month(request, selectors.organisation_months(organisation.pk))
    dashboard_url = reverse("quality_backoffice:dashboard", kwargs={"slug": organisation.slug})
    context: dict[str, Any] = {
        "title": f"{indicator.name} — {organisation.name}",
        "organisation": organisation,
        "indicator": indicator,
        "contact_indicator": selectors.is_contact_indicator(indicator),
    }
    if month is None:  # nothing computed for the organisation yet
        return render(
            request,
            "quality/backoffice/indicator_detail.html",
            {
                **context,
                "month_label": "",
                "breadcrumb": breadcrumb((TITLE, dashboard_url), current=indicator.name),
            },
        )
    card = selectors.card(
        indicator,
        level=Level.ORGANISATION,
        organisation_id=organisation.pk,
        key=organisation.slug,
        month=month,
    )
    levels = [
        (
            heading,
            [
                {
                    "label": row.label,
                    "value": row.value,
                    "n": row.result.n,
                    "numerator": row.result.numerator,
                    "denominator": row.result.denominator,
                    "published": row.published,
                    "declared": row.result.source == "declared",
                    "meets_target": row.meets_target,
                    "drill_url": drill_url(indicator, organisation, month, level, row.result.key),
                }
                for row in rows
            ],
        )
        for level, heading, rows in selectors.breakdown(
            indicator, organisation_id=organisation.pk, month=month, target=card.target
        )
    ]
    return render(
        request,
        "quality/backoffice/indicator_detail.html",
        {
            **context,
            "month_label": month_label(month),
            "current": _figure(indicator, card.current),
            "numerator": card.current.numerator,
            "denominator": card.current.denominator,
            "target": formatted(indicator, card.target) if card.target is not None else "",
            "meets_target": card.meets_target,
            "trend": [
                {"month": f.month_label, **_figure(indicator, f)} for f in reversed(card.trend)
            ],
            "levels": levels,
            "drill_url": drill_url(indicator, organisation, month),
            "breadcrumb": breadcrumb(
                (TITLE, f"{dashboard_url}?{urlencode({'mois': month.strftime('%Y-%m')})}"),
                current=indicator.name,
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    indicators = [i for i in selectors.published_indicators() if Level.ORGANISATION in i.levels]
    current = selectors.targets_of(organisation.pk)
    form = TargetsForm(request.POST or None, indicators=indicators, targets=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.targets_set(
                    principal=request.user, organisation=organisation, values=form.values()
                )
            except services.QualityError as error:
                _add_errors(form, error, form.field_of)
            else:
                messages.success(
                    request,
                    f"{len(changed)} cible{plural_suffix(changed)} modifiée"
                    f"{plural_suffix(changed)}."
                    if changed
                    else "Aucune cible n’a changé.",
                )
                return redirect("quality_backoffice:targets", slug=organisation.slug)
        status = 400
    dashboard_url = reverse("quality_backoffice:dashboard", kwargs={"slug": organisation.slug})
    return render(
        request,
        "quality/backoffice/targets.html",
        {
            "title": f"Cibles — {organisation.name}",
            "organisation": organisation,
            "form": form,
            "breadcrumb": breadcrumb((TITLE, dashboard_url), current="Cibles"),
        },
        status=status,
    )


def _add_errors(form: Any, error: services.QualityError, field_of: Any) -> None:
    """A service refusal next to the fields it concerns (or on the whole form)."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for key, texts in error.errors.items():
        field = field_of(key)
        for text in texts:
            form.add_error(field, text)


# --- Declared figures ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def declared_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of declared figures for one of the organisations one manages; a bad
    file changes nothing and its errors are listed line by line."""
    organisations = _declaring_organisations(request)
    if not organisations.exists():
        raise PermissionDenied
    form = DeclaredImportForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            report = declared.declared_import(
                principal=request.user,
                organisation=data["organisation"],
                data=data["file"].read(),
                source=data["source"],
            )
            if report.ok:
                messages.success(
                    request,
                    f"Import réussi pour {data['organisation'].name} : {report.created} "
                    f"résultat{plural_suffix(report.created)} ajouté"
                    f"{plural_suffix(report.created)}, {report.updated} mis à jour.",
                )
                return redirect("quality_backoffice:declared_import")
            status = 422
    elif len(organisations) == 1:
        form.initial["organisation"] = organisations[0].slug
    return render(
        request,
        "quality/backoffice/declared_import.html",
        {
            "title": IMPORT_TITLE,
            "form": form,
            "report": report,
            "columns": _template_columns(),
            "breadcrumb": breadcrumb(current=IMPORT_TITLE),
        },
        status=status,
    )


def _template_columns() -> list[dict[str, str]]:
    """The columns of the declared figures' Table Schema (name, title, description)."""
    return [
        {
            "name": str(field["name"]),
            "title": str(field.get("title", "")),
            "description": str(field.get("description", "")),
        }
        for field in declared.TABLE_SCHEMA["fields"]
    ]


@login_required
@require_http_methods(["GET"])
def declared_template(request: HttpRequest) -> HttpResponse:
    """The CSV template: the header row of the Table Schema, nothing else."""
    if not _declaring_organisations(request).exists():
        raise PermissionDenied
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(c["name"] for c in _template_columns())
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-resultats-declares.csv"'
    return response


# --- Catalogue (platform admins) -------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def catalogue(request: HttpRequest) -> HttpResponse:
    _platform_admin(request)
    channels = dict(channel_labels(calculators.CONTACT_CHANNELS))
    rows = [
        {
            "indicator": indicator,
            "parameters": _parameters_summary(indicator, channels),
            "unit": indicator.get_unit_display(),
            "direction": indicator.get_direction_display(),
        }
        for indicator in selectors.catalogue_for_admin()
    ]
    return render(
        request,
        "quality/backoffice/catalogue.html",
        {
            "title": CATALOGUE_TITLE,
            "rows": rows,
            "breadcrumb": breadcrumb(current=CATALOGUE_TITLE),
        },
    )


def _parameters_summary(indicator: Indicator, channels: dict[str, str]) -> str:
    """« Canaux : Téléphone ; Abandons exclus en deçà de (secondes) : 5 »."""
    calculator = calculators.calculator_of(indicator.calculator)
    values = {**calculator.defaults(), **indicator.parameters}
    parts = []
    for parameter in calculator.parameters:
        value = values.get(parameter.name)
        if isinstance(value, list):
            shown = ", ".join(channels.get(v) or str(v) for v in value)
        else:
            shown = f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)
        parts.append(f"{parameter.label} : {shown}")
    return " ; ".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, code: str) -> HttpResponse:
    _platform_admin(request)
    indicator = _indicator(code)
    status = 200
    if request.method == "POST":
        form = IndicatorForm(request.POST, indicator=indicator)
        if form.is_valid():
            try:
                changed = services.indicator_update(
                    principal=request.user, indicator=indicator, **form.changes()
                )
            except services.QualityError as error:
                _add_errors(form, error, form.field_of)
            else:
                messages.success(
                    request,
                    f"L’indicateur « {indicator.name} » est enregistré."
                    if changed
                    else "Aucune modification à enregistrer.",
                )
                return redirect("quality_backoffice:catalogue")
        status = 400
    else:
        form = IndicatorForm(initial=IndicatorForm.initial_of(indicator), indicator=indicator)
    parameter_fields = [form[name] for name in form.fields if name.startswith("param_")]
    return render(
        request,
        "quality/backoffice/indicator_edit.html",
        {
            "title": f"{indicator.name} — catalogue",
            "indicator": indicator,
            "form": form,
            "parameter_fields": parameter_fields,
            "calculator_label": calculators.calculator_of(indicator.calculator).label,
            "unit": indicator.get_unit_display(),
            "direction": indicator.get_direction_display(),
            "date_basis": indicator.get_date_basis_display(),
            "floor": services.min_n_floor(indicator.calculator),
            "versions": indicator.versions.order_by("-version"),
            "is_share": indicator.unit == Unit.SHARE,
            "breadcrumb": breadcrumb(
                (CATALOGUE_TITLE, reverse("quality_backoffice:catalogue")),
                current=indicator.name,
            ),
        },
        status=status,
    )
