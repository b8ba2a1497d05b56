"""Planning the messages an event asks for: directory updates, then one pending delivery per
message (or the NotificationFailed of an unreachable recipient), all in the caller's unit of
work, so a redelivered event plans nothing twice (and the dedup key would refuse it anyway).
Used by the consumer's reaction, by the reminders job and when a person's data arrives."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from contracts.envelope import Envelope
from contracts.events import (
    ApplicationResubmitted, ApplicationSubmitted, CaseOpened, EligibilityAssessed, NotificationFailed, Payload,
)
from contracts.plan import Plan, PlanRegistry, UnknownPlan
from contracts.registry import decode
from contracts.upcasters import FIRST_PLAN_ID, FIRST_PLAN_VERSION
from plumbing.core.unit_of_work import UnitOfWork
from services.notify.domain.compose import compose
from services.notify.domain.references import referred_application
from services.notify.domain.recipients import Contact, contact_updates, merge
from services.notify.domain.routing import route
from services.notify.domain.templates import Catalogue
from services.notify.usecases.ports import Erased, NotifyPorts
from services.notify.usecases.recording import append_outcome

Uow = UnitOfWork[NotifyPorts]


@dataclass(frozen=True)
class Plans:
    """The plans notify can decide with and each plan's texts (its template catalogue, by plan id).
    An application's messages follow the plan its filing recorded, never notify's ZC_PLAN; `open` is
    the plan open for filing, only for events that concern no application (a unit's authorisation)."""

    registry: PlanRegistry
    catalogues: Mapping[str, Catalogue]
    open: Plan

    def texts(self, plan: Plan) -> Catalogue:
        try:
            return self.catalogues[plan.plan_id]
        except KeyError:  # a plan shipped without its texts: bad data until they ship, never another plan's
            raise UnknownPlan(f"评审计划{plan.plan_id}没有短信模板", f"plan {plan.plan_id} has no SMS templates",
                              details={"plan_id": plan.plan_id, "plan_version": plan.version}) from None


def recorded_plan(event: Payload) -> tuple[str, str] | None:
    """The plan an event itself records (a filing, an assessment, a case's opening), else None."""
    if isinstance(event, ApplicationSubmitted | ApplicationResubmitted):
        return event.application.plan_id, event.plan_version
    if isinstance(event, CaseOpened | EligibilityAssessed):
        return event.plan_id, event.plan_version
    return None


async def plan_of(uow: Uow, plans: Plans, event: Payload) -> Plan:
    """The plan an event's application was filed under: recorded in the event, else in notify's
    known applications (its filing was seen first: require_known_application). An application notify
    knows only from its directory (before filings were remembered) was filed under the first plan."""
    key = recorded_plan(event)
    if key is None and (application_id := referred_application(event)) is not None:
        key = await uow.ports.known.plan_of(application_id) or (FIRST_PLAN_ID, FIRST_PLAN_VERSION)
    return plans.registry.get(*key) if key else plans.open


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


async def plan_messages(uow: Uow, plans: Plans, event: Payload, envelope: Envelope, *,
                        update_directory: bool = True, plan: Plan | None = None) -> None:
    """`update_directory` False when an event is planned again (replan_for_person): its directory
    updates were applied when it first arrived, and applying them again could bring back a contact a
    later event replaced (a unit's previous operator). `plan`: the reminders job's (the plan whose
    deadline it is); otherwise the plan of the event's application (plan_of)."""
    plan = plan or await plan_of(uow, plans, event)
    catalogue = plans.texts(plan)
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


def replan_for_person(plans: Plans):
    """When a person's record (or tombstone) arrives: plan again every event that waited for them."""
    async def replan(uow: Uow, person_ref: str) -> None:
        for envelope in await uow.ports.set_aside.take(person_ref):
            await plan_messages(uow, plans, decode(envelope), envelope, update_directory=False)
    return replan
