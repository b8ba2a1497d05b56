"""What intake's routes answer, with an example each (the OpenAPI document's contract)."""
from __future__ import annotations

from pydantic import BaseModel

from plumbing.edges.answers import APPLICATION_ID, EVENT_EXAMPLE, EVENT_ID, Event, examples


class Filed(BaseModel):
    model_config = examples({"application_id": APPLICATION_ID, "revision": 1, "status": "submitted",
                             "event_ids": [EVENT_ID]})

    application_id: str
    revision: int
    status: str
    event_ids: list[str]


class Withdrawn(BaseModel):
    model_config = examples({"application_id": APPLICATION_ID, "status": "withdrawn", "event_ids": [EVENT_ID]})

    application_id: str
    status: str
    event_ids: list[str]


class OpenReturn(BaseModel):
    model_config = examples({"level": "unit", "reason": "业绩证明缺少盖章页", "sections": '["achievements"]'})

    level: str
    reason: str
    sections: str | None = None


class ApplicationHistory(BaseModel):
    """The application's events as filed, oldest first (paged: `Link: rel="next"`)."""

    model_config = examples({"application_id": APPLICATION_ID, "events": [EVENT_EXAMPLE], "open_return": None})

    application_id: str
    events: list[Event]
    open_return: OpenReturn | None = None
    next_cursor: str | None = None


class ArchiveEntry(BaseModel):
    model_config = examples({"entry_id": "ach-1a2b3c4d5e6f", "unit_id": "u-sx-jzsj", "title": "绍兴市某大桥施工图设计",
                             "achieved_on": "2018-06-30", "status": "approved"})

    entry_id: str
    unit_id: str
    title: str
    achieved_on: str
    status: str


class MyArchive(BaseModel):
    """My archive entries, oldest first (paged: `Link: rel="next"`)."""

    model_config = examples({"entries": [ArchiveEntry.model_config["json_schema_extra"]["examples"][0]]})

    entries: list[ArchiveEntry]
    next_cursor: str | None = None


class UnitStatus(BaseModel):
    model_config = examples({"unit_id": "u-sx-jzsj", "authorised": True})

    unit_id: str
    authorised: bool


class DoorProblem(BaseModel):
    field: str
    code: str
    message_zh: str
    message_en: str


class DoorChecks(BaseModel):
    """What the door would say of this filing now: every problem, or none (`fileable`)."""

    model_config = examples({"problems": [{"field": "applicant.id_number", "code": "ID_NUMBER_CHECKSUM",
                                           "message_zh": "身份证号码校验位不正确",
                                           "message_en": "resident ID number check digit is wrong"}],
                             "fileable": False})

    problems: list[DoorProblem]
    fileable: bool


class PersonRefOf(BaseModel):
    model_config = examples({"person_ref": "9f" * 32})

    person_ref: str


class Erased(BaseModel):
    model_config = examples({"person_ref": "9f" * 32, "event_id": EVENT_ID, "erased_by": "city-operator",
                             "requested_by": {"role": "applicant", "uid": "acc-applicant-0001"},
                             "erased": {"intake": {"data_key_deleted": True, "photos_deleted": 1}}})

    person_ref: str
    event_id: str
    erased_by: str
    requested_by: dict[str, str]  # role and uid: an account, never a name


DOCUMENT = {"ref": "doc-3f1c9a7e5b2d4c6e8a0b", "kind": "photo", "year": None, "content_type": "image/jpeg",
            "size_bytes": 48213}


class Document(BaseModel):
    """An uploaded document (201 when new; 200 when the same file was uploaded before, as the same kind)."""

    model_config = examples(DOCUMENT)

    ref: str
    kind: str
    year: int | None = None
    content_type: str
    size_bytes: int


class MyDocuments(BaseModel):
    """My uploads, oldest first (paged: `Link: rel="next"`)."""

    model_config = examples({"documents": [{**DOCUMENT, "uploaded_at": "2020-08-11T09:00:00+00:00"}],
                             "next_cursor": None})

    documents: list[dict]
    next_cursor: str | None = None


class DraftSaved(BaseModel):
    model_config = examples({"saved": True, "step": 2, "expires_at": "2020-10-31T23:59:59+08:00"})

    saved: bool
    step: int
    expires_at: str


class MyDraft(BaseModel):
    model_config = examples({"draft": {"step": 2, "fields": {"specialty": "建筑设计"}},
                             "updated_at": "2020-08-11T09:00:00+00:00"})

    draft: dict | None
    updated_at: str | None = None


class DraftDiscarded(BaseModel):
    model_config = examples({"discarded": True})

    discarded: bool


DOCUMENT_CONTENT = {"image/jpeg": {"schema": {"type": "string", "format": "binary"}, "example": "(the JPEG's bytes)"},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}, "example": "(the PDF's bytes)"}}
