"""Intake's own lifecycle, pure: submit once, resubmit only an open return, withdraw once."""
import uuid
from functools import reduce

import pytest

from contracts.errors import Conflict, InvalidInput
from contracts.events import ApplicationResubmitted, ApplicationSubmitted, ApplicationWithdrawn
from services.intake.domain import filing
from services.intake.domain.filing import OpenReturn
from tests.fixtures.builders import PLAN, normal_applicant
from tests.fixtures.plans import REVISED_VERSION, revised_plan

APP = normal_applicant()


def state(*events):
    return reduce(filing.evolve, events, None)


def test_a_first_submission_is_accepted_and_a_second_refused():
    [submitted] = filing.decide_submit(None, APP, PLAN)
    assert submitted == ApplicationSubmitted(application=APP, plan_version=PLAN.version)
    with pytest.raises(Conflict):
        filing.decide_submit(state(submitted), APP, PLAN)


def test_a_resubmission_answers_the_open_return_of_the_current_revision_with_the_next_revision():
    filed = state(ApplicationSubmitted(application=APP, plan_version=PLAN.version))
    returned = OpenReturn(uuid.uuid4(), revision=1)
    [resubmitted] = filing.decide_resubmit(filed, returned, APP)
    assert isinstance(resubmitted, ApplicationResubmitted) and resubmitted.application.revision == 2
    assert resubmitted.return_event_id == returned.return_event_id
    with pytest.raises(Conflict) as stale:
        filing.decide_resubmit(state(ApplicationSubmitted(application=APP, plan_version=PLAN.version), resubmitted), returned, APP)
    assert stale.value.code == "NOT_RETURNED"


def test_nobody_else_may_resubmit_and_a_withdrawn_application_stays_withdrawn():
    filed = state(ApplicationSubmitted(application=APP, plan_version=PLAN.version))
    stranger = APP.model_copy(update={"applicant": APP.applicant.model_copy(update={"person_ref": "someone"})})
    with pytest.raises(Conflict) as mismatch:
        filing.decide_resubmit(filed, OpenReturn(uuid.uuid4(), 1), stranger)
    assert mismatch.value.code == "APPLICANT_MISMATCH"
    gone = state(ApplicationSubmitted(application=APP, plan_version=PLAN.version),
                 ApplicationWithdrawn(application_id=APP.application_id, reason="r"))
    with pytest.raises(Conflict) as withdrawn:
        filing.decide_resubmit(gone, OpenReturn(uuid.uuid4(), 1), APP)
    assert withdrawn.value.code == "WITHDRAWN"


def test_a_filing_records_the_version_of_the_plan_open_for_filing_and_names_no_other_plan():
    [submitted] = filing.decide_submit(None, APP, revised_plan())
    assert (submitted.application.plan_id, submitted.plan_version) == (PLAN.plan_id, REVISED_VERSION)
    with pytest.raises(InvalidInput) as other:
        filing.decide_submit(None, APP.model_copy(update={"plan_id": "zj-sx-2021-zgj"}), PLAN)
    assert other.value.code == "PLAN_NOT_OPEN"


def test_a_resubmission_keeps_the_plan_its_first_filing_recorded():
    filed = state(ApplicationSubmitted(application=APP, plan_version=REVISED_VERSION))
    [resubmitted] = filing.decide_resubmit(filed, OpenReturn(uuid.uuid4(), 1),
                                           APP.model_copy(update={"plan_id": "zj-sx-2021-zgj"}))
    assert (resubmitted.application.plan_id, resubmitted.plan_version) == (PLAN.plan_id, REVISED_VERSION)
