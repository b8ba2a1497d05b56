"""The generator's unit reviewer returns a RETURNED filing once, even when an inbox read from before
review's view learnt of the return still shows the case at revision 1."""
from __future__ import annotations

import dataclasses
import random

from zc.load.generator import Step, StepConfig
from zc.load.people import Fate, filing


async def test_a_reviewer_reading_a_stale_inbox_does_not_return_the_same_case_again():
    step = Step(StepConfig(intake="http://intake.invalid", review="http://review.invalid", rate=1, seconds=0, units=1))
    f = dataclasses.replace(filing(random.Random(3), step.units[0], "person-ref-key"), fate=Fate.RETURNED)
    step.plan[f.application_id] = f
    step.returned.add(f.application_id)  # returned; the resubmission is in, the inbox read is older
    stale = {"application_id": str(f.application_id), "stage": "at_unit", "revision": 1, "outcome": "eligible"}
    await step.decide(step.units[0], "token", [stale])
    assert f.application_id not in step.acting and step.out.decisions == 0
