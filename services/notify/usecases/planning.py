"""Planning the messages an event asks for: directory updates, then one pending delivery per
message (or the NotificationFailed of an unreachable recipient), all in the caller's unit of
work, so a redelivered event plans nothing twice (and the dedup key would refuse it anyway).
Used by the consumer's reaction, by the reminders job and when a person's data arrives."""
from __future__ import annotations

from dataclasses import replace

from contracts.envelope import Envelope
from contracts.events import NotificationFailed, Payload
from contracts.plan import Plan
from contracts.registry import decode
from plumbing.core.unit_of_work import UnitOfWork
from services.notify.domain.compose import compose
from services.notify.domain.recipients import Contact, contact_updates, merge
from services.notify.domain.routing import route
from services.notify.domain.templates import Catalogue
from services.notify.usecases.ports import Erased, NotifyPorts
from services.notify.usecases.recording import append_outcome

Uow = UnitOfWork[NotifyPorts]


class PersonNotYetKnown(Exception):
    def __init__(self, person_ref: str) -> None:
        super().__init__(f"the personal data of {person_ref[:12]}… has not arrived")
        self.person_ref = person_ref


async def _reachable(uow: Uow, contact: Contact | None) -> Contact | None:
    """A person's contact with their current name and phone (looked up now, at planning); marked
    erased after their tombstone; PersonNotYetKnown while their record has not arrived (the
    personal-data topic is not ordered with the event topics)."""
    if contact is None or not contact.person_ref:
        return contact
    record = await uow.ports.people.current(contact.person_ref)
    if record is None:
        raise PersonNotYetKnown(contact.person_ref)
    if isinstance(record, Erased):
        return replace(contact, erased=True)
    return replace(contact, name=record.name, phone=record.phone)


async def save_contact(uow: Uow, update: Contact) -> None:
    directory = uow.ports.directory
    await directory.save(merge(await directory.contact(update.kind, update.ref), update))


async def plan_messages(uow: Uow, plan: Plan, catalogue: Catalogue, event: Payload, envelope: Envelope, *,
                        update_directory: bool = True) -> None:
    """`update_directory` False when an event is planned again (replan_for_person): its directory
    updates were applied when it first arrived, and applying them again could bring back a contact a
    later event replaced (a unit's previous operator)."""
    if update_directory:
        for update in contact_updates(event):
            await save_contact(uow, update)
    for message in route(event, plan):
        directory = message.contact or await uow.ports.directory.contact(message.recipient_kind, message.recipient_ref)
        try:
            directory = await _reachable(uow, directory)
        except PersonNotYetKnown as waiting:
            # Set the event aside (visibly) until the person's record or tombstone arrives; then it
            # is planned again. Planning twice is harmless: deliveries and outcomes are keyed by the
            # event, template and recipient. Nothing waits on the consumer meanwhile.
            await uow.ports.set_aside.put(waiting.person_ref, envelope)
            continue
        planned = compose(envelope.event_id, message, directory, catalogue)
        if isinstance(planned, NotificationFailed):
            await append_outcome(uow, planned, envelope.correlation_id)
            continue
        await uow.ports.deliveries.queue(planned, envelope.correlation_id, directory.person_ref if directory else "")


def replan_for_person(plan: Plan, catalogue: Catalogue):
    """When a person's record (or tombstone) arrives: plan again every event that waited for them."""
    async def replan(uow: Uow, person_ref: str) -> None:
        for envelope in await uow.ports.set_aside.take(person_ref):
            await plan_messages(uow, plan, catalogue, decode(envelope), envelope, update_directory=False)
    return replan
