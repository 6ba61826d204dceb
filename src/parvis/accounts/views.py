"""Log in and out (agents and citizens), citizen sign-up and account activation, and
« Mon compte »: change of password (everyone) and of address (citizens).

Thin adapters: forms validate, ``services`` write, ``selectors`` read. Every refusal
(rate limit, honeypot, invalid input) re-renders the form with what the person typed and
a French message. Pages about an address never say whether it is registered.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parvis.accounts import selectors, services
from parvis.accounts.forms import (
    AccountDeleteForm,
    AccountPasswordChangeForm,
    ActivationForm,
    ActivationResendForm,
    EmailChangeForm,
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SignupForm,
)
from parvis.core import ratelimit
from parvis.core.breadcrumb import breadcrumb
from parvis.core.http import absolute_url

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def landing_url(user: Any) -> str:
    """Where a signed-in person starts: agents in their space, citizens with their
    experiences."""
    if selectors.is_agent(user):
        return reverse("backoffice:dashboard")
    return reverse("voice:my_experiences")


def _rate_limited(request: HttpRequest, name: str) -> str | None:
    """A French refusal when the client IP went over its limit (``<name>_ip`` in
    ``settings.ACCOUNTS_RATE_LIMITS``), else None."""
    limit, window = ratelimit.configured_limit("ACCOUNTS_RATE_LIMITS", f"{name}_ip")
    result = ratelimit.hit_ip(request, f"accounts:{name}", limit=limit, window_seconds=window)
    if result.allowed:
        return None
    return ratelimit.refusal_message(result, attempts="essais")


def _refusal_status(request: HttpRequest, form: Any, name: str) -> int | None:
    """None when a POSTed form may be acted on; else the status to render it with: 429
    over the IP limit (French message, what was typed kept), 400 when invalid."""
    refusal = _rate_limited(request, name)
    if refusal:
        form.is_valid()
        form.add_error(None, refusal)
        return 429
    return None if form.is_valid() else 400


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": "Se connecter"}

    def get_default_redirect_url(self) -> str:
        # A safe ``next`` wins (handled by Django); this is the default landing page.
        return landing_url(self.request.user)


class LogoutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(landing_url(request.user))
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refused = _refusal_status(request, form, "signup")
        if refused is None:
            services.citizen_signup(
                email=form.cleaned_data["email"], password=form.cleaned_data["password1"]
            )
            return redirect("accounts:signup_sent")
        status = refused
    return render(
        request, "accounts/signup.html", {"title": "Créer un compte", "form": form}, status=status
    )


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html", {"title": "Vérifiez vos courriels"})


@require_http_methods(["GET", "POST"])
def activation_resend(request: HttpRequest) -> HttpResponse:
    form = ActivationResendForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refused = _refusal_status(request, form, "resend")
        if refused is None:
            services.citizen_activation_resend(email=form.cleaned_data["email"])
            return redirect("accounts:signup_sent")
        status = refused
    return render(
        request,
        "accounts/activation_resend.html",
        {"title": "Recevoir un nouveau lien d’activation", "form": form},
        status=status,
    )


def _private(response: HttpResponse) -> HttpResponse:
    """The URL carries a secret: not sent to other sites, not indexed."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET only shows the form (mail scanners open links); POST activates and logs in."""
    user = selectors.user_of_activation_link(uidb64, token)
    if user is None:
        return _private(
            render(
                request,
                "accounts/activation_invalid.html",
                {
                    "title": "Lien d’activation expiré ou invalide",
                    "form": ActivationResendForm(),
                    "validity": services.activation_validity(),
                },
                status=400,
            )
        )
    form = ActivationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refusal = _rate_limited(request, "activate")
        if refusal:
            form.add_error(None, refusal)
            status = 429
        elif form.is_valid():
            try:
                services.citizen_activate(user=user, password=form.cleaned_data["password"])
            except services.AccountsError as error:
                form.add_error("password", error.message)
                status = 400
            else:
                login(request, user, backend=MODEL_BACKEND)
                messages.success(
                    request,
                    "Votre compte est activé. Les expériences que vous partagerez en étant "
                    "connecté apparaîtront ici.",
                )
                return redirect("voice:my_experiences")
        else:
            status = 400
    return _private(
        render(
            request,
            "accounts/activate.html",
            {"title": "Activer mon compte", "form": form, "email": user.email},
            status=status,
        )
    )


