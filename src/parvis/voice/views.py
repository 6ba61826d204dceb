"""Public pages of voice (« Témoigner »): share an experience in three steps, follow it
through the private link (correct, withdraw, say whether the answer helped).

No account and no JavaScript needed: steps keep their data in the session, every refusal
re-renders the form with what was typed and a French message. Pages reached through the
private link are never cached and send their address (the link is a secret) to no other
site: ``Referrer-Policy: same-origin`` (``no-referrer`` would make browsers send
``Origin: null`` on the page's own forms, which CSRF protection refuses).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from parvis.accounts.models import User
from parvis.core import ratelimit
from parvis.core.breadcrumb import breadcrumb
from parvis.core.charter import CharterReason
from parvis.core.crypto import DecryptionError, decrypt_text, encrypt_text
from parvis.core.http import absolute_url, client_ip
from parvis.directory.models import Channel, JourneyStage, LocalService, Organisation, Site
from parvis.directory.selectors import local_services_search, sites_search
from parvis.voice import digests, selectors, services
from parvis.voice.forms import (
    PERSONAL_DATA_REMINDER,
    ContactForm,
    CorrectionForm,
    FeedbackForm,
    ServiceChoiceForm,
    ServiceSearchForm,
    StoryForm,
    WithdrawForm,
)
from parvis.voice.models import Experience, ExperienceStatus, PublicAnswer
from parvis.voice.services import VoiceError

DRAFT_KEY = "voice:draft"
LAST_KEY = "voice:last"
SEARCH_LIMIT = 20
S = ExperienceStatus


def limits(name: str) -> tuple[int, int]:
    return ratelimit.configured_limit("VOICE_RATE_LIMITS", name)


def rate_limited(request: HttpRequest, scope: str, *, email: str = "") -> str | None:
    """A French refusal message when the IP (or email) went over its limit, else None."""
    limit, window = limits(f"{scope}_ip")
    result = ratelimit.hit_ip(request, f"voice:{scope}", limit=limit, window_seconds=window)
    if result.allowed and email:
        limit, window = limits(f"{scope}_email")
        result = ratelimit.hit(f"voice:{scope}:email", email, limit=limit, window_seconds=window)
    if result.allowed:
        return None
    return ratelimit.refusal_message(result, by_address=bool(email))


class _TooManyLinkMisses(Exception):
    pass


def _experience_of_link(request: HttpRequest, token: str) -> Experience:
    """The experience of a private link, or 404. Wrong links are counted per IP and,
    beyond the limit (30 an hour), that IP gets no answer at all until the window ends:
    the secrets cannot be guessed (256 bits), but scanners are kept off."""
    limit, window = limits("link_miss_ip")
    if ratelimit.exceeded_ip(request, "voice:link-miss", limit=limit, window_seconds=window):
        raise _TooManyLinkMisses
    try:
        return selectors.experience_by_token(token)
    except Http404:
        ratelimit.hit_ip(request, "voice:link-miss", limit=limit, window_seconds=window)
        raise


def _link_view(view: Any) -> Any:
    """Private-link views answer 429 (in French) to an IP that tried too many links."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, token, *args, **kwargs)
        except _TooManyLinkMisses:
            from parvis.core.views import too_many_requests

            return _private(too_many_requests(request))

    return wrapped


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Step 1: which service -------------------------------------------------------------


def _draft(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(DRAFT_KEY, {}))


def _save_draft(request: HttpRequest, draft: dict[str, Any]) -> None:
    request.session[DRAFT_KEY] = draft


def _service_of(draft: dict[str, Any]) -> dict[str, Any] | None:
    """The organisation / service / site chosen in step 1, or None if missing or gone."""
    try:
        organisation = Organisation.objects.administrations().get(
            pk=draft["organisation_id"], is_active=True
        )
        local_service = (
            LocalService.objects.get(pk=draft["local_service_id"])
            if draft.get("local_service_id")
            else None
        )
        site = (
            Site.objects.select_related("commune").get(pk=draft["site_id"])
            if draft.get("site_id")
            else None
        )
    except (KeyError, Organisation.DoesNotExist, LocalService.DoesNotExist, Site.DoesNotExist):
        return None
    return {"organisation": organisation, "local_service": local_service, "site": site}


def _choice_of(draft: dict[str, Any]) -> str:
    if draft.get("site_id"):
        return f"site:{draft['site_id']}"
    if draft.get("local_service_id"):
        return f"service:{draft['local_service_id']}"
    if draft.get("organisation_id"):
        return f"org:{draft.get('organisation_slug', '')}"
    return ""


