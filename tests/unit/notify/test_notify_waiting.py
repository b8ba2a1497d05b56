"""Where a case waits is what review's events say (CaseOpened, CaseMovedTo): a plain upsert."""
import uuid

from contracts.events import Acting, CaseMovedTo, ReviewLevel
from contracts.registry import decode
from services.notify.domain.waiting import Left, WaitsAt, change_for
from notify_samples import SUMMARY, envelope

APP = uuid.uuid4()


def test_an_opened_case_waits_where_its_v2_event_says():
    opened = decode(envelope("CaseOpened", {"application_id": str(APP), "revision": 1, "outcome": "eligible",
                                            "summary": SUMMARY, "acting": {"level": "unit", "org_id": "u-9"}})
                    .model_copy(update={"schema_version": 2}))
    assert change_for(opened) == WaitsAt(APP, ReviewLevel.UNIT, "u-9")


def test_a_stored_v1_case_opened_waits_at_the_unit_it_names():
    opened = decode(envelope("CaseOpened", {"application_id": str(APP), "revision": 1, "outcome": "eligible",
                                            "summary": SUMMARY}))
    assert change_for(opened) == WaitsAt(APP, ReviewLevel.UNIT, SUMMARY["unit_id"])


def test_a_case_moved_to_a_department_waits_there_and_one_moved_to_nobody_leaves():
    moved = CaseMovedTo(application_id=APP, acting=Acting(level=ReviewLevel.HR_BUREAU, org_id="kq-hr"))
    assert change_for(moved) == WaitsAt(APP, ReviewLevel.HR_BUREAU, "kq-hr")
    assert change_for(CaseMovedTo(application_id=APP, acting=None)) == Left(APP)
