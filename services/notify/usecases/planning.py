"""Planning the messages an event asks for: directory updates, then one pending delivery per
message (or the NotificationFailed of an unreachable recipient), all in the caller's transaction,
so a redelivered event plans nothing twice (and the dedup_key primary key would refuse it anyway).
Used by the consumer's reaction and by the reminder scheduler."""
from __future__ import annotations

from dataclasses import replace

from contracts.envelope import Envelope
from contracts.events import NotificationFailed, Payload
from contracts.plan import Plan
from contracts.registry import decode
from plumbing.core.application import Recorder
from plumbing.core.personal_data import lock_person, lookup
from services.notify.domain.compose import Outgoing, compose
from services.notify.domain.recipients import Contact, RecipientKind, contact_updates, merge
from services.notify.domain.routing import route
from services.notify.domain.templates import Catalogue
from services.notify.usecases.recording import append_outcome


async def _contact(conn, kind: str, ref: str) -> Contact | None:
    row = await conn.fetchrow("SELECT name, phone, rank, person_ref FROM contacts WHERE kind = $1 AND ref = $2",
                              kind, ref)
    return Contact(RecipientKind(kind), ref, row["name"], row["phone"], row["rank"], row["person_ref"]) if row else None


class PersonNotYetKnown(Exception):
    def __init__(self, person_ref: str) -> None:
        super().__init__(f"the personal data of {person_ref[:12]}… has not arrived")
        self.person_ref = person_ref


async def _reachable(conn, contact: Contact | None) -> Contact | None:
    """A person's contact with their current name and phone from personal_data (looked up now, at
    planning); marked erased after their tombstone; PersonNotYetKnown while their record has not
    arrived (the personal-data topic is not ordered with the event topics)."""
    if contact is None or not contact.person_ref:
        return contact
    await lock_person(conn, contact.person_ref)  # the record cannot arrive unseen while we decide to wait
    found = await lookup(conn, [contact.person_ref])
    if contact.person_ref not in found:
        raise PersonNotYetKnown(contact.person_ref)
    record = found[contact.person_ref]
    if record is None:
        return replace(contact, erased=True)
    return replace(contact, name=record.name, phone=record.phone)


async def save_contact(conn, update: Contact) -> None:
    kept = merge(await _contact(conn, update.kind.value, update.ref), update)
    await conn.execute(
        "INSERT INTO contacts (kind, ref, name, phone, rank, person_ref) VALUES ($1,$2,$3,$4,$5,$6)"
        " ON CONFLICT (kind, ref) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, rank = EXCLUDED.rank,"
        " person_ref = EXCLUDED.person_ref",
        kept.kind.value, kept.ref, kept.name, kept.phone, kept.rank, kept.person_ref)


async def plan_messages(recorder: Recorder, plan: Plan, catalogue: Catalogue, conn, event: Payload,
                        envelope: Envelope, *, update_directory: bool = True) -> None:
    """`update_directory` False when an event is planned again (replan_for_person): its directory
    updates were applied when it first arrived, and applying them again could bring back a contact a
    later event replaced (a unit's previous operator)."""
    if update_directory:
        for update in contact_updates(event):
            await save_contact(conn, update)
    for message in route(event, plan):
        directory = message.contact or await _contact(conn, message.recipient_kind.value, message.recipient_ref)
        try:
            directory = await _reachable(conn, directory)
        except PersonNotYetKnown as waiting:
            await _wait_for_person(conn, waiting.person_ref, envelope)
            continue
        planned = compose(envelope.event_id, message, directory, catalogue)
        if isinstance(planned, NotificationFailed):
            await append_outcome(recorder, conn, planned, envelope.correlation_id)
            continue
        await _queue(conn, planned, envelope, directory.person_ref if directory else "")


async def _wait_for_person(conn, person_ref: str, envelope: Envelope) -> None:
    """Set the event aside (visibly, in `awaiting_personal_data`) until the person's record or
    tombstone arrives; then it is planned again (`replan_for_person`). Planning twice is harmless:
    deliveries and outcomes are keyed by the event, template and recipient. Nothing waits on the
    consumer meanwhile."""
    await conn.execute("INSERT INTO awaiting_personal_data (person_ref, event_id, envelope) VALUES ($1, $2, $3)"
                       " ON CONFLICT DO NOTHING", person_ref, envelope.event_id, envelope.model_dump_json())


def replan_for_person(recorder: Recorder, plan: Plan, catalogue: Catalogue):
    """The personal-data follower's hook: plan again every event that waited for this person."""
    async def replan(conn, person_ref: str) -> None:
        waiting = await conn.fetch("DELETE FROM awaiting_personal_data WHERE person_ref = $1 RETURNING envelope",
                                   person_ref)
        for row in waiting:
            envelope = Envelope.model_validate_json(row["envelope"])
            await plan_messages(recorder, plan, catalogue, conn, decode(envelope), envelope, update_directory=False)
    return replan


async def _queue(conn, out: Outgoing, envelope: Envelope, person_ref: str = "") -> None:
    await conn.execute(
        "INSERT INTO deliveries (dedup_key, notification_id, application_id, template, to_e164, recipient_masked,"
        " text, caused_by_event_id, correlation_id, person_ref)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (dedup_key) DO NOTHING",
        out.dedup_key, out.notification_id, out.application_id, out.template, out.to, out.recipient_masked, out.text,
        out.caused_by_event_id, envelope.correlation_id, person_ref)
    await conn.execute("SELECT pg_notify('deliveries', '')")
