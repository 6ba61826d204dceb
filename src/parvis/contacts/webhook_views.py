"""The organisation admin's « Webhooks » pages in the agents' shell: the organisation's
webhooks and their last deliveries (the outbox's log), creation with the secret shown
once, edition, rotation of the secret (the previous one keeps signing) and deletion.

Scoped like API tokens: an organisation outside one's scope is a 404, and the pages need
``MANAGE_TOKENS`` (organisation admins) on it, else 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.accounts.scoping import Perm, get_visible_or_404, require_permission
from parvis.contacts import selectors
from parvis.contacts.errors import ContactError
from parvis.contacts.models import OrganisationWebhook
from parvis.contacts.services import webhooks as services
from parvis.contacts.webhook_forms import EVENT_CHOICES, WebhookForm
from parvis.core.breadcrumb import breadcrumb
from parvis.core.menu import MenuEntry, Viewer, register
from parvis.directory.models import Organisation

NEW_SECRET_SESSION_KEY = "contacts:webhook_secret"  # noqa: S105 (a session key name)
EVENT_LABELS = dict(EVENT_CHOICES)


def _only_get_or_post(request: HttpRequest) -> HttpResponse | None:
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    return None


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_visible_or_404(request.user, Organisation.objects.all(), slug=slug)
    require_permission(request.user, Perm.MANAGE_TOKENS, organisation)
    return organisation


def _webhook(request: HttpRequest, pk: int) -> OrganisationWebhook:
    webhook = get_visible_or_404(
        request.user, OrganisationWebhook.objects.select_related("organisation"), pk=pk
    )
    require_permission(request.user, Perm.MANAGE_TOKENS, webhook)
    return webhook


def _remember_secret(request: HttpRequest, webhook: OrganisationWebhook, secret: str) -> None:
    # Shown once on the next page, then gone: only its encrypted form is stored.
    request.session[NEW_SECRET_SESSION_KEY] = {"id": webhook.pk, "secret": secret}


def _secret_for(request: HttpRequest, webhook_ids: set[int]) -> dict[str, Any] | None:
    shown = request.session.pop(NEW_SECRET_SESSION_KEY, None)
    return shown if shown and shown.get("id") in webhook_ids else None


def _list_crumb(organisation: Organisation) -> tuple[str, str]:
    return (
        f"Webhooks — {organisation}",
        reverse("contacts_webhooks:list", kwargs={"slug": organisation.slug}),
    )


@login_required
def webhook_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    if (refused := _only_get_or_post(request)) is not None:
        return refused
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook, secret = services.webhook_create(
                actor=request.user,
                organisation=organisation,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
        except ContactError as error:
            form.add_error("url" if error.field == "url" else None, error.message)
        else:
            _remember_secret(request, webhook, secret)
            messages.success(request, "Le webhook a été créé.")
            return redirect("contacts_webhooks:list", slug=organisation.slug)
    webhooks = list(selectors.webhooks_managed_by(request.user).filter(organisation=organisation))
    rows = [
        {
            "webhook": webhook,
            "events": [EVENT_LABELS.get(kind, kind) for kind in webhook.events],
            "last": selectors.webhook_deliveries(webhook, limit=1).first(),
        }
        for webhook in webhooks
    ]
    return render(
        request,
        "contacts/backoffice/webhooks.html",
        {
            "title": f"Webhooks — {organisation}",
            "organisation": organisation,
            "rows": rows,
            "new_secret": _secret_for(request, {w.pk for w in webhooks}),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = _webhook(request, pk)
    if (refused := _only_get_or_post(request)) is not None:
        return refused
    initial = {"url": webhook.url, "events": webhook.events, "is_active": webhook.is_active}
    form = WebhookForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_update(
                actor=request.user,
                webhook=webhook,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                is_active=form.cleaned_data["is_active"],
            )
        except ContactError as error:
            form.add_error("url" if error.field == "url" else None, error.message)
        else:
            messages.success(request, "Le webhook a été modifié.")
            return redirect("contacts_webhooks:detail", pk=webhook.pk)
    return render(
        request,
        "contacts/backoffice/webhook_detail.html",
        {
            "title": "Webhook",
            "breadcrumb": breadcrumb(_list_crumb(webhook.organisation), current="Webhook"),
            "organisation": webhook.organisation,
            "webhook": webhook,
            "new_secret": _secret_for(request, {webhook.pk}),
            "deliveries": list(selectors.webhook_deliveries(webhook)),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def webhook_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = _webhook(request, pk)
    if (refused := _only_get_or_post(request)) is not None:
        return refused
    if request.method == "POST":
        secret = services.webhook_rotate_secret(actor=request.user, webhook=webhook)
        _remember_secret(request, webhook, secret)
        messages.success(
            request, "Nouveau secret créé ; l’ancien signe encore jusqu’au prochain changement."
        )
        return redirect("contacts_webhooks:detail", pk=webhook.pk)
    return _confirm(request, webhook, "rotate")


@login_required
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = _webhook(request, pk)
    if (refused := _only_get_or_post(request)) is not None:
        return refused
    if request.method == "POST":
        organisation = webhook.organisation
        services.webhook_delete(actor=request.user, webhook=webhook)
        messages.success(request, "Le webhook a été supprimé.")
        return redirect("contacts_webhooks:list", slug=organisation.slug)
    return _confirm(request, webhook, "delete")


def _confirm(request: HttpRequest, webhook: OrganisationWebhook, action: str) -> HttpResponse:
    title = "Changer le secret du webhook" if action == "rotate" else "Supprimer le webhook"
    return render(
        request,
        "contacts/backoffice/webhook_confirm.html",
        {
            "title": title,
            "breadcrumb": breadcrumb(
                _list_crumb(webhook.organisation),
                ("Webhook", reverse("contacts_webhooks:detail", kwargs={"pk": webhook.pk})),
                current=title,
            ),
            "webhook": webhook,
            "action": action,
        },
    )


# --- Menu -------------------------------------------------------------------------------------


def _organisation_slug(viewer: Viewer) -> dict[str, Any] | None:
    return {"slug": viewer.organisation.slug} if viewer.organisation is not None else None


def _manages_tokens(viewer: Viewer) -> bool:
    from parvis.accounts.scoping import has_permission

    return has_permission(viewer.principal, Perm.MANAGE_TOKENS, viewer.organisation)


def register_menu() -> None:
    register(
        MenuEntry(
            key="contacts.webhooks",
            label=_("Webhooks"),
            url_name="contacts_webhooks:list",
            section="backoffice.organisation",
            order=25,
            url_kwargs=_organisation_slug,
            visible=_manages_tokens,
            active_for=(
                "contacts_webhooks:detail",
                "contacts_webhooks:rotate",
                "contacts_webhooks:delete",
            ),
        )
    )
