"""notify reads names and phones from its personal_data when it plans a message: an event whose
person is not known yet waits aside (the consumer goes on) and is planned when the record arrives;
an erased person's messages fail with the reason, and their tombstone fails what was pending and
blanks what was sent."""
import uuid

from contracts.events import PublicNoticeStarted, UnitApproved
from contracts.personal_record import APPLICANT
from plumbing.core import personal_data
from plumbing.core.unit_of_work import PostgresUnitOfWork
from services.notify.adapters.ports_pg import notify_ports
from services.notify.usecases.erasure import when_person_erased
from services.notify.usecases.planning import replan_for_person
from tests.integration.notify.events import case_opened, envelope, personal_record
from tests.integration.notify.planning import PLAN, PLANS, consume, recorder_for


async def feed(store, *envelopes):
    """The event consumer alone: no personal record is applied first."""
    await consume(store, *envelopes, personal=False)


async def arrive(store, key: bytes, value: bytes | None, kind: str = APPLICANT):
    recorder = recorder_for(store)
    async with store.pool.acquire() as conn, conn.transaction():
        joined = PostgresUnitOfWork(None, recorder, notify_ports, conn=conn)  # as the bootstrap joins the follower
        await personal_data.apply(conn, key, value, kind=kind, on_erased=lambda _c, ref: when_person_erased(joined, ref),
                                  on_known=lambda _c, ref: replan_for_person(PLANS)(joined, ref))


async def test_an_event_before_its_persons_record_waits_aside_and_is_planned_when_the_record_arrives(store):
    app_id = uuid.uuid4()
    opened = case_opened(app_id, "u-wait", phone="13912345001")
    approved = envelope(UnitApproved(application_id=app_id, opinion="同意"), f"case-{app_id}", 2)
    await feed(store, opened, approved)
    assert await store.pool.fetchval("SELECT count(*) FROM awaiting_personal_data") == 1
    assert not await store.pool.fetch("SELECT 1 FROM deliveries WHERE application_id = $1", app_id)

    await arrive(store, *personal_record(opened))
    row = await store.pool.fetchrow("SELECT to_e164, text, person_ref FROM deliveries WHERE application_id = $1",
                                    app_id)
    assert row["to_e164"] == "+8613912345001" and "王建国" in row["text"] and row["person_ref"]
    assert await store.pool.fetchval("SELECT count(*) FROM awaiting_personal_data") == 0


async def test_a_tombstone_fails_pending_messages_blanks_sent_ones_and_later_ones_fail_with_the_reason(store):
    app_id = uuid.uuid4()
    opened = case_opened(app_id, "u-erase", phone="13912345002")
    key, value, _kind = personal_record(opened)
    await arrive(store, key, value)
    await feed(store, opened, envelope(UnitApproved(application_id=app_id, opinion="同意"), f"case-{app_id}", 2))
    assert await store.pool.fetchval("SELECT status FROM deliveries WHERE application_id = $1", app_id) == "pending"

    await arrive(store, key, None)
    row = await store.pool.fetchrow("SELECT status, to_e164, text, last_error FROM deliveries"
                                    " WHERE application_id = $1", app_id)
    assert (row["status"], row["to_e164"], row["text"]) == ("failed", "", "")
    assert "personal data erased" in row["last_error"]
    failed = await store.pool.fetch("SELECT payload->>'reason' AS reason FROM events"
                                    " WHERE event_type = 'NotificationFailed'")
    assert [r["reason"] for r in failed] and all("personal data erased" in r["reason"] for r in failed)

    notice = envelope(PublicNoticeStarted(application_id=app_id, starts_on="2020-08-11", ends_on="2020-08-17",
                                          working_days=5), f"case-{app_id}", 3)
    await feed(store, notice)
    reasons = await store.pool.fetch("SELECT payload->>'template' AS template, payload->>'reason' AS reason FROM events"
                                     " WHERE event_type = 'NotificationFailed'")
    assert any(r["template"] == "public_notice_started" and "personal data erased" in r["reason"] for r in reasons)
