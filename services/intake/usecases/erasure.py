"""Erasing a person (`zc person erase`): in ONE transaction, intake deletes the person's data key
(their sealed fields in every event become unreadable), the photos of their applications, and any
record still waiting for the personal-data topic; queues the tombstone that makes notify and review
delete their copies and the compacted topic drop the record; and records PersonErased (who erased
whom, on whose request, what was erased), which carries nothing personal. Events are never
rewritten: every hash chain still verifies."""
from __future__ import annotations

from datetime import datetime

from contracts.envelope import Actor
from contracts.errors import NotFound
from contracts.events import PersonErased
from plumbing.core.application import Recorder
from services.intake.usecases.personal import Vault, queue_record

_FILINGS = ("SELECT DISTINCT stream_id, payload->'application'->'photo'->>'sha256' AS photo FROM events"
            " WHERE event_type IN ('ApplicationSubmitted', 'ApplicationResubmitted')"
            " AND payload->'application'->'applicant'->>'person_ref' = $1")


def person_stream(person_ref: str) -> str:
    return f"person-{person_ref}"


async def erase(recorder: Recorder, conn, vault: Vault, person_ref: str, actor: Actor, requested_by: str,
                now: datetime) -> dict:
    filings = await conn.fetch(_FILINGS, person_ref)
    key_deleted = await vault.erase(conn, person_ref)
    if not filings and not key_deleted:
        raise NotFound("未找到该人员的个人信息", "intake holds no personal data of this person")
    photos = sorted({r["photo"] for r in filings if r["photo"]})
    deleted_photos = await conn.fetchval("WITH gone AS (DELETE FROM photos WHERE sha256 = ANY($1::text[])"
                                         " RETURNING 1) SELECT count(*) FROM gone", photos)
    # Uploaded documents and drafts are sealed with the deleted key already; their rows go too.
    documents = await conn.fetchval("WITH gone AS (DELETE FROM documents WHERE person_ref = $1 RETURNING 1)"
                                    " SELECT count(*) FROM gone", person_ref)
    await conn.execute("DELETE FROM drafts WHERE person_ref = $1", person_ref)
    await queue_record(conn, person_ref, None)  # the tombstone, replacing anything still queued
    applications = sorted(r["stream_id"].removeprefix("application-") for r in filings)
    event = PersonErased(person_ref=person_ref, erased_by=actor.user, erased_by_role=actor.role.value,
                         requested_by=requested_by, data_key_deleted=key_deleted, photos_deleted=deleted_photos,
                         applications=applications)
    stream = person_stream(person_ref)
    _state, version = await recorder.repository(lambda s, _e: s).get(stream, conn)
    stored = await recorder.save(stream, [event], key=person_ref, expected_version=version, actor=actor, conn=conn,
                                 occurred_at=now)
    return {"person_ref": person_ref, "event_id": str(stored[0].event_id), "erased_by": actor.user,
            "requested_by": requested_by, "erased": {
                "intake": {"data_key_deleted": key_deleted, "photos_deleted": deleted_photos,
                           "documents_deleted": documents, "draft_deleted": True,
                           "applications_sealed_fields_unreadable": applications},
                "personal_data_topic": "tombstone queued; compaction drops the record (ARCHITECTURE.md)",
                "notify": "deletes its row and fails pending SMS when it reads the tombstone",
                "review": "deletes its row when it reads the tombstone; exports show the data as erased"}}
