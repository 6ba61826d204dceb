"""The email connector: parsing, threading, acknowledgements, bounces, replies."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail
from django.core.management import CommandError, call_command

from parvis.accounts.tests.factories import UserFactory
from parvis.contacts import connectors, mime
from parvis.contacts.acknowledgements import ACKNOWLEDGEMENT_TEMPLATE
from parvis.contacts.connectors.email import email_reply_send
from parvis.contacts.models import Conversation, Direction, InboundRow, InboundStatus, Message
from parvis.contacts.services import inbound_accept
from parvis.contacts.tests.email_fixtures import PDF, dsn, mail
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.core.crypto import decrypt_text
from parvis.messaging.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():  # type: ignore[no-untyped-def]
    channel("courriel")
    return InboundEndpointFactory(address="contact@caf.example")


@pytest.fixture
def receive(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Store a raw mail as the webhook would, and let the (eager) worker process it."""

    def _receive(endpoint, raw: bytes) -> InboundRow:  # type: ignore[no-untyped-def]
        [(kind, external_id, payload)] = connectors.get("courriel").accept(raw, {})  # type: ignore[attr-defined]
        with django_capture_on_commit_callbacks(execute=True):
            row, _ = inbound_accept(
                endpoint=endpoint,
                channel="courriel",
                external_id=external_id,
                payload=payload,
                content_type="message/rfc822",
                kind=kind,
            )
        row.refresh_from_db()
        assert row.status == InboundStatus.PROCESSED
        return row

    return _receive


def inbound_messages():  # type: ignore[no-untyped-def]
    return Message.objects.filter(direction=Direction.INBOUND)


# --- Parsing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("message_id", [None, "   "])
def test_a_missing_or_blank_message_id_is_derived_stably_from_the_bytes(message_id):
    raw = mail(message_id=message_id)
    parsed = mime.parse(raw)
    assert not parsed.has_message_id
    assert parsed.inbound.external_id == mime.parse(raw).inbound.external_id
    assert parsed.inbound.external_id.endswith(f"@{mime.DERIVED_ID_DOMAIN}>")
    assert mime.parse(mail(message_id=message_id, text="autre")).inbound.external_id != (
        parsed.inbound.external_id
    )


def test_plain_text_is_preferred_and_threading_headers_are_read():
    parsed = mime.parse(
        mail(
            html="<p>version <b>HTML</b></p>",
            in_reply_to="<a@x>",
            references="<root@x> <a@x>",
        )
    )
    inbound = parsed.inbound
    assert inbound.text == "Bonjour, où en est mon dossier ?"
    assert "<b>HTML</b>" in inbound.html
    assert (inbound.in_reply_to, inbound.references) == ("<a@x>", ("<root@x>", "<a@x>"))
    assert (inbound.channel, inbound.register, inbound.sender) == (
        "courriel",
        "email",
        "paul@example.org",
    )
    assert inbound.subject == "Ma demande d’aide au logement"


def test_an_html_only_mail_is_converted_to_text_and_its_html_sanitised(endpoint, receive):
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>Bonjour,</p>"
        "<p>Mon dossier n&deg; 12 &amp; <a href='javascript:alert(1)'>ici</a></p>"
        "<script>alert('x')</script></body></html>"
    )
    parsed = mime.parse(mail(text=None, html=html))
    assert parsed.inbound.text == "Bonjour,\n\nMon dossier n° 12 & ici"
    receive(endpoint, mail(text=None, html=html))
    message = inbound_messages().get()
    assert decrypt_text(message.body_encrypted) == "Bonjour,\n\nMon dossier n° 12 & ici"


def test_inbound_html_is_stored_sanitised(endpoint, receive):
    from parvis.core.crypto import decrypt_text

    html = "<p onclick='x()'>Bonjour</p><script>alert(1)</script>"
    receive(endpoint, mail(html=html))
    stored = decrypt_text(Message.objects.get(direction=Direction.INBOUND).html_encrypted)
    assert "script" not in stored and "onclick" not in stored
    assert "Bonjour" in stored


