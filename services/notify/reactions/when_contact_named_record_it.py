"""An event naming a recipient (an applicant by person_ref, a unit's authorised operator by
operator_ref) -> notify's directory row for it (`contacts`), before any message of that event is
planned. A reaction of its own, so `zc replay notify.contacts` rebuilds the directory by replaying
the topics through it alone (zc/read_models.py): the same code, and no SMS planned."""
from __future__ import annotations

from contracts.events import ApplicationResubmitted, ApplicationSubmitted, CaseOpened, EligibilityAssessed, UnitAuthorized
from plumbing.core.application import Context
from services.notify.domain.recipients import contact_updates
from services.notify.usecases.planning import save_contact


async def when_contact_named_record_it(
        event: ApplicationSubmitted | ApplicationResubmitted | EligibilityAssessed | CaseOpened | UnitAuthorized,
        ctx: Context) -> None:
    for update in contact_updates(event):
        await save_contact(ctx.uow, update)
