"""intake's ports on PostgreSQL, on the unit of work's connection (usecases/ports.py)."""
from __future__ import annotations

import json
import uuid

from contracts.events import ReturnedSection, ReviewLevel, Sealed
from contracts.personal_record import PersonalRecord
from plumbing.core.personal_publisher import queue_record
from services.intake.domain.citations import ArchiveRecord
from services.intake.usecases.ports import IntakePorts, ReturnOpen


class PgArchive:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def add(self, entry: ArchiveRecord) -> None:
        await self.conn.execute(
            "INSERT INTO archive_entries (entry_id, person_ref, unit_id, title, achieved_on) VALUES ($1,$2,$3,$4,$5)"
            " ON CONFLICT (entry_id) DO NOTHING", entry.entry_id, entry.person_ref, entry.unit_id, entry.title,
            entry.achieved_on)

    async def judge(self, entry_id: str, status: str) -> bool:
        return await self.conn.execute("UPDATE archive_entries SET status = $2 WHERE entry_id = $1",
                                       entry_id, status) != "UPDATE 0"

    async def cited(self, entry_ids: list[str]) -> dict[str, ArchiveRecord]:
        rows = await self.conn.fetch("SELECT entry_id, person_ref, unit_id, title, achieved_on, status"
                                     " FROM archive_entries WHERE entry_id = ANY($1::text[])", entry_ids)
        return {r["entry_id"]: ArchiveRecord(**dict(r)) for r in rows}


class PgUnits:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def authorise(self, unit_id: str, unit_name: str) -> None:
        await self.conn.execute("INSERT INTO authorised_units (unit_id, unit_name) VALUES ($1, $2)"
                                " ON CONFLICT (unit_id) DO UPDATE SET unit_name = EXCLUDED.unit_name", unit_id, unit_name)

    async def is_authorised(self, unit_id: str) -> bool:
        return await self.conn.fetchval("SELECT EXISTS (SELECT 1 FROM authorised_units WHERE unit_id = $1)", unit_id)


class PgReturns:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def open(self, returned: ReturnOpen) -> None:
        await self.conn.execute(
            "INSERT INTO open_returns (application_id, return_event_id, revision, level, reason, sections)"
            " VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (application_id) DO UPDATE SET"
            " return_event_id = EXCLUDED.return_event_id, revision = EXCLUDED.revision, level = EXCLUDED.level,"
            " reason = EXCLUDED.reason, sections = EXCLUDED.sections",
            returned.application_id, returned.return_event_id, returned.revision, returned.level.value,
            returned.reason, json.dumps([s.model_dump() for s in returned.sections], ensure_ascii=False))

    async def current(self, application_id: uuid.UUID) -> ReturnOpen | None:
        row = await self.conn.fetchrow("SELECT return_event_id, revision, level, reason, sections::text AS sections"
                                       " FROM open_returns WHERE application_id = $1", application_id)
        if row is None:
            return None
        return ReturnOpen(application_id, row["return_event_id"], row["revision"], ReviewLevel(row["level"]),
                          row["reason"], tuple(ReturnedSection(**s) for s in json.loads(row["sections"])))

    async def close(self, application_id: uuid.UUID) -> None:
        await self.conn.execute("DELETE FROM open_returns WHERE application_id = $1", application_id)


class PgPhotos:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def keep(self, sha256: str, data: bytes) -> None:
        await self.conn.execute("INSERT INTO photos (sha256, data) VALUES ($1, $2) ON CONFLICT DO NOTHING", sha256, data)

    async def forget(self, hashes: list[str]) -> int:
        return await self.conn.fetchval("WITH gone AS (DELETE FROM photos WHERE sha256 = ANY($1::text[]) RETURNING 1)"
                                        " SELECT count(*) FROM gone", hashes)


class PgFilings:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def filed(self, person_ref: str, application_id: uuid.UUID, photo: str | None) -> None:
        await self.conn.execute("INSERT INTO person_filings (person_ref, application_id, photo) VALUES ($1, $2, $3)"
                                " ON CONFLICT DO NOTHING", person_ref, application_id, photo or "")

    async def of_person(self, person_ref: str) -> list[tuple[uuid.UUID, str | None]]:
        rows = await self.conn.fetch("SELECT application_id, photo FROM person_filings WHERE person_ref = $1"
                                     " ORDER BY application_id, photo", person_ref)
        return [(r["application_id"], r["photo"] or None) for r in rows]


class PgKeys:
    def __init__(self, conn, vault) -> None:
        self.conn, self.vault = conn, vault

    async def seal(self, person_ref: str, fields: dict) -> Sealed:
        return await self.vault.seal(self.conn, person_ref, fields)

    async def erase(self, person_ref: str) -> bool:
        return await self.vault.erase(self.conn, person_ref)


class PgPersonalTopic:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def queue(self, person_ref: str, record: PersonalRecord | None) -> None:
        await queue_record(self.conn, person_ref, record)


class PgUploads:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def forget(self, person_ref: str) -> tuple[int, int]:
        drafts = await self.conn.execute("DELETE FROM drafts WHERE person_ref = $1", person_ref)
        documents = await self.conn.fetchval("WITH gone AS (DELETE FROM documents WHERE person_ref = $1 RETURNING 1)"
                                             " SELECT count(*) FROM gone", person_ref)
        return documents, int(drafts.split()[-1])

    async def expire_drafts(self, now) -> int:
        return int((await self.conn.execute("DELETE FROM drafts WHERE expires_at < $1", now)).split()[-1])


def intake_ports(conn, vault=None) -> IntakePorts:
    """`vault` (adapters/vault.py) holds the master key; the consumer's reactions need none."""
    return IntakePorts(archive=PgArchive(conn), units=PgUnits(conn), returns=PgReturns(conn), photos=PgPhotos(conn),
                       filings=PgFilings(conn), keys=PgKeys(conn, vault), personal=PgPersonalTopic(conn),
                       uploads=PgUploads(conn))
