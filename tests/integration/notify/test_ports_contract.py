"""One contract for each of notify's ports, run against its in-memory and its PostgreSQL adapter
(as the event store's contract is): the in-memory unit of work's tests mean something only if both
behave alike."""
import uuid
from datetime import UTC, date, datetime

import pytest
import pytest_asyncio

from contracts.events import NotificationFailed, ReviewLevel
from contracts.personal_record import APPLICANT, PersonalRecord, record_key
from plumbing.core import personal_data
from services.notify.adapters.ports_memory import memory_ports
from services.notify.adapters.ports_pg import notify_ports
from services.notify.domain.compose import Outgoing
from services.notify.domain.recipients import Contact, RecipientKind
from services.notify.domain.reminders import Reminder
from services.notify.usecases.ports import ERASED, Counted
from tests.integration.notify.events import case_opened

NOW = datetime(2020, 8, 10, 1, tzinfo=UTC)


class Memory:
    def __init__(self) -> None:
        self.ports = memory_ports()

    async def person(self, ref: str, record: PersonalRecord | None) -> None:
        self.ports.people.records[ref] = record


class Postgres:
    def __init__(self, conn) -> None:
        self.conn, self.ports = conn, notify_ports(conn)

    async def person(self, ref: str, record: PersonalRecord | None) -> None:
        await personal_data.apply(self.conn, record_key(APPLICANT, ref), record.model_dump_json().encode() if record else None)


@pytest_asyncio.fixture(params=["memory", "postgresql"])
async def side(request, notify_db):
    if request.param == "memory":
        yield Memory()
        return
    async with notify_db.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            yield Postgres(conn)
        finally:
            await tx.rollback()


def outgoing(app: uuid.UUID | None, n: int = 1, template: str = "passed_unit") -> Outgoing:
    return Outgoing(uuid.uuid4(), f"key-{uuid.uuid4().hex}", f"+861391234500{n}", f"短信{n}", template, f"139****500{n}",
                    app, uuid.uuid4())


async def test_the_directory_gives_back_what_was_saved_and_a_save_replaces_it(side):
    d = side.ports.directory
    assert await d.contact(RecipientKind.UNIT, "u-1") is None
    await d.save(Contact(RecipientKind.UNIT, "u-1", "某单位", "0575-1", 0))
    await d.save(Contact(RecipientKind.UNIT, "u-1", "某单位", "13800000001", 5, "tel-13800000001"))
    assert await d.contact(RecipientKind.UNIT, "u-1") == Contact(RecipientKind.UNIT, "u-1", "某单位", "13800000001", 5,
                                                                 "tel-13800000001")


async def test_people_are_unknown_then_known_then_erased(side):
    ref, record = "tel-13800000002", PersonalRecord(person_ref="tel-13800000002", name="王", phone="13800000002")
    assert await side.ports.people.current(ref) is None
    await side.person(ref, record)
    assert (await side.ports.people.current(ref)).name == "王"
    await side.person(ref, None)
    assert await side.ports.people.current(ref) is ERASED


async def test_a_delivery_is_queued_once_listed_pending_and_scrubbed_for_its_person(side):
    app = uuid.uuid4()
    out, other = outgoing(app, 1), outgoing(app, 2)
    await side.ports.deliveries.queue(out, app, "tel-a")
    await side.ports.deliveries.queue(out, app, "tel-a")  # the same dedup key: nothing more
    await side.ports.deliveries.queue(other, app, "tel-b")
    [pending] = await side.ports.deliveries.pending_of("tel-a")
    assert (pending.dedup_key, pending.correlation_id, pending.template) == (out.dedup_key, app, "passed_unit")
    assert await side.ports.deliveries.scrub("tel-a", "erased") == 1
    assert await side.ports.deliveries.pending_of("tel-a") == []
    rows = await side.ports.deliveries.of_application(app)
    assert [(r["status"], r["text"], r["last_error"]) for r in rows] == [("failed", "", "erased"), ("pending", "短信2", None)]