def test_control_characters_never_reach_stored_text(endpoint, receive):
    # PostgreSQL refuses NUL in text: a hostile mail must still be stored.
    raw = (
        b"From: paul@example.org\r\nSubject: Bon\x00jour\x07\r\n"
        b"Message-ID: <nul\x00@example.org>\r\nIn-Reply-To: <x\x00y@example.org>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nTexte\x00 avec NUL\r\n"
    )
    receive(endpoint, raw)
    message = inbound_messages().get()
    assert message.subject == "Bonjour"
    assert "\x00" not in message.external_id + message.in_reply_to
    assert decrypt_text(message.body_encrypted) == "Texte avec NUL"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xff\xfe garbage \x00 without headers",
        b"Subject: =?x-unknown?q?abc?=\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nabc",
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64",
        b"Content-Type: multipart/mixed\r\n\r\nno boundary at all",
        b"Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/html\r\n"
        b"\r\n<p>unterminated",
        b"From: <<<@@@>>>\r\nMessage-ID: <a@b> <c@d>\r\nReferences: garbage <e@f>\r\n\r\nx",
    ],
)
def test_malformed_mail_is_parsed_without_raising(raw):
    parsed = mime.parse(raw)
    assert parsed.inbound.external_id


def test_attachments_become_incoming_files():
    parsed = mime.parse(mail(attachments=[("avis d’imposition.pdf", PDF, "application/pdf")]))
    [attached] = parsed.inbound.attachments
    assert attached.filename == "avis d’imposition.pdf"
    assert attached.content == PDF
    assert attached.declared_type == "application/pdf"


# --- Threading ------------------------------------------------------------------------------------


def test_the_same_message_id_sent_to_two_organisations_opens_one_conversation_each(receive):
    channel("courriel")
    first, second = InboundEndpointFactory(), InboundEndpointFactory()
    raw = mail(message_id="<same@example.org>")
    receive(first, raw)
    receive(second, raw)
    conversations = Conversation.objects.all()
    assert conversations.count() == 2
    assert {c.organisation_id for c in conversations} == {
        first.organisation_id,
        second.organisation_id,
    }
    # And a reply threads in each organisation's own conversation.
    receive(first, mail(message_id="<r1@example.org>", in_reply_to="<same@example.org>"))
    receive(second, mail(message_id="<r2@example.org>", in_reply_to="<same@example.org>"))
    assert Conversation.objects.count() == 2
    for conversation in conversations:
        assert conversation.messages.filter(direction=Direction.INBOUND).count() == 2


def test_a_reply_with_only_in_reply_to_threads(endpoint, receive):
    receive(endpoint, mail(message_id="<first@example.org>"))
    receive(
        endpoint,
        mail(message_id="<second@example.org>", in_reply_to="<first@example.org>", subject="x"),
    )
    assert Conversation.objects.count() == 1
    assert inbound_messages().count() == 2


def test_a_reply_with_only_references_threads(endpoint, receive):
    receive(endpoint, mail(message_id="<first@example.org>"))
    receive(
        endpoint,
        mail(message_id="<third@example.org>", references="<zzz@x> <first@example.org>"),
    )
    assert Conversation.objects.count() == 1


def test_a_mail_without_message_id_received_twice_is_stored_once(endpoint, receive):
    raw = mail(message_id=None)
    receive(endpoint, raw)
    receive(endpoint, raw)
    assert inbound_messages().count() == 1


def test_the_same_mail_reaching_two_mailboxes_of_one_organisation_is_stored_once(endpoint, receive):
    other = InboundEndpointFactory(organisation=endpoint.organisation, address="b@caf.example")
    receive(endpoint, mail())
    receive(other, mail())
    assert inbound_messages().count() == 1


def test_a_mail_from_an_agents_address_stays_inbound(endpoint, receive):
    agent = UserFactory()
    receive(endpoint, mail(sender=agent.email, message_id="<agent@example.org>"))
    message = Message.objects.get(external_id="<agent@example.org>")
    assert message.direction == Direction.INBOUND
    assert message.author_id is None


# --- Acknowledgement of receipt -------------------------------------------------------------------


