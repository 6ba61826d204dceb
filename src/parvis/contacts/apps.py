from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "parvis.contacts"
    label = "contacts"
    verbose_name = "Contacts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models import Model

        from parvis.accounts.scoping import register
        from parvis.contacts import menu
        from parvis.contacts import models as m
        from parvis.contacts.connectors import (  # noqa: F401  (register them)
            chat,
            phone,
            sms,
        )
        from parvis.contacts.connectors import email as _email_connector  # noqa: F401 (registers)
        from parvis.core.crypto import register_encrypted

        menu.register_menu()

        register_encrypted(m.ContactPoint, "value_encrypted")
        register_encrypted(m.CitizenRecord, "nir_encrypted")
        register_encrypted(m.Message, "body_encrypted", "html_encrypted")
        register_encrypted(m.InboundRow, "payload_encrypted")
        register_encrypted(m.InboundEndpoint, "secret_encrypted", "previous_secret_encrypted")
        register_encrypted(m.Mailbox, "password_encrypted")
        register_encrypted(m.OrganisationWebhook, "secret_encrypted", "previous_secret_encrypted")

        # The hub's purges (raw rows, corrections, events included) are registered with
        # what they keep by ``services.retention.register`` below.

        # After the contact (issue 14, part 5): questions sent when a conversation is
        # resolved; the hub's retention (part 6), listed on the personal-data page.
        from parvis.contacts import survey_tasks
        from parvis.contacts.services import retention

        survey_tasks.subscribe()
        retention.register()
        register(m.SurveyInvitation, organisation="organisation", local_service=None, site=None)
        register(
            m.SurveyAnswer, organisation="invitation__organisation", local_service=None, site=None
        )

        # A queue sits where its owner sits, and its members see it (a national triage
        # queue, a partner's France Services queue): the queues listed to a person are
        # those whose conversations their list shows. A conversation sits where its queue
        # does, and also at the site that handled it (a counter visit).
        from parvis.contacts import relations

        register(
            m.Queue,
            organisation="organisation",
            local_service=("local_service", "site__local_service"),
            site="site",
            relations=[relations.queue_membership_relation("pk")],
        )

        register(
            m.Conversation,
            organisation="organisation",
            local_service=(
                "queue__local_service",
                "queue__site__local_service",
                "site__local_service",
            ),
            site=("queue__site", "site"),
            relations=relations.conversation_relations(""),
        )
        for model, prefix in (
            (m.Message, "conversation__"),
            (m.Attachment, "message__conversation__"),
            (m.ConversationTransition, "conversation__"),
            (m.Call, "conversation__"),
        ):
            register(
                model,
                organisation=f"{prefix}organisation",
                local_service=(
                    f"{prefix}queue__local_service",
                    f"{prefix}queue__site__local_service",
                    f"{prefix}site__local_service",
                ),
                site=(f"{prefix}queue__site", f"{prefix}site"),
                relations=relations.conversation_relations(prefix),
            )
        register(
            m.QueueMember,
            organisation="queue__organisation",
            local_service=("queue__local_service",),
            site="queue__site",
        )
        # Citizen records belong to the organisation as a whole: any grant in it (its
        # organisation, one of its local services or sites) sees them; other organisations
        # only through an active consent (``contacts.relations``).
        relations.register_citizen_records()
        org_level: tuple[type[Model], ...] = (
            m.InboundEndpoint,
            m.OrganisationWebhook,
            m.WebhookEvent,
            m.QualificationCorrection,
        )
        for org_model in org_level:
            register(org_model, organisation="organisation", local_service=None, site=None)
        register(m.Mailbox, organisation="endpoint__organisation", local_service=None, site=None)
        register(m.InboundRow, organisation="endpoint__organisation", local_service=None, site=None)

        # Hub core: every organisation has its triage queue from its creation on; queues,
        # motifs and organisations read per message are kept a minute, forgotten on edits.
        from django.db.models.signals import m2m_changed, post_save

        from parvis.contacts.services.queues import queue_memo
        from parvis.directory.models import Motif, Organisation

        post_save.connect(
            _organisation_saved, sender=Organisation, dispatch_uid="contacts-triage-queue"
        )
        queue_memo.forget_on_change(m.Queue, Motif, Organisation, m.InboundEndpoint)
        from parvis.contacts.hooks_asgi import endpoint_memo

        endpoint_memo.forget_on_change(m.InboundEndpoint)
        from parvis.contacts.selectors import channel_labels_memo, queue_place_memo
        from parvis.directory.models import Channel, Site

        channel_labels_memo.forget_on_change(Channel)
        queue_place_memo.forget_on_change(Site)
        for through in (m.Queue.motifs.through, m.Queue.channels.through):
            m2m_changed.connect(
                queue_memo.forget,
                sender=through,
                weak=False,
                dispatch_uid=f"memo-contacts-queues-{through._meta.label}",
            )

        from parvis.contacts import webhooks

        webhooks.connect()  # the events log and organisations' webhooks (part 6)

        from parvis.contacts import webhook_views

        webhook_views.register_menu()  # « Webhooks » of the organisation admin (part 6)


def _organisation_saved(
    sender: type, instance: object, created: bool, raw: bool, **kwargs: object
) -> None:
    """A new organisation gets its triage queue in the same transaction."""
    if created and not raw:
        from parvis.contacts.services.queues import triage_queue_create_for_new

        triage_queue_create_for_new(organisation=instance)  # type: ignore[arg-type]
