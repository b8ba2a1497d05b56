"""Drafts are kept for the season only: the periodic job deletes those whose season has ended,
and only those."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.plan import load_plan
from services.intake.adapters.documents import season_end
from services.intake.usecases.drafts import expire_drafts
from tests.unit.intake.test_use_cases_in_memory import unit_of_work

PLAN = load_plan("shaoxing-2020")


def test_a_draft_lives_until_the_day_after_the_plans_last_deadline_in_shanghai():
    end = season_end(PLAN)
    assert end.date() == max(PLAN.unit_deadline, PLAN.city_deadline, PLAN.city_working_deadline) + timedelta(days=1)
    assert end.utcoffset() == timedelta(hours=8)


async def test_the_periodic_job_deletes_the_drafts_whose_season_ended_and_keeps_the_others():
    uow = unit_of_work()
    now = datetime(2020, 12, 1, tzinfo=UTC)
    uploads = uow.ports.uploads
    uploads.drafts = {"ended", "running"}
    uploads.draft_ends = {"ended": now - timedelta(seconds=1), "running": now + timedelta(days=1)}
    assert await expire_drafts(lambda: uow, now) == 1
    assert uploads.drafts == {"running"}
    assert await expire_drafts(lambda: uow, now) == 0
