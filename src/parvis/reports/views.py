"""Public pages of the periodic reports: archives, a report, its PDF, and subscriptions.

Thin adapters over ``selectors`` and ``services``. Reports hold public data only, so every
page is public. The subscription form answers the same whether or not the address was
already subscribed (no enumeration), and is rate limited per client address and per
address typed. Confirmation and unsubscribe links show a button on GET (mail scanners
open links) and act on POST; the unsubscribe POST needs no CSRF token, so that mail
clients can unsubscribe in one click (RFC 8058, ``List-Unsubscribe-Post``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from parvis.core.breadcrumb import Breadcrumb, breadcrumb
from parvis.core.ratelimit import RateLimit, configured_limit, hit, hit_ip, refusal_message
from parvis.directory.models import Organisation
from parvis.reports import selectors, services
from parvis.reports.forms import SubscriptionForm
from parvis.reports.models import Report
from parvis.reports.rendering import archived
from parvis.reports.services import ReportsError

ROOT = "Rapports de qualité"


def _limit(name: str) -> tuple[int, int]:
    return configured_limit("REPORTS_RATE_LIMITS", name)


def _throttle_ip(request: HttpRequest, name: str) -> RateLimit:
    limit, window = _limit(f"{name}_ip")
    return hit_ip(request, f"reports-{name}", limit=limit, window_seconds=window)


def _breadcrumb(current: str, *links: tuple[str, str]) -> Breadcrumb:
    """A public trail under the reports; ``links`` are (label, URL) pairs."""
    return breadcrumb((ROOT, reverse("reports:index")), *links, current=current)


# --- Archives and reports ----------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/index.html",
        {
            "title": ROOT,
            "reports": selectors.reports_of(None),
            "organisations": selectors.organisations_with_reports(),
            "breadcrumb": breadcrumb(current=ROOT),
        },
    )


@require_GET
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Organisation, slug=slug)
    title = f"Rapports de qualité — {found.name}"
    return render(
        request,
        "reports/archive.html",
        {
            "title": title,
            "organisation": found,
            "reports": selectors.reports_of(found),
            "breadcrumb": _breadcrumb(found.name),
        },
    )


def _report(slug: str | None, period: str) -> Report:
    owner = get_object_or_404(Organisation, slug=slug) if slug is not None else None
    report = selectors.report_for(owner, period)
    if report is None:
        raise Http404("Ce rapport n’existe pas.")
    return report


def _detail(request: HttpRequest, report: Report) -> HttpResponse:
    links: tuple[tuple[str, str], ...] = ()
    if report.organisation is not None:
        links = (
            (
                report.organisation.name,
                reverse("reports:organisation", args=[report.organisation.slug]),
            ),
        )
    pdf_url = (
        reverse("reports:national_pdf", args=[report.period_code])
        if report.organisation is None
        else reverse("reports:pdf", args=[report.organisation.slug, report.period_code])
    )
    return render(
        request,
        "reports/report.html",
        {
            "title": report.title,
            "report": report,
            "body": archived(report.html),
            "pdf_url": pdf_url,
            "breadcrumb": _breadcrumb(report.title, *links),
        },
    )


def _pdf(report: Report) -> HttpResponse:
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=report.pdf_filename) or ""
    )
    return response


@require_GET
def detail(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    return _detail(request, _report(slug, period))


@require_GET
def pdf(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    return _pdf(_report(slug, period))


@require_GET
def national_detail(request: HttpRequest, period: str) -> HttpResponse:
    return _detail(request, _report(None, period))


@require_GET
def national_pdf(request: HttpRequest, period: str) -> HttpResponse:
    return _pdf(_report(None, period))


# --- Subscriptions -----------------------------------------------------------------------------

SENT = (
    "C’est noté. Si cette adresse peut recevoir ces rapports, un courriel vient de lui être "
    "envoyé : ouvrez le lien qu’il contient pour confirmer votre abonnement."
)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    title = "S’abonner aux rapports de qualité"
    context: dict[str, Any] = {"title": title, "breadcrumb": _breadcrumb(title)}
    if request.method != "POST":
        initial = {"scope": request.GET.get("organisme", "")}
        context["form"] = SubscriptionForm(initial=initial)
        return render(request, "reports/subscribe.html", context)
    form = SubscriptionForm(request.POST)
    context["form"] = form
    throttled = _throttle_ip(request, "subscribe")
    if not throttled.allowed:
        form.is_valid()
        form.add_error(None, refusal_message(throttled, by_address=True))
        return render(request, "reports/subscribe.html", context, status=429)
    if not form.is_valid():
        return render(request, "reports/subscribe.html", context, status=400)
    email = form.cleaned_data["email"]
    limit, window = _limit("subscribe_email")
    throttled = hit("reports-subscribe:email", email, limit=limit, window_seconds=window)
    if not throttled.allowed:
        form.add_error(None, refusal_message(throttled, by_address=True))
        return render(request, "reports/subscribe.html", context, status=429)
    services.subscription_request(email=email, organisation=form.organisation())
    messages.success(request, SENT)
    return redirect("reports:subscribe")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); POST confirms."""
    context: dict[str, Any] = {"title": "Confirmer votre abonnement", "token": token}
    context["breadcrumb"] = _breadcrumb(context["title"])
    throttled = _throttle_ip(request, "link")
    if not throttled.allowed:
        context["error"] = refusal_message(throttled, attempts="tentatives")
        return render(request, "reports/confirm.html", context, status=429)
    try:
        subscription = services.subscription_by_confirmation(token)
        context["scope"] = subscription.organisation
        if request.method == "POST":
            subscription = services.subscription_confirm(token=token)
            context["confirmed"] = True
    except ReportsError as error:
        context["error"] = error.message
        return render(request, "reports/confirm.html", context, status=400)
    context["already"] = request.method == "GET" and subscription.confirmed_at is not None
    return render(request, "reports/confirm.html", context)


@csrf_exempt  # RFC 8058: a mail client's one-click POST carries no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the one button; POST (the button, or the mail client) unsubscribes."""
    context: dict[str, Any] = {"title": "Se désabonner des rapports", "token": token}
    context["breadcrumb"] = _breadcrumb(context["title"])
    throttled = _throttle_ip(request, "link")
    if not throttled.allowed:
        context["error"] = refusal_message(throttled, attempts="tentatives")
        return render(request, "reports/unsubscribe.html", context, status=429)
    if request.method == "POST":
        subscription = services.subscription_unsubscribe(token=token)
        context["done"] = True
    else:
        subscription = services.subscription_by_unsubscribe(token)
    context["subscription"] = subscription
    return render(request, "reports/unsubscribe.html", context)
