"""case_view and archive_view: the reviewers' read models, rebuilt from review's own events.

For each batch the runner hands us, every touched stream is folded from the store up to the
batch's last version of it, and its row replaced. Replaying from position 0 gives the same rows.
"""
from __future__ import annotations

from collections.abc import Sequence

from plumbing.core.application import Repository
from plumbing.core.eventstore import EventStore, Stored
from services.review.domain import archive as archive_domain
from services.review.domain.case import NeverOpened
from services.review.domain.transitions import evolve_stream
from services.review.domain.streams import ARCHIVE, CASE

_UPSERT_CASE = """
INSERT INTO case_view (application_id, stream_version, revision, stage, level, outcome, applicant_name, person_ref,
    unit_id, unit_name, area, route, specialty, interview_required, notice_ends_on, fee_requested, fee_paid,
    submitted_at, updated_at, unit_org, plan_id, plan_version)
VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)
ON CONFLICT (application_id) DO UPDATE SET stream_version = EXCLUDED.stream_version, revision = EXCLUDED.revision,
    stage = EXCLUDED.stage, level = EXCLUDED.level, outcome = EXCLUDED.outcome,
    applicant_name = EXCLUDED.applicant_name, person_ref = EXCLUDED.person_ref, unit_id = EXCLUDED.unit_id,
    unit_name = EXCLUDED.unit_name, area = EXCLUDED.area, route = EXCLUDED.route, specialty = EXCLUDED.specialty,
    interview_required = EXCLUDED.interview_required, notice_ends_on = EXCLUDED.notice_ends_on,
    fee_requested = EXCLUDED.fee_requested, fee_paid = EXCLUDED.fee_paid, submitted_at = EXCLUDED.submitted_at,
    updated_at = EXCLUDED.updated_at, unit_org = EXCLUDED.unit_org, plan_id = EXCLUDED.plan_id,
    plan_version = EXCLUDED.plan_version
"""


def make_apply(store: EventStore):
    cases = Repository(store, evolve_stream)
    entries = Repository(store, archive_domain.evolve_archive)

    async def apply(conn, events: Sequence[Stored]) -> None:
        last: dict[str, Stored] = {}
        for stored in events:
            last[stored.envelope.stream_id] = stored
        for stream_id, stored in last.items():
            upto = stored.envelope.stream_version
            if stream_id.startswith(CASE):
                case, _ = await cases.get(stream_id, conn, upto=upto)
                if not isinstance(case, NeverOpened):  # never opened: nothing for reviewers to see
                    await _case_row(conn, case, stored)
            elif stream_id.startswith(ARCHIVE):
                await _archive_row(conn, (await entries.get(stream_id, conn, upto=upto))[0])
    return apply


async def _case_row(conn, case, stored: Stored) -> None:
    s = case.summary
    await conn.execute(_UPSERT_CASE, case.application_id, stored.envelope.stream_version, case.revision,
                       case.stage.value, case.level.value if case.level else None, case.outcome.value, "",
                       case.applicant_ref, s.unit_id, s.unit_name, s.unit_area, case.route.value, s.specialty,
                       case.interview_required, case.notice_ends_on, case.fee_requested is not None, case.fee_paid,
                       s.submitted_at, stored.envelope.recorded_at, case.scope.unit_org, case.plan_id,
                       case.plan_version)


async def _archive_row(conn, entry: archive_domain.ArchiveEntry) -> None:
    await conn.execute(
        "INSERT INTO archive_view (entry_id, person_ref, unit_id, title, achieved_on, status, note)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (entry_id) DO UPDATE SET status = EXCLUDED.status,"
        " note = EXCLUDED.note", entry.entry_id, entry.person_ref, entry.unit_id, entry.title, entry.achieved_on,
        entry.status, entry.note)
