"""voice's routes and API operations in the security registry (see core/tests/route_registry)."""

from __future__ import annotations

import uuid
from typing import Any

from parvis.core.tests.route_registry import Operation, Route


def _token() -> str:
    return f"route-{uuid.uuid4().hex}"


def _link(**traits: Any):  # type: ignore[no-untyped-def]
    def build(w: Any, k: str) -> dict[str, Any]:
        from parvis.voice.tests.factories import ExperienceFactory

        token = _token()
        ExperienceFactory(local_service=w[k].service, token=token, **traits)
        return {"token": token}

    return build


def _uuid(**traits: Any):  # type: ignore[no-untyped-def]
    def build(w: Any, k: str) -> dict[str, Any]:
        from parvis.voice.tests.factories import ExperienceFactory

        return {"uuid": ExperienceFactory(local_service=w[k].service, **traits).uuid}

    return build


def _citizens(**traits: Any):  # type: ignore[no-untyped-def]
    """An experience of the world's citizen: anyone else, agents included, gets 404."""

    def build(w: Any, k: str) -> dict[str, Any]:
        from parvis.voice.tests.factories import ExperienceFactory

        experience = ExperienceFactory(local_service=w[k].service, author=w[k].citizen, **traits)
        return {"uuid": experience.uuid}

    return build


def _draft_answer(w: Any, k: str) -> dict[str, Any]:
    from parvis.voice.tests.factories import ExperienceFactory, PublicAnswerFactory

    experience = ExperienceFactory(local_service=w[k].service, published=True)
    PublicAnswerFactory(experience=experience)
    return {"uuid": experience.uuid}


def _answer_in_moderation(w: Any, k: str) -> dict[str, Any]:
    from parvis.voice.models import AnswerStatus
    from parvis.voice.tests.factories import ExperienceFactory, PublicAnswerFactory

    experience = ExperienceFactory(local_service=w[k].service, published=True)
    return {"pk": PublicAnswerFactory(experience=experience, status=AnswerStatus.IN_MODERATION).pk}


def _template(w: Any, k: str) -> dict[str, Any]:
    from parvis.voice.tests.factories import AnswerTemplateFactory

    return {"pk": AnswerTemplateFactory(organisation=w[k].org).pk}


HTML_ROUTES: dict[str, Route] = {
    # public: sharing needs no account; the private link is the author's credential
    "voice:share": Route("public"),
    "voice:share_story": Route("public", public_status=302),  # step 1 first
    "voice:share_contact": Route("public", public_status=302),
    "voice:share_done": Route("public"),
    "voice:follow": Route("public", kwargs=_link(in_moderation=True)),
    "voice:correct": Route("public", kwargs=_link(in_moderation=True)),
    "voice:withdraw": Route("public", kwargs=_link(published=True)),
    "voice:follow_feedback": Route("public", kwargs=_link(answered=True), public_status=405),
    "voice:follow_attach": Route("public", kwargs=_link(published=True), public_status=405),
    "voice:answer_feedback": Route("public", kwargs=_uuid(answered=True)),
    "voice:my_experiences": Route("login"),
    "voice:my_experience": Route(
        "login", kwargs=_citizens(answered=True), agent_status=404, admin_status=404
    ),
    "voice:my_experience_correct": Route(
        "login", kwargs=_citizens(in_moderation=True), agent_status=404, admin_status=404
    ),
    "voice:my_experience_withdraw": Route(
        "login", kwargs=_citizens(published=True), agent_status=404, admin_status=404
    ),
    "voice:my_experience_feedback": Route(
        "login", kwargs=_citizens(answered=True), agent_status=405, admin_status=405
    ),
    "voice:my_experience_record_link": Route(
        "login", kwargs=_citizens(published=True), agent_status=405, admin_status=405
    ),
    "voice:my_experience_record_unlink": Route(
        "login", kwargs=_citizens(published=True), agent_status=405, admin_status=405
    ),
    # back office: moderation is for platform moderators (and platform admins)
    "voice_backoffice:moderation_queue": Route("platform"),
    "voice_backoffice:moderation_detail": Route("platform", kwargs=_uuid(in_moderation=True)),
    "voice_backoffice:answer_moderation": Route("platform", kwargs=_answer_in_moderation),
    # back office: every role of the concerned service reads its experiences; quality
    # managers (and organisation admins) answer them
    "voice_backoffice:experience_list": Route("login"),
    "voice_backoffice:overdue": Route("login"),
    "voice_backoffice:experience_detail": Route("scoped", kwargs=_uuid(published=True)),
    "voice_backoffice:answer_compose": Route(
        "scoped", kwargs=_uuid(published=True), agent_status=403
    ),
    "voice_backoffice:answer_preview": Route("scoped", kwargs=_draft_answer, agent_status=403),
    "voice_backoffice:template_list": Route("login", agent_status=403),
    "voice_backoffice:template_create": Route("login", agent_status=403),
    "voice_backoffice:template_edit": Route("scoped", kwargs=_template, agent_status=403),
    # back office: agents record at their counter
    "voice_backoffice:assisted_create": Route("login"),
    "voice_backoffice:assisted_done": Route("login"),
}


def _submission(w: Any, k: str) -> dict[str, Any]:
    return {
        "organisation": w[k].org.slug,
        "local_service": w[k].service.slug,
        "title": "Accueil au guichet",
        "text": "Tout s'est bien passé, merci.",
        "tone": "positif",
    }


API_OPERATIONS: dict[tuple[str, str], Operation] = {
    # write tokens only: a session (even an organisation admin's) is not a partner site
    ("POST", "/api/v1/experiences/"): Operation(
        "authenticated",
        body=_submission,
        token_status=201,
        admin_status=401,
        agent_status=401,
    ),
    ("GET", "/api/v1/experiences/motifs-de-refus"): Operation("public"),
}
