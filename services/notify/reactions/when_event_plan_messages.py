"""Events that name a contact or ask for an SMS -> directory rows and pending deliveries, written
through notify's ports in the consumer's unit of work."""
from __future__ import annotations

from plumbing.core.application import Context, React
from services.notify.domain.recipients import CONTACT_SOURCES
from services.notify.domain.routing import ROUTED
from services.notify.usecases.planning import Plans, plan_messages

EVENTS = tuple(dict.fromkeys(CONTACT_SOURCES + ROUTED))  # the types this reaction reads


def when_event_plan_messages(plans: Plans) -> React:
    async def react(event, ctx: Context) -> None:
        # the directory rows the event names were written just before, by when_contact_named_record_it;
        # the texts are those of the plan the event's application was filed under (planning.plan_of)
        await plan_messages(ctx.uow, plans, event, ctx.envelope, update_directory=False)
    return react
