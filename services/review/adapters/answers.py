"""What review's routes answer, with an example each (the OpenAPI document's contract)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from plumbing.edges.answers import APPLICATION_ID, EVENT_EXAMPLE, EVENT_ID, Event, Receipt, examples
from services.review.domain.streams import case_stream

RECEIPT = {"event_id": EVENT_ID, "event_type": "UnitApproved", "stream_version": 3}
CASE = {"application_id": APPLICATION_ID, "revision": 1, "outcome": "eligible", "stage": "awaiting_notice",
        "version": 3, "level": "unit", "route": "standard",
        "paper": {"evaluation_form_copies": 25, "deliver_to": "绍兴市人力资源和社会保障局"}}
CASE_ROW = {"application_id": APPLICATION_ID, "stage": "at_unit", "level": "unit", "outcome": "eligible",
            "applicant_name": "张三", "unit_id": "u-sx-jzsj", "unit_name": "绍兴市建筑设计院", "area": "yuecheng",
            "route": "standard", "specialty": "建筑设计", "revision": 1, "interview_required": False,
            "notice_ends_on": None, "submitted_at": "2020-08-12T09:30:00+00:00"}


class CaseView(BaseModel):
    """A case as the domain folds it: stage, level, version (the ETag), what comes on paper."""

    model_config = examples(CASE)

    application_id: str
    revision: int
    outcome: str
    stage: str
    version: int = Field(description="the case stream's version: its ETag, and what If-Match names")
    level: str | None = None


class Decided(BaseModel):
    model_config = examples({"events": [RECEIPT], "case": CASE})

    events: list[Receipt]
    case: CaseView


class BatchResult(BaseModel):
    model_config = examples({"application_id": APPLICATION_ID, "ok": True, "events": [RECEIPT]})

    application_id: str
    ok: bool
    events: list[Receipt] | None = None
    status: int | None = Field(None, description="a failed item: its status, with its problem's members")
    code: str | None = None


class BatchDecided(BaseModel):
    model_config = examples({"succeeded": 1, "failed": 0, "results": [
        {"application_id": APPLICATION_ID, "ok": True, "events": [RECEIPT]}]})

    succeeded: int
    failed: int
    results: list[BatchResult]


class CaseSummary(BaseModel):
    """What every reader of the case may see: the case and the decisions, without reviewers' names."""

    model_config = examples({"case": CASE, "decisions": [{"event_type": "UnitApproved",
                                                          "occurred_at": "2020-08-14T10:00:00+08:00"}]})

    case: CaseView
    decisions: list[dict[str, Any]]


class CaseRecord(BaseModel):
    """The case and its history as stored, oldest first (paged: `Link: rel="next"`)."""

    model_config = examples({"case": CASE, "history": [{**EVENT_EXAMPLE, "event_type": "CaseOpened",
                                                         "stream_id": case_stream(APPLICATION_ID)}]})

    case: CaseView
    history: list[Event]
    next_cursor: str | None = None


class CaseRow(BaseModel):
    model_config = examples(CASE_ROW)

    application_id: str
    stage: str
    level: str | None = None
    applicant_name: str
    unit_id: str | None = None
    area: str | None = None
    submitted_at: str | None = None


class Inbox(BaseModel):
    """Cases at my level, oldest filing first (paged: `Link: rel="next"`)."""

    model_config = examples({"role": "unit", "cases": [CASE_ROW], "archive_entries_waiting": [],
                             "public_notices_running": [], "deadline": "2020-08-25", "next_cursor": None})

    role: str
    cases: list[CaseRow]
    archive_entries_waiting: list[dict[str, Any]]
    public_notices_running: list[CaseRow]
    deadline: str
    next_cursor: str | None = None


class StaffErased(BaseModel):
    model_config = examples({"uid": "acct-7f3a", "erased": True, "erased_by": "acct-0c11"})

    uid: str
    erased: bool
    erased_by: str


class StaffNames(BaseModel):
    """Display names from the staff directory, by account id (an erased one shows its id)."""

    model_config = examples({"application_id": APPLICATION_ID, "staff_names": {"acct-7f3a": "人事经办人"}})

    application_id: str
    staff_names: dict[str, str]


class Dashboard(BaseModel):
    model_config = examples({"today": "2020-08-20", "total": 12, "by_area": {"yuecheng": 12},
                             "by_specialty": {"建筑设计": 12}, "by_category": {"standard": 12},
                             "by_stage": {"at_unit": 12},
                             "near_deadline": [{"deadline": "2020-08-25", "level": "unit", "days_left": 5,
                                                "waiting": 12}]})

    today: str
    total: int
    by_area: dict[str, int]
    by_specialty: dict[str, int]
    by_category: dict[str, int]
    by_stage: dict[str, int]
    near_deadline: list[dict[str, Any]]


class EntryRecorded(BaseModel):
    model_config = examples({"entry_id": "ach-1a2b3c4d5e6f", "events": [
        {"event_id": EVENT_ID, "event_type": "ArchiveEntryAdded", "stream_version": 1}]})

    entry_id: str
    events: list[Receipt]


class UnitAuthorized(BaseModel):
    model_config = examples({"unit_id": "u-sx-jzsj", "events": [
        {"event_id": EVENT_ID, "event_type": "UnitAuthorized", "stream_version": 1}]})

    unit_id: str
    events: list[Receipt]


def export_content(title: str) -> dict:
    """A table as CSV (UTF-8 with BOM) or as an Excel workbook."""
    return {"text/csv": {"schema": {"type": "string"}, "example": f"\ufeff{title}\r\n"},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}, "example": "(an .xlsx workbook)"}}
