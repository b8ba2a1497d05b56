"""Planning the messages an event asks for: directory updates, then one pending delivery per
message (or the NotificationFailed of an unreachable recipient), all in the caller's transaction,
so a redelivered event plans nothing twice (and the dedup_key primary key would refuse it anyway).
Used by the consumer's reaction and by the reminder scheduler."""
from __future__ import annotations

from dataclasses import replace

from contracts.envelope import Envelope
from contracts.events import NotificationFailed, Payload
from contracts.plan import Plan
from plumbing.application import Recorder
from plumbing.personal_data import lookup
from plumbing.references import ReferenceNotYetKnown
from services.notify.domain.compose import Outgoing, compose
from services.notify.domain.recipients import Contact, RecipientKind, contact_updates, merge
from services.notify.domain.routing import route
from services.notify.domain.templates import Catalogue
from services.notify.usecases.recording import append_outcome


async def _contact(conn, kind: str, ref: str) -> Contact | None:
    row = await conn.fetchrow("SELECT name, phone, rank, person_ref FROM contacts WHERE kind = $1 AND ref = $2",
                              kind, ref)
    return Contact(RecipientKind(kind), ref, row["name"], row["phone"], row["rank"], row["person_ref"]) if row else None


async def _reachable(conn, contact: Contact | None) -> Contact | None:
    """A person's contact with their current name and phone from personal_data (looked up now, at
    planning); marked erased after their tombstone; not yet known: retried (the topics are not
    ordered with each other), then dead-lettered (plumbing/references.py)."""
    if contact is None or not contact.person_ref:
        return contact
    found = await lookup(conn, [contact.person_ref])
    if contact.person_ref not in found:
        raise ReferenceNotYetKnown(f"the personal data of {contact.person_ref[:12]}…")
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
                        envelope: Envelope) -> None:
    for update in contact_updates(event):
        await save_contact(conn, update)
    for message in route(event, plan):
        directory = await _contact(conn, message.recipient_kind.value, message.recipient_ref)
        if message.contact is None:
            directory = await _reachable(conn, directory)
        planned = compose(envelope.event_id, message, directory, catalogue)
        if isinstance(planned, NotificationFailed):
            await append_outcome(recorder, conn, planned, envelope.correlation_id)
            continue
        await _queue(conn, planned, envelope, directory.person_ref if directory else "")


async def _queue(conn, out: Outgoing, envelope: Envelope, person_ref: str = "") -> None:
    await conn.execute(
        "INSERT INTO deliveries (dedup_key, notification_id, application_id, template, to_e164, recipient_masked,"
        " text, caused_by_event_id, correlation_id, person_ref)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (dedup_key) DO NOTHING",
        out.dedup_key, out.notification_id, out.application_id, out.template, out.to, out.recipient_masked, out.text,
        out.caused_by_event_id, envelope.correlation_id, person_ref)
    await conn.execute("SELECT pg_notify('deliveries', '')")
