"""One contract for each of intake's ports, run against its in-memory and its PostgreSQL adapter."""
import base64
import uuid
from datetime import date

import pytest_asyncio

from contracts.events import ReturnedSection, ReviewLevel
from contracts.personal_record import PersonalRecord
from services.intake.adapters.ports_memory import memory_ports
from services.intake.adapters.ports_pg import intake_ports
from services.intake.adapters.vault import KeyVault
from services.intake.domain.citations import ArchiveRecord
from services.intake.usecases.ports import ReturnOpen

VAULT = KeyVault(base64.b64decode(base64.b64encode(b"0123456789abcdef0123456789abcdef")))


@pytest_asyncio.fixture(params=["memory", "postgresql"])
async def ports(request, recorder):
    if request.param == "memory":
        yield memory_ports()
        return
    async with recorder.store.pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            yield intake_ports(conn, VAULT)
        finally:
            await tx.rollback()


def entry(entry_id: str, status: str = "pending") -> ArchiveRecord:
    return ArchiveRecord(entry_id, "ref-1", "u-1", "体育中心", date(2019, 6, 30), status)


async def test_the_archive_adds_once_judges_known_entries_and_lists_the_cited_ones(ports):
    await ports.archive.add(entry("e1"))
    await ports.archive.add(entry("e2"))
    assert await ports.archive.judge("e1", "approved") and not await ports.archive.judge("never-added", "approved")
    await ports.archive.add(entry("e1"))  # added again: changes nothing
    assert await ports.archive.cited(["e1", "e2", "e3"]) == {"e1": entry("e1", "approved"), "e2": entry("e2")}


async def test_a_unit_is_authorised_once_learnt(ports):
    assert not await ports.units.is_authorised("u-1")
    await ports.units.authorise("u-1", "某公司")
    await ports.units.authorise("u-1", "某公司（新名）")
    assert await ports.units.is_authorised("u-1")


async def test_a_return_is_opened_replaced_read_and_closed(ports):
    app = uuid.uuid4()
    first = ReturnOpen(app, uuid.uuid4(), 1, ReviewLevel.UNIT, "补材料")
    later = ReturnOpen(app, uuid.uuid4(), 2, ReviewLevel.HR_BUREAU, "论文",
                       (ReturnedSection(section="papers", reason="页码缺失"),))
    assert await ports.returns.current(app) is None
    await ports.returns.open(first)
    await ports.returns.open(later)
    assert await ports.returns.current(app) == later
    await ports.returns.close(app)
    assert await ports.returns.current(app) is None


async def test_photos_are_kept_once_and_forgotten_with_a_count(ports):
    await ports.photos.keep("h1", b"a")
    await ports.photos.keep("h1", b"a")
    await ports.photos.keep("h2", b"b")
    assert await ports.photos.forget(["h1", "h3"]) == 1
    assert await ports.photos.forget(["h1"]) == 0


async def test_a_persons_filings_are_listed_once_each_with_their_photos(ports):
    a, b = uuid.uuid4(), uuid.uuid4()
    await ports.filings.filed("ref-1", a, "h1")
    await ports.filings.filed("ref-1", a, "h1")
    await ports.filings.filed("ref-1", b, None)
    await ports.filings.filed("ref-2", b, "h9")
    assert sorted(await ports.filings.of_person("ref-1"), key=str) == sorted([(a, "h1"), (b, None)], key=str)


async def test_a_key_seals_for_its_person_until_erased_once(ports):
    sealed = await ports.keys.seal("ref-1", {"name": "钱小红"})
    assert sealed.person_ref == "ref-1" and sealed.ciphertext
    assert await ports.keys.erase("ref-1") and not await ports.keys.erase("ref-1")


async def test_the_personal_topic_queues_a_record_and_a_tombstone(ports):
    await ports.personal.queue("ref-1", PersonalRecord(person_ref="ref-1", name="钱", phone="13912340001"))
    await ports.personal.queue("ref-1", None)
