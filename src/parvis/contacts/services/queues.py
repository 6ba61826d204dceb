"""Queues: the triage queue of each organisation, the queue a new conversation goes to,
and the deadlines stored at queueing.

Deadlines are counted on the queue's calendar with ``directory.servicelevels`` only:
business time for phone and chat (the first answer), working days for email, SMS and
counter follow-ups; the resolution and the deadline announced to the citizen (the motif's
commitment if set, else the queue's) in working days for every channel.

What is read for every new conversation (queues, motifs) is kept in the process for a
minute (``core.memo``) and forgotten at once on edits in the same process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from parvis.contacts.models import Queue
from parvis.contacts.selectors import BUSINESS_TIME_CHANNELS, place_of_queue
from parvis.core.memo import ProcessMemo
from parvis.directory import servicelevels
from parvis.directory.models import Motif, Organisation
from parvis.directory.servicelevels import Place

# Channels whose first answer is due in business time (opening hours); the others count
# working days.
TRIAGE_SLUG = "tri"
TRIAGE_NAME = "File de tri"

queue_memo = ProcessMemo("contacts-queues", ttl=60.0)


# --- Triage ---------------------------------------------------------------------------------


@transaction.atomic
def triage_queue_ensure(*, organisation: Organisation) -> Queue:
    """The organisation's one triage queue (national: no département), created if absent."""
    queue = Queue.objects.filter(organisation=organisation, is_triage=True).first()
    if queue is not None:
        return queue
    slug = TRIAGE_SLUG
    if Queue.objects.filter(organisation=organisation, slug=slug).exists():
        slug = f"{TRIAGE_SLUG}-{organisation.pk}"
    queue = Queue(organisation=organisation, name=TRIAGE_NAME, slug=slug, is_triage=True)
    queue.full_clean()
    queue.save()
    return queue


def triage_queue_create_for_new(*, organisation: Organisation) -> Queue:
    """The triage queue of an organisation just created (its post-save signal): nothing of
    it can exist yet, so no lookup and no validation query (an organisation is created
    in nearly every test: this is the cheap path)."""
    return Queue.objects.create(
        organisation=organisation, name=TRIAGE_NAME, slug=TRIAGE_SLUG, is_triage=True
    )


def triage_queue_of(organisation_id: int) -> Queue:
    def load() -> Queue:
        queue = Queue.objects.filter(organisation_id=organisation_id, is_triage=True).first()
        if queue is None:  # an organisation created before the contact hub, in a test
            queue = triage_queue_ensure(organisation=Organisation.objects.get(pk=organisation_id))
        return queue

    return queue_memo.get(("triage", organisation_id), load)


# --- Choosing a queue -----------------------------------------------------------------------


def queue_by_id(queue_id: int) -> Queue:
    """A queue with what its calendar needs (sites and their communes)."""
    return queue_memo.get(
        ("queue", queue_id),
        lambda: Queue.objects.select_related(
            "site__commune", "calendar_site__commune", "departement"
        ).get(pk=queue_id),
    )


def queue_for_motif(*, organisation_id: int, motif_id: int, channel: str) -> Queue | None:
    """An active queue of the organisation serving the motif: one that also lists the
    channel first, then one open to every channel (no channel listed)."""

    def load() -> int | None:
        candidates = (
            Queue.objects.filter(
                organisation_id=organisation_id, is_active=True, is_triage=False, motifs=motif_id
            )
            .prefetch_related("channels")
            .order_by("pk")
        )
        fallback = None
        for queue in candidates:
            slugs = {c.pk for c in queue.channels.all()}
            if channel in slugs:
                return queue.pk
            if not slugs and fallback is None:
                fallback = queue.pk
        return fallback

    queue_id = queue_memo.get(("motif", organisation_id, motif_id, channel), load)
    return queue_by_id(queue_id) if queue_id is not None else None


def motifs_of(organisation_id: int) -> dict[str, Motif]:
    """The organisation's active motifs by slug."""
    return queue_memo.get(
        ("motifs", organisation_id),
        lambda: {
            motif.slug: motif
            for motif in Motif.objects.filter(organisation_id=organisation_id, is_active=True)
        },
    )


# --- Deadlines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    first_answer_due_at: dt.datetime | None
    resolution_due_at: dt.datetime
    announced_deadline: dt.datetime


def _business_deadline(start: dt.datetime, seconds: int, place: Place) -> dt.datetime | None:
    # Most answers fall within a fortnight: a year's calendar only for a long closure.
    duration = dt.timedelta(seconds=seconds)
    return servicelevels.add_business_time(
        start, duration, place, horizon_days=14
    ) or servicelevels.add_business_time(start, duration, place)


def deadlines_of(*, queue: Queue, channel: str, motif: Motif | None, now: dt.datetime) -> Deadlines:
    place = place_of_queue(queue)
    if channel in BUSINESS_TIME_CHANNELS:
        first = _business_deadline(now, queue.first_answer_business_seconds, place)
    else:
        first = servicelevels.working_days_deadline(now, queue.first_answer_working_days, place)
    commitment = queue.commitment_working_days
    if motif is not None and motif.commitment_working_days is not None:
        commitment = motif.commitment_working_days
    return Deadlines(
        first_answer_due_at=first,
        resolution_due_at=servicelevels.working_days_deadline(
            now, queue.resolution_working_days, place
        ),
        announced_deadline=servicelevels.working_days_deadline(now, commitment, place),
    )