def _steps(current: int) -> dict[str, Any]:
    titles = ["Le service concerné", "Votre expérience", "Vos coordonnées et l’envoi"]
    return {
        "step": current,
        "step_count": len(titles),
        "step_title": titles[current - 1],
        "next_step_title": titles[current] if current < len(titles) else "",
    }


def _preselected(query: Any) -> dict[str, str] | None:
    """The option a directory page links to: ``?lieu=<site slug>`` or ``?service=<local
    service slug>`` (« Partager une expérience » on its page); ``None`` when absent or
    unknown (the search below still works)."""
    site_slug, service_slug = query.get("lieu", ""), query.get("service", "")
    if site_slug:
        site = sites_search().filter(slug=site_slug).first()
        if site is not None:
            return {
                "value": f"site:{site.pk}",
                "label": site.name,
                "hint": f"Lieu d’accueil — {site.commune.name}",
            }
    if service_slug:
        service = local_services_search().filter(slug=service_slug).first()
        if service is not None:
            return {
                "value": f"service:{service.pk}",
                "label": service.name,
                "hint": f"Service local — {service.organisation.name}",
            }
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    choice_form = ServiceChoiceForm(request.POST or None)
    if request.method == "POST" and choice_form.is_valid():
        chosen = choice_form.cleaned_data["choice"]
        draft.update(
            organisation_id=chosen["organisation"].pk,
            organisation_slug=chosen["organisation"].slug,
            local_service_id=chosen["local_service"].pk if chosen["local_service"] else None,
            site_id=chosen["site"].pk if chosen["site"] else None,
            service_label=str(chosen["site"] or chosen["local_service"] or chosen["organisation"]),
        )
        _save_draft(request, draft)
        return redirect("voice:share_story")
    search = ServiceSearchForm(request.GET or None)
    options: list[dict[str, str]] = []
    searched = search.has_criteria()
    preselected = _preselected(request.GET) if not searched else None
    if preselected is not None:
        options.append(preselected)
    elif searched:
        data = search.cleaned_data
        organisation = data.get("organisation")
        if organisation is not None:
            options.append(
                {
                    "value": f"org:{organisation.slug}",
                    "label": organisation.name,
                    "hint": "Je ne connais pas le service local, ou c’est national.",
                }
            )
        if organisation is not None or data.get("commune") or data.get("q"):
            for service in local_services_search(
                q=data.get("q", ""), commune=data.get("commune", ""), organisation=organisation
            )[:SEARCH_LIMIT]:
                options.append(
                    {
                        "value": f"service:{service.pk}",
                        "label": service.name,
                        "hint": f"Service local — {service.organisation.name}",
                    }
                )
            for site in sites_search(
                q=data.get("q", ""), commune=data.get("commune", ""), organisation=organisation
            )[:SEARCH_LIMIT]:
                options.append(
                    {
                        "value": f"site:{site.pk}",
                        "label": site.name,
                        "hint": f"Lieu d’accueil — {site.commune.name}",
                    }
                )
    elif draft.get("organisation_id"):
        options.append(
            {
                "value": _choice_of(draft),
                "label": draft.get("service_label", ""),
                "hint": "Votre choix précédent.",
            }
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "voice/share_service.html",
        {
            "title": "Partager votre expérience — le service concerné",
            "search": search,
            "choice_form": choice_form,
            "options": options,
            "searched": searched,
            "selected": request.POST.get("choice")
            or (preselected["value"] if preselected else _choice_of(draft)),
            **_steps(1),
        },
        status=status,
    )


# --- Step 2: what happened ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def share_story(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    service = _service_of(draft)
    if service is None:
        messages.info(request, "Commencez par choisir le service concerné.")
        return redirect("voice:share")
    if request.method == "POST":
        form = StoryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            draft.update(
                title=data["title"],
                text=data["text"],
                tone=data["tone"],
                journey_stage=data["journey_stage"].pk if data["journey_stage"] else None,
                channel=data["channel"].pk if data["channel"] else None,
                happened_on=data["happened_on"].isoformat() if data["happened_on"] else None,
            )
            _save_draft(request, draft)
            return redirect("voice:share_contact")
    else:
        form = StoryForm(
            initial={
                key: draft.get(key)
                for key in ("title", "text", "tone", "journey_stage", "channel", "happened_on")
            }
        )
    return render(
        request,
        "voice/share_story.html",
        {
            "title": "Partager votre expérience — ce qui s’est passé",
            "form": form,
            "service": service,
            "reminder": PERSONAL_DATA_REMINDER,
            **_steps(2),
        },
        status=400 if form.is_bound else 200,
    )