def test_a_request_gets_its_acknowledgement_stored_as_an_automatic_outbound_message(
    endpoint, receive
):
    organisation = endpoint.organisation
    organisation.article, organisation.short_name = "la", "CAF"
    organisation.save()
    receive(endpoint, mail())
    [sent] = django_mail.outbox
    conversation = Conversation.objects.get()
    assert sent.to == ["paul@example.org"]
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert sent.extra_headers["In-Reply-To"] == "<m1@example.org>"
    assert sent.extra_headers["Reply-To"] == "contact@caf.example"
    assert conversation.reference in sent.subject
    assert "a bien reçu votre demande le" in sent.body
    # The sentence opens with the receiver as French says it (« La CAF a bien reçu »).
    assert "\nLa CAF a bien reçu votre demande le" in sent.body
    assert "contact@caf.example" in sent.body  # contact details
    assert "jours ouvrés" in sent.body  # the deadline that applies
    assert "L. 112-3" in sent.body
    ack = Message.objects.get(direction=Direction.OUTBOUND)
    assert ack.is_automatic and ack.conversation == conversation
    assert ack.external_id == sent.extra_headers["Message-ID"]
    assert ack.delivery.status == DeliveryStatus.SENT
    assert ack.delivery.template == ACKNOWLEDGEMENT_TEMPLATE
    # The citizen answering the acknowledgement threads into the conversation.
    receive(endpoint, mail(message_id="<m2@example.org>", in_reply_to=ack.external_id))
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize(
    "headers,sender",
    [
        ({"Auto-Submitted": "auto-replied"}, None),
        ({"Auto-Submitted": "auto-generated; type=vacation"}, None),
        ({"Precedence": "bulk"}, None),
        ({"Precedence": "list"}, None),
        ({"Precedence": "junk"}, None),
        ({"List-Id": "<annonces.example.org>"}, None),
        ({}, "no-reply@impots.example"),
        ({}, "Ne pas répondre <ne-pas-repondre@service.example>"),
        ({}, "bounces+x1@lists.example.org"),
    ],
)
def test_automatic_bulk_or_machine_mail_gets_no_acknowledgement(endpoint, receive, headers, sender):
    receive(endpoint, mail(headers=headers, sender=sender or "paul@example.org"))
    assert inbound_messages().count() == 1  # it is still received
    assert django_mail.outbox == []
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_a_mail_from_one_of_parvis_own_mailboxes_gets_no_acknowledgement(endpoint, receive):
    InboundEndpointFactory(address="accueil@cpam.example")
    receive(endpoint, mail(sender="accueil@cpam.example"))
    assert django_mail.outbox == []


def test_the_simulator_stores_and_processes_a_test_email(endpoint, capsys):
    call_command("simulate_email", str(endpoint.uuid), "--from", "lea@example.org", "--process")
    assert "Traitée." in capsys.readouterr().out
    assert Conversation.objects.get().organisation_id == endpoint.organisation_id
    with pytest.raises(CommandError):
        call_command("simulate_email", "not-a-uuid")


def test_auto_submitted_no_is_a_person_and_gets_an_acknowledgement(endpoint, receive):
    receive(endpoint, mail(headers={"Auto-Submitted": "no"}))
    assert len(django_mail.outbox) == 1


def test_a_second_request_the_same_day_gets_no_second_acknowledgement(endpoint, receive):
    receive(endpoint, mail(message_id="<a@example.org>", subject="Première demande"))
    receive(endpoint, mail(message_id="<b@example.org>", subject="Autre demande"))
    assert Conversation.objects.count() == 2
    assert len(django_mail.outbox) == 1
    assert Delivery.objects.filter(template=ACKNOWLEDGEMENT_TEMPLATE).count() == 1


def test_a_follow_up_in_a_conversation_is_not_acknowledged_again(endpoint, receive):
    receive(endpoint, mail(message_id="<a@example.org>"))
    Delivery.objects.update(created_at="2020-01-01T00:00:00Z")  # yesterday's, say
    receive(endpoint, mail(message_id="<b@example.org>", in_reply_to="<a@example.org>"))
    assert len(django_mail.outbox) == 1


def test_another_organisation_acknowledges_the_same_address_the_same_day(receive):
    channel("courriel")
    receive(InboundEndpointFactory(), mail(message_id="<a@example.org>"))
    receive(InboundEndpointFactory(), mail(message_id="<b@example.org>"))
    assert len(django_mail.outbox) == 2


