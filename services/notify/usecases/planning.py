"""Planning the messages an event asks for: directory updates, then one pending delivery per
message (or the NotificationFailed of an unreachable recipient), all in the caller's transaction,
so a redelivered event plans nothing twice (and the dedup_key primary key would refuse it anyway).
Used by the consumer's reaction and by the reminder scheduler."""
from __future__ import annotations

from contracts.envelope import Envelope
from contracts.events import NotificationFailed, Payload
from contracts.plan import Plan
from plumbing.application import Recorder
from services.notify.domain.compose import Outgoing, compose
from services.notify.domain.recipients import Contact, RecipientKind, contact_updates, merge
from services.notify.domain.routing import route
from services.notify.domain.templates import Catalogue
from services.notify.usecases.recording import append_outcome


async def _contact(conn, kind: str, ref: str) -> Contact | None:
    row = await conn.fetchrow("SELECT name, phone, rank FROM contacts WHERE kind = $1 AND ref = $2", kind, ref)
    return Contact(RecipientKind(kind), ref, row["name"], row["phone"], row["rank"]) if row else None


async def save_contact(conn, update: Contact) -> None:
    kept = merge(await _contact(conn, update.kind.value, update.ref), update)
    await conn.execute(
        "INSERT INTO contacts (kind, ref, name, phone, rank) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (kind, ref)"
        " DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, rank = EXCLUDED.rank",
        kept.kind.value, kept.ref, kept.name, kept.phone, kept.rank)


async def plan_messages(recorder: Recorder, plan: Plan, catalogue: Catalogue, conn, event: Payload,
                        envelope: Envelope) -> None:
    for update in contact_updates(event):
        await save_contact(conn, update)
    for message in route(event, plan):
        directory = await _contact(conn, message.recipient_kind.value, message.recipient_ref)
        planned = compose(envelope.event_id, message, directory, catalogue)
        if isinstance(planned, NotificationFailed):
            await append_outcome(recorder, conn, planned, envelope.correlation_id)
            continue
        await _queue(conn, planned, envelope)


async def _queue(conn, out: Outgoing, envelope: Envelope) -> None:
    await conn.execute(
        "INSERT INTO deliveries (dedup_key, notification_id, application_id, template, to_e164, recipient_masked,"
        " text, caused_by_event_id, correlation_id)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (dedup_key) DO NOTHING",
        out.dedup_key, out.notification_id, out.application_id, out.template, out.to, out.recipient_masked, out.text,
        out.caused_by_event_id, envelope.correlation_id)
    await conn.execute("SELECT pg_notify('deliveries', '')")
