"""Intake's crypto-shredding on the real PostgreSQL: a filing's personal fields are sealed with the
person's data key and queued for the personal-data topic; erasing deletes the key (the fields become
unreadable), the photos and anything queued, queues the tombstone, records PersonErased, and leaves
every hash chain intact."""
import base64
import uuid
from datetime import UTC, date, datetime

import pytest

from contracts.envelope import Actor, Role
from contracts.errors import NotFound
from contracts.events import ApplicationSubmitted, Requester
from services.intake.adapters.vault import KeyVault, master_key
from services.intake.settings import IntakeSettings
from services.intake.usecases import erasure, filing
from services.intake.usecases.personal import Filer
from tests.fixtures.builders import normal_applicant
from tests.integration.intake.conftest import unit_of_work
from tests.integration.intake.test_filing_use_cases import PLAN, applicant, archive_of

NOW = datetime(2020, 8, 12, 2, tzinfo=UTC)
OPERATOR = Actor(role=Role.CITY_HR_BUREAU, organisation="sx-city-hr", user="officer-zhang")
THE_PERSON = Requester(role="applicant", uid="acc-applicant-0042")  # the person asked, by their account id
VAULT = KeyVault(base64.b64decode(base64.b64encode(b"0123456789abcdef0123456789abcdef")))


def filer_of(app) -> Filer:
    return Filer(person_ref=app.applicant.person_ref, name="钱小红", phone="13912340001",
                 id_number="33060219710405426X", birth_date=date(1971, 4, 5))


async def file(recorder, consume, app):
    await consume(*archive_of(app))
    async with unit_of_work(recorder, VAULT) as uow:
        await filing.submit(uow, app, b"jpeg", applicant(app), NOW, filer_of(app), plan=PLAN)


async def test_a_filing_seals_the_personal_fields_and_queues_the_current_record(recorder, consume):
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    await file(recorder, consume, app)
    [(envelope, event)] = await _history(recorder, app.application_id)
    assert isinstance(event, ApplicationSubmitted) and "钱小红" not in envelope.model_dump_json()
    async with recorder.store.pool.acquire() as conn:
        assert (await VAULT.unseal(conn, event.sealed))["name"] == "钱小红"
        queued = await conn.fetchrow("SELECT person_ref, record FROM personal_outbox")
    assert queued["person_ref"] == app.applicant.person_ref and "钱小红" in queued["record"]
    assert "330602************" in queued["record"] and "426X" not in queued["record"]  # the display mask only


async def test_erasing_deletes_the_key_photos_and_queued_record_and_keeps_the_chains(recorder, consume):
    app = normal_applicant().model_copy(update={"application_id": uuid.uuid4()})
    ref = app.applicant.person_ref
    await file(recorder, consume, app)
    async with unit_of_work(recorder, VAULT) as uow:
        report = await erasure.erase(uow, ref, OPERATOR, THE_PERSON, NOW)
    assert report["erased"]["intake"] == {"data_key_deleted": True, "photos_deleted": 1, "documents_deleted": 0,
                                          "drafts_deleted": 0,
                                          "applications_sealed_fields_unreadable": [str(app.application_id)]}
    [(_envelope, event)] = await _history(recorder, app.application_id)
    async with recorder.store.pool.acquire() as conn:
        assert await VAULT.unseal(conn, event.sealed) is None
        assert [dict(r) for r in await conn.fetch("SELECT person_ref, record FROM personal_outbox")] == [
            {"person_ref": ref, "record": None}]  # only the tombstone waits
        assert not await conn.fetch("SELECT 1 FROM photos")
        erased = await conn.fetchrow("SELECT actor, payload FROM events WHERE event_type = 'PersonErased'")
    assert '"requested_by": {"uid": "acc-applicant-0042", "role": "applicant"}' in erased["payload"]
    assert "officer-zhang" in erased["actor"]
    for stream in (f"application-{app.application_id}", f"person-{ref}"):
        assert await recorder.store.verify_stream(stream) == (True, None)


async def test_erasing_someone_intake_never_heard_of_is_not_found_and_records_nothing(recorder):
    with pytest.raises(NotFound):
        async with unit_of_work(recorder, VAULT) as uow:
            await erasure.erase(uow, "ab" * 32, OPERATOR, THE_PERSON, NOW)
    assert not await recorder.store.pool.fetch("SELECT 1 FROM events")


def test_without_a_master_key_intake_refuses_to_start_outside_development(monkeypatch):
    monkeypatch.delenv("ZC_PERSONAL_DATA_MASTER_KEY", raising=False)
    with pytest.raises(SystemExit, match="ZC_PERSONAL_DATA_MASTER_KEY"):
        master_key(IntakeSettings().personal_data_master_key, dev_mode=False)
    assert len(master_key(None, dev_mode=True)) == 32
    monkeypatch.setenv("ZC_PERSONAL_DATA_MASTER_KEY", base64.b64encode(b"short").decode())
    with pytest.raises(SystemExit, match="32 bytes"):
        master_key(IntakeSettings().personal_data_master_key, dev_mode=False)


async def _history(recorder, application_id):
    async with unit_of_work(recorder) as uow:
        return await filing.history(uow, application_id)