# --- Bounces ----------------------------------------------------------------------------------


def test_a_bounce_updates_the_outbox_and_opens_nothing(endpoint, receive):
    receive(endpoint, mail())
    ack = Message.objects.get(direction=Direction.OUTBOUND)
    assert Conversation.objects.count() == 1
    receive(endpoint, dsn(original_message_id=ack.external_id))
    ack.delivery.refresh_from_db()
    assert ack.delivery.status == DeliveryStatus.DEAD_LETTER
    assert ack.delivery.error_class == "bounced:5.1.1"
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 2  # the request and its acknowledgement only
    assert len(django_mail.outbox) == 1  # and nobody acknowledges a bounce


def test_a_delivered_report_marks_the_row_delivered(endpoint, receive):
    receive(endpoint, mail())
    ack = Message.objects.get(direction=Direction.OUTBOUND)
    receive(endpoint, dsn(original_message_id=ack.external_id, action="delivered", status="2.0.0"))
    ack.delivery.refresh_from_db()
    assert ack.delivery.status == DeliveryStatus.DELIVERED


def test_a_bounce_about_an_unknown_mail_opens_nothing(endpoint, receive):
    receive(endpoint, dsn(original_message_id="<unknown@parvis.localhost>"))
    assert not Conversation.objects.exists()
    assert django_mail.outbox == []


def test_a_plain_bounce_from_mailer_daemon_opens_nothing(endpoint, receive):
    receive(endpoint, mail())
    ack = Message.objects.get(direction=Direction.OUTBOUND)
    raw = mail(
        sender="MAILER-DAEMON@mx.example.org",
        message_id="<b@mx>",
        subject="failure notice",
        text=f"Sorry, I could not deliver.\n\n--- Message-ID: {ack.external_id}\n",
    )
    receive(endpoint, raw)
    assert Conversation.objects.count() == 1
    ack.delivery.refresh_from_db()
    assert ack.delivery.status == DeliveryStatus.DEAD_LETTER


# --- Webhook accept ---------------------------------------------------------------------------


def test_the_webhook_names_a_mail_by_its_message_id_else_by_its_hash():
    connector = connectors.get("courriel")
    [(kind, external_id, _payload)] = connector.accept(mail(), {})  # type: ignore[attr-defined]
    assert (kind, external_id) == ("message", "<m1@example.org>")
    raw = mail(message_id=None)
    [(_, external_id, _)] = connector.accept(raw, {})  # type: ignore[attr-defined]
    assert external_id == "sha256:" + mime.raw_digest(raw)
    with pytest.raises(ValueError):
        connector.accept(b"  ", {})  # type: ignore[attr-defined]


# --- Outbound reply -----------------------------------------------------------------------------


def test_an_agents_reply_goes_by_smtp_with_threading_headers_and_the_answer_threads_back(
    endpoint, receive, smtp_inbox, django_capture_on_commit_callbacks
):
    receive(
        endpoint,
        mail(message_id="<q@example.org>", headers={"Auto-Submitted": "auto-generated"}),
    )
    conversation = Conversation.objects.get()
    agent = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        reply = email_reply_send(
            conversation=conversation, author=agent, text="Votre dossier est complet."
        )
    [sent] = smtp_inbox.messages
    assert sent["To"] == "paul@example.org"
    assert sent["Message-ID"] == reply.external_id
    assert sent["In-Reply-To"] == "<q@example.org>"
    assert sent["References"] == "<q@example.org>"
    assert sent["Subject"] == "Re: Ma demande d’aide au logement"
    assert "Votre dossier est complet." in smtp_inbox.bodies()[0]
    reply.refresh_from_db()
    assert reply.direction == Direction.OUTBOUND and reply.author == agent
    # The agent's reply is the contact's first answer (the quality indicators read it).
    conversation.refresh_from_db()
    assert conversation.first_answered_at == reply.created_at
    assert reply.delivery.status == DeliveryStatus.SENT
    assert reply.delivery.provider_message_id == reply.external_id
    receive(endpoint, mail(message_id="<q2@example.org>", in_reply_to=reply.external_id))
    assert Conversation.objects.count() == 1
    assert inbound_messages().count() == 2