async def test_failures_are_kept_once_per_notification_and_listed_by_application(side):
    app = uuid.uuid4()
    failed = NotificationFailed(notification_id=uuid.uuid4(), application_id=app, template="passed_unit",
                                recipient_masked="139****0001", reason="no number", dedup_key="k",
                                caused_by_event_id=uuid.uuid4())
    await side.ports.failures.record(failed, NOW)
    await side.ports.failures.record(failed, NOW)
    assert await side.ports.failures.of_application(app) == [
        {"template": "passed_unit", "recipient_masked": "139****0001", "reason": "no number",
         "recorded_at": NOW.isoformat()}]


async def test_waiting_cases_are_tracked_moved_left_and_counted_per_organisation_and_level(side):
    w = side.ports.waiting
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await w.track(a, "unit", "u-1")
    await w.track(b, "unit", "u-1")
    await w.track(c, "unit", "u-2")
    await w.track(c, "hr_bureau", "kq-hr")  # it moved
    await w.leave(b)
    await w.leave(uuid.uuid4())  # never tracked: nothing happens
    assert await w.counts() == [Counted("kq-hr", "hr_bureau", 1), Counted("u-1", "unit", 1)]


async def test_an_application_is_known_once_filed_or_when_its_applicant_is_in_the_directory(side):
    filed, old = uuid.uuid4(), uuid.uuid4()
    assert not await side.ports.known.knows(filed)
    await side.ports.known.remember(filed, "zj-sx-2020-zgj", "2020.1")
    await side.ports.known.remember(filed, "zj-sx-2020-zgj", "2020.1")
    await side.ports.directory.save(Contact(RecipientKind.APPLICANT, str(old), "", None, 0, "tel-x"))
    assert await side.ports.known.knows(filed) and await side.ports.known.knows(old)


async def test_a_known_application_keeps_the_plan_its_first_filing_recorded(side):
    filed = uuid.uuid4()
    assert await side.ports.known.plan_of(filed) is None
    await side.ports.known.remember(filed, "zj-sx-2020-zgj", "2020.2")
    await side.ports.known.remember(filed, "zj-sx-2020-zgj", "2020.1")  # a later filing changes nothing
    assert await side.ports.known.plan_of(filed) == ("zj-sx-2020-zgj", "2020.2")


async def test_waiting_cases_are_counted_per_plan_their_application_was_filed_under(side):
    first, second, unseen = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await side.ports.known.remember(first, "zj-sx-2020-zgj", "2020.1")
    await side.ports.known.remember(second, "zj-sx-2020-zgj", "2020.2")
    for app in (first, second, unseen):
        await side.ports.waiting.track(app, "unit", "u-1")
    assert await side.ports.waiting.counts() == [Counted("u-1", "unit", 2, "zj-sx-2020-zgj", "2020.1"),
                                                 Counted("u-1", "unit", 1, "zj-sx-2020-zgj", "2020.2")]


async def test_a_reminder_is_claimed_once_and_reported_with_its_delivery(side):
    reminder = Reminder("u-9", ReviewLevel.UNIT, date(2020, 8, 20), 3, 2)
    assert await side.ports.reminders.claim(reminder, date(2020, 8, 17))
    assert not await side.ports.reminders.claim(reminder, date(2020, 8, 18))
    out = Outgoing(uuid.uuid4(), "k-rem", "+8613800000009", "提醒", "deadline_unit", "138****0009", None,
                   reminder.event_id)
    await side.ports.deliveries.queue(out, reminder.event_id, "")
    [report] = await side.ports.reminders.report()
    assert (report["org_id"], report["deadline"], report["planned_on"], report["status"], report["text"]) == (
        "u-9", "2020-08-20", "2020-08-17", "pending", "提醒")


async def test_events_set_aside_for_a_person_are_taken_once(side):
    e1, e2 = case_opened(uuid.uuid4(), "u-a"), case_opened(uuid.uuid4(), "u-b")
    await side.ports.set_aside.put("tel-p", e1)
    await side.ports.set_aside.put("tel-p", e1)
    await side.ports.set_aside.put("tel-p", e2)
    assert {e.event_id for e in await side.ports.set_aside.take("tel-p")} == {e1.event_id, e2.event_id}
    assert await side.ports.set_aside.take("tel-p") == []