# --- Step 3: contact and sending --------------------------------------------------------


def _story_of(draft: dict[str, Any]) -> dict[str, Any] | None:
    if not draft.get("title") or not draft.get("text"):
        return None
    return {
        "title": draft["title"],
        "text": draft["text"],
        "tone": draft.get("tone", ""),
        "journey_stage": JourneyStage.objects.filter(pk=draft.get("journey_stage")).first(),
        "channel": Channel.objects.filter(pk=draft.get("channel")).first(),
        "happened_on": dt.date.fromisoformat(draft["happened_on"])
        if draft.get("happened_on")
        else None,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def share_contact(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    service = _service_of(draft)
    story = _story_of(draft)
    if service is None or story is None:
        messages.info(request, "Il manque une étape : reprenons où vous en étiez.")
        return redirect("voice:share" if service is None else "voice:share_story")
    signed_in = request.user.is_authenticated
    form = ContactForm(
        request.POST or None,
        initial={
            # A signed-in citizen starts from their account's address; they may give
            # another one or none (then kept as they left it when they come back).
            "email": draft.get("email", cast(User, request.user).email if signed_in else ""),
            "notify_on_publication": draft.get("notify_on_publication", True),
        },
        signed_in=signed_in,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            email = form.cleaned_data["email"]
            notify = form.cleaned_data["notify_on_publication"]
            draft.update(email=email, notify_on_publication=notify)
            _save_draft(request, draft)
            refusal = rate_limited(request, "submit", email=email)
            if refusal:
                form.add_error(None, refusal)
                status = 429
            else:
                try:
                    submitted = services.experience_submit(
                        **service,
                        **story,
                        email=email,
                        notify_on_publication=notify,
                        author=request.user if request.user.is_authenticated else None,
                    )
                except VoiceError as error:
                    form.add_error(None, error.message)
                else:
                    request.session.pop(DRAFT_KEY, None)
                    request.session[LAST_KEY] = {
                        # encrypted: sessions are stored server-side, the secret never in clear
                        "token": encrypt_text(submitted.private_token),
                        "email": bool(email),
                        "reference": submitted.experience.reference,
                        "in_account": submitted.experience.author_id is not None,
                    }
                    return redirect("voice:share_done")
    return render(
        request,
        "voice/share_contact.html",
        {
            "title": "Partager votre expérience — vos coordonnées et l’envoi",
            "form": form,
            "service": service,
            "story": story,
            **_steps(3),
        },
        status=status,
    )


@never_cache
def share_done(request: HttpRequest) -> HttpResponse:
    last = request.session.get(LAST_KEY) or {}
    try:
        token = decrypt_text(last["token"]) if last else ""
    except DecryptionError:  # a session from before the secret was kept encrypted
        token, last = "", {}
    link = absolute_url(reverse("voice:follow", kwargs={"token": token})) if token else ""
    return _private(
        render(
            request,
            "voice/share_done.html",
            {
                "title": "Merci pour votre expérience",
                "link": link,
                "emailed": last.get("email", False),
                "reference": last.get("reference", ""),
                # Found in « Mes expériences »: the link is only a spare way back.
                "in_account": last.get("in_account", False) and request.user.is_authenticated,
            },
        )
    )


# --- Private link: follow, correct, withdraw, answer feedback ----------------------------
#
# The author comes either through the private link (below) or signed in, from « Mes
# expériences » (``account_views``). Both ways share the flows that follow: the same
# page content, forms, rate limit, services and messages; each view keeps its own URL,
# template and where it goes back to.


STATUS_EXPLANATIONS = {
    S.SUBMITTED: "Votre expérience a été reçue. Les données personnelles sont en train "
    "d’être masquées.",
    S.IN_MODERATION: "Un modérateur va relire votre expérience avant sa publication.",
    S.PUBLISHED: "Votre expérience est publiée. Le service concerné peut y répondre.",
    S.ANSWERED: "Le service concerné a répondu publiquement à votre expérience.",
    S.REJECTED: "Votre expérience n’a pas été publiée.",
    S.ARCHIVED: "Votre expérience est archivée.",
    S.WITHDRAWN: "Vous avez retiré votre expérience : son texte a été effacé.",
}

FormPage = Callable[[forms.Form, int], HttpResponse]
"""Renders a view's form page with a form and an HTTP status."""


def author_page_context(experience: Experience) -> dict[str, Any]:
    """What the author's page of an experience shows, whichever way they came."""
    answer = selectors.published_answer_of(experience)
    rated = answer is not None and selectors.author_has_rated(answer, experience)
    return {
        "experience": experience,
        "explanation": STATUS_EXPLANATIONS[S(experience.status)],
        "rejection_reason": CharterReason(experience.rejection_reason).label
        if experience.rejection_reason
        else "",
        "answer": answer,
        "feedback_form": FeedbackForm() if answer is not None and not rated else None,
        "rated": rated,
        "can_correct": services.experience_correctable(experience),
        "can_withdraw": experience.status != S.WITHDRAWN,
        "history": selectors.history(experience),
        "public_url": _public_url(experience),
    }


def submit_form(
    request: HttpRequest,
    form: forms.Form,
    *,
    scope: str,
    action: Callable[[dict[str, Any]], HttpResponse],
    page: FormPage,
) -> HttpResponse:
    """A posted form that calls a voice service: validate, count the IP against the
    ``scope`` rate limit, run ``action`` (which answers, usually with a redirect). Every
    refusal re-renders ``page`` with the form, its French message and a 4xx status."""
    if not form.is_valid():
        return page(form, 400)
    refusal = rate_limited(request, scope)
    if refusal:
        form.add_error(None, refusal)
        return page(form, 429)
    try:
        return action(form.cleaned_data)
    except VoiceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return page(form, error.status)


def author_correct(
    request: HttpRequest, experience: Experience, *, back: str, page: FormPage
) -> HttpResponse:
    """The author rewrites their experience before publication, then goes ``back``."""
    if not services.experience_correctable(experience):
        messages.error(
            request, "Une expérience publiée ne peut plus être corrigée ; vous pouvez la retirer."
        )
        return redirect(back)
    if request.method != "POST":
        initial = {
            "title": decrypt_text(experience.original_title_encrypted),
            "text": decrypt_text(experience.original_text_encrypted),
        }
        return page(CorrectionForm(initial=initial), 200)

    def correct(data: dict[str, Any]) -> HttpResponse:
        services.experience_correct(experience=experience, **data)
        messages.success(
            request, "Votre correction est enregistrée : elle sera relue avant publication."
        )
        return redirect(back)

    return submit_form(
        request, CorrectionForm(request.POST), scope="link", action=correct, page=page
    )


def author_withdraw(
    request: HttpRequest, experience: Experience, *, back: str, done: str, page: FormPage
) -> HttpResponse:
    """The author withdraws their experience (confirmed by a box), then goes to ``done``."""
    if experience.status == S.WITHDRAWN:
        messages.info(request, "Cette expérience est déjà retirée.")
        return redirect(back)
    if request.method != "POST":
        return page(WithdrawForm(), 200)

    def withdraw(data: dict[str, Any]) -> HttpResponse:
        services.experience_withdraw(experience=experience)
        messages.success(
            request,
            "Votre expérience est retirée : elle n’est plus visible et son texte a été effacé.",
        )
        return redirect(done)

    return submit_form(
        request, WithdrawForm(request.POST), scope="link", action=withdraw, page=page
    )


def author_feedback(
    request: HttpRequest, experience: Experience, answer: PublicAnswer, *, back: str
) -> HttpResponse:
    """The author says whether the answer helped: the public vote's service, flagged as
    the author's, once (one voter key for the link and the account)."""
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Répondez par oui ou par non.")
        return redirect(back)
    try:
        services.answer_feedback_record(
            answer=answer,
            helpful=form.cleaned_data["helpful"],
            voter=digests.author_voter_digest(experience.private_token_digest),
            is_author=True,
        )
    except VoiceError as error:
        (messages.info if error.code == "already_voted" else messages.error)(request, error.message)
    else:
        messages.success(request, "Merci, votre avis sur cette réponse est enregistré.")
    return redirect(back)


@never_cache
@_link_view
def follow(request: HttpRequest, token: str) -> HttpResponse:
    experience = _experience_of_link(request, token)
    return _private(
        render(
            request,
            "voice/follow.html",
            {
                "title": "Suivre votre expérience",
                "token": token,
                **author_page_context(experience),
                "can_attach": experience.author_id is None and experience.status != S.WITHDRAWN,
            },
        )
    )


@never_cache
@require_POST
@_link_view
def follow_attach(request: HttpRequest, token: str) -> HttpResponse:
    """The author, signed in, gathers this experience with the others of their account."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("voice:follow", kwargs={"token": token}))
    experience = _experience_of_link(request, token)
    try:
        services.experience_attach_author(experience=experience, user=cast(User, request.user))
    except VoiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "L’expérience est rattachée à votre compte.")
    return redirect("voice:follow", token=token)


def _public_url(experience: Experience) -> str:
    if experience.status not in {S.PUBLISHED, S.ANSWERED}:
        return ""
    try:
        return reverse("publication:experience_detail", kwargs={"uuid": experience.uuid})
    except NoReverseMatch:
        return ""


@never_cache
@require_http_methods(["GET", "POST"])
@_link_view
def correct(request: HttpRequest, token: str) -> HttpResponse:
    def page(form: forms.Form, status: int) -> HttpResponse:
        context = {
            "title": "Corriger votre expérience",
            "form": form,
            "token": token,
            "reminder": PERSONAL_DATA_REMINDER,
        }
        return _private(render(request, "voice/correct.html", context, status=status))

    experience = _experience_of_link(request, token)
    back = reverse("voice:follow", kwargs={"token": token})
    return author_correct(request, experience, back=back, page=page)


@never_cache
@require_http_methods(["GET", "POST"])
@_link_view
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    experience = _experience_of_link(request, token)

    def page(form: forms.Form, status: int) -> HttpResponse:
        context = {
            "title": "Retirer votre expérience",
            "form": form,
            "token": token,
            "experience": experience,
        }
        return _private(render(request, "voice/withdraw.html", context, status=status))

    back = reverse("voice:follow", kwargs={"token": token})
    return author_withdraw(request, experience, back=back, done=back, page=page)


@never_cache
@require_POST
@_link_view
def follow_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The author says whether the answer helped (their vote is flagged)."""
    experience = _experience_of_link(request, token)
    answer = selectors.published_answer_of(experience)
    if answer is None:
        raise Http404
    back = reverse("voice:follow", kwargs={"token": token})
    return author_feedback(request, experience, answer, back=back)


# The vote block under a public answer: its messages are shown there, where the reader
# is, and the page comes back scrolled to it (``voice_tags.anchored_messages``).
FEEDBACK_ANCHOR = "avis-reponse"


@never_cache
@require_http_methods(["GET", "POST"])
def answer_feedback(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Readers say whether a published answer helped: once per voter (hashed IP + browser).

    Without JavaScript: the vote goes back to the page it came from (``next``), its
    confirmation shown in the vote block; a second vote is told so in one sentence."""
    answer = selectors.published_answer(uuid)

    def page(form: forms.Form, status: int) -> HttpResponse:
        context = {
            "title": "Cette réponse vous a-t-elle aidé ?",
            "answer": answer,
            "form": form,
            "experience": answer.experience,
        }
        return render(request, "voice/answer_feedback.html", context, status=status)

    def vote(data: dict[str, Any]) -> HttpResponse:
        ip = client_ip(request)
        voter = digests.voter_digest(ip=ip, user_agent=request.headers.get("User-Agent", ""))
        try:
            services.answer_feedback_record(
                answer=answer,
                helpful=data["helpful"],
                voter=voter,
                network=digests.network_digest(ip=ip),
            )
        except VoiceError as error:
            if error.code not in ("already_voted", "network_vote_limit"):
                raise
            # Not an error for the reader: their first vote counts.
            messages.info(request, error.message, extra_tags=_anchored(FEEDBACK_ANCHOR))
        else:
            messages.success(
                request, "Merci, votre avis est enregistré.", extra_tags=_anchored(FEEDBACK_ANCHOR)
            )
        return redirect(_back_to_vote(request, answer.experience.uuid))

    if request.method != "POST":
        return page(FeedbackForm(), 200)
    return submit_form(
        request, FeedbackForm(request.POST), scope="feedback", action=vote, page=page
    )


def _anchored(anchor: str) -> str:
    return f"anchored {anchor}"


def _back_to_vote(request: HttpRequest, uuid: Any) -> str:
    """The page the vote came from (same site only), else the vote page, at the vote block."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("voice:answer_feedback", kwargs={"uuid": uuid})
    return f"{target.split('#', 1)[0]}#{FEEDBACK_ANCHOR}"


@login_required
def my_experiences(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "voice/my_experiences.html",
        {
            "title": "Mes expériences",
            "breadcrumb": breadcrumb(("Mon compte", reverse("accounts:account"))),
            "experiences": selectors.experiences_of_author(request.user)[:200],
        },
    )
