"""Erasing a person (`zc person erase`): in ONE transaction, intake deletes the person's data key
(their sealed fields in every event become unreadable), the photos of their applications, and any
record still waiting for the personal-data topic; queues the tombstone that makes notify and review
delete their copies and the compacted topic drop the record; and records PersonErased (who erased
whom, on whose request (an account's role and opaque id), what was erased), which carries nothing
personal. Events are never
rewritten: every hash chain still verifies."""
from __future__ import annotations

from datetime import datetime

from contracts.envelope import Actor
from contracts.errors import NotFound
from contracts.events import PersonErased, Requester
from plumbing.core.unit_of_work import UnitOfWork
from services.intake.domain.streams import person_stream
from services.intake.usecases.ports import IntakePorts




async def erase(uow: UnitOfWork[IntakePorts], person_ref: str, actor: Actor, requested_by: Requester,
                now: datetime) -> dict:
    filings = await uow.ports.filings.of_person(person_ref)
    key_deleted = await uow.ports.keys.erase(person_ref)
    if not filings and not key_deleted:
        raise NotFound("未找到该人员的个人信息", "intake holds no personal data of this person")
    deleted_photos = await uow.ports.photos.forget(sorted({photo for _app, photo in filings if photo}))
    # Uploaded documents and the draft are sealed with the deleted key already; their rows go too.
    documents, drafts = await uow.ports.uploads.forget(person_ref)
    await uow.ports.personal.queue(person_ref, None)  # the tombstone, replacing anything still queued
    applications = sorted({str(app) for app, _photo in filings})
    event = PersonErased(person_ref=person_ref, erased_by=actor.user, erased_by_role=actor.role.value,
                         requested_by=requested_by, data_key_deleted=key_deleted, photos_deleted=deleted_photos,
                         applications=applications)
    stream = person_stream(person_ref)
    _state, version = await uow.get(stream, lambda s, _e: s)
    stored = await uow.save(stream, [event], key=person_ref, expected_version=version, actor=actor, occurred_at=now)
    return {"person_ref": person_ref, "event_id": str(stored[0].event_id), "erased_by": actor.user,
            "requested_by": requested_by.model_dump(), "erased": {
                "intake": {"data_key_deleted": key_deleted, "photos_deleted": deleted_photos,
                           "documents_deleted": documents, "drafts_deleted": drafts,
                           "applications_sealed_fields_unreadable": applications},
                "personal_data_topic": "tombstone queued; compaction drops the record (ARCHITECTURE.md)",
                "notify": "deletes its row and fails pending SMS when it reads the tombstone",
                "review": "deletes its row when it reads the tombstone; exports show the data as erased"}}