# --- Invitation of an agent by their organisation's administrator ----------------------


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invited agent chooses their password (GET only shows the form: mail scanners
    open links); then signed in, on the espace agents."""
    user = selectors.user_of_activation_link(uidb64, token)
    if user is None or not services.is_pending_invitation(user):
        return _private(
            render(
                request,
                "accounts/invitation.html",
                {"title": "Invitation expirée ou déjà utilisée", "validlink": False},
                status=400,
            )
        )
    form = NewPasswordForm(user, request.POST or None)
    status = 200
    if request.method == "POST":
        status = _refusal_status(request, form, "activate") or 200
        if status == 200:
            try:
                services.staff_invitation_accept(
                    user=user, password=form.cleaned_data["new_password1"]
                )
            except services.AccountsError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                login(request, user, backend=MODEL_BACKEND)
                messages.success(request, "Votre mot de passe est enregistré : bienvenue.")
                return redirect("backoffice:dashboard")
    return _private(
        render(
            request,
            "accounts/invitation.html",
            {
                "title": "Choisir votre mot de passe",
                "validlink": True,
                "form": form,
                "email": user.email,
            },
            status=status,
        )
    )


# --- Forgotten password (citizens and agents) ------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by email; the link is built on ``SITE_URL`` (never on the request's
    Host header) and the page is the same whether or not the address has an account."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"title": "Mot de passe oublié"}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        refused = _refusal_status(request, form, "reset")
        if refused is not None:
            return self.render_to_response(self.get_context_data(form=form), status=refused)
        return self.form_valid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {
            "site_url": absolute_url(),
            "site_title": settings.PARVIS_SITE_TITLE,
            "validity": services.activation_validity(),
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"title": "Vérifiez vos courriels"}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": "Choisir un nouveau mot de passe"}

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        if not context.get("validlink"):
            kwargs["status"] = 400  # expired or used link: a French page, with a new request
        elif self.request.method == "POST":
            kwargs.setdefault("status", 400)  # the form came back with errors
        return _private(super().render_to_response(context, **kwargs))


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    extra_context = {"title": "Mot de passe modifié"}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """A citizen deletes their account after typing their password again."""
    if selectors.is_agent(request.user):
        return render(
            request,
            "accounts/account_delete.html",
            {"title": "Supprimer mon compte", "is_agent": True},
            status=403,
        )
    form = AccountDeleteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.citizen_delete(
                    user=request.user,  # type: ignore[arg-type]
                    password=form.cleaned_data["password"],
                )
            except services.AccountsError as error:
                form.add_error("password", error.message)
            else:
                logout(request)
                messages.success(request, "Votre compte est supprimé.")
                return redirect("portal:home")
    return render(
        request,
        "accounts/account_delete.html",
        {"title": "Supprimer mon compte", "form": form},
        status=status,
    )


# --- « Mon compte » ------------------------------------------------------------------------


def _under_account(current: str) -> Any:
    return breadcrumb(("Mon compte", reverse("accounts:account")), current=current)


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """What one can do with one's account; agents only change their password here."""
    return render(
        request,
        "accounts/account.html",
        {"title": "Mon compte", "is_agent": selectors.is_agent(request.user)},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change of password (login required, current password asked, session
    kept), DSFR-rendered; the write is ``services.account_password_change``."""

    form_class = AccountPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        title = "Changer mon mot de passe"
        return super().get_context_data(title=title, breadcrumb=_under_account(title), **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        refused = _refusal_status(request, form, "password_change")
        if refused is not None:
            return self.render_to_response(self.get_context_data(form=form), status=refused)
        return self.form_valid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        services.account_password_change(
            user=form.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, form.user)  # this session stays signed in
        messages.success(self.request, "Votre mot de passe est modifié.")
        return redirect(self.get_success_url())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    """A citizen asks for a new address; it replaces the old one once confirmed."""
    title = "Changer mon adresse électronique"
    context: dict[str, Any] = {"title": title, "breadcrumb": _under_account(title)}
    if selectors.is_agent(request.user):
        return render(
            request, "accounts/email_change.html", {**context, "is_agent": True}, status=403
        )
    form = EmailChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refused = _refusal_status(request, form, "email_change")
        if refused is None:
            email = form.cleaned_data["email"]
            try:
                services.citizen_email_change_request(
                    user=request.user,  # type: ignore[arg-type]
                    new_email=email,
                    password=form.cleaned_data["password"],
                )
            except services.AccountsError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status if error.status != 422 else 400
            else:
                messages.success(
                    request,
                    f"Nous avons écrit à {email}. Ouvrez le lien de ce courriel pour confirmer "
                    "la nouvelle adresse ; d’ici là, votre compte garde son adresse actuelle.",
                )
                return redirect("accounts:account")
        else:
            status = refused
    return render(request, "accounts/email_change.html", {**context, "form": form}, status=status)


EMAIL_LINK_PROBLEMS = {
    "expired": "Ce lien de confirmation a expiré",
    "used": "Ce lien de confirmation a déjà servi",
    "invalid": "Ce lien de confirmation n’est pas valable",
}


@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to the new address. GET only shows the button (mail scanners open
    links); POST makes the change. A dead link gets a French page (400), never a 500."""
    link = selectors.email_change_of_link(token)
    if link.user is None:
        return _private(
            render(
                request,
                "accounts/email_confirm_invalid.html",
                {
                    "title": EMAIL_LINK_PROBLEMS[link.problem or "invalid"],
                    "problem": link.problem,
                    "validity": services.activation_validity(),
                },
                status=400,
            )
        )
    context: dict[str, Any] = {"title": "Confirmer ma nouvelle adresse", "email": link.email}
    status = 200
    if request.method == "POST":
        refusal = _rate_limited(request, "email_confirm")
        if refusal:
            context["error"] = refusal
            status = 429
        else:
            try:
                services.citizen_email_change_confirm(user=link.user, new_email=link.email)
            except services.AccountsError as error:
                context["error"] = error.message
                status = error.status
            else:
                messages.success(
                    request,
                    f"L’adresse de votre compte est désormais {link.email}. Connectez-vous "
                    "avec elle à l’avenir.",
                )
                if request.user.is_authenticated and request.user.pk == link.user.pk:
                    return redirect("accounts:account")
                return redirect("accounts:login")
    return _private(render(request, "accounts/email_confirm.html", context, status=status))
