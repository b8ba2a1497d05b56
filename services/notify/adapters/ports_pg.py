"""notify's ports on PostgreSQL, on the unit of work's connection (usecases/ports.py)."""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime

from contracts.envelope import Envelope
from contracts.events import NotificationFailed
from contracts.personal_record import PersonalRecord
from contracts.upcasters import FIRST_PLAN_ID, FIRST_PLAN_VERSION
from plumbing.core.personal_data import lock_person, lookup
from services.notify.domain.compose import Outgoing
from services.notify.domain.recipients import Contact, RecipientKind
from services.notify.domain.reminders import Reminder
from services.notify.usecases.ports import ERASED, Counted, Erased, NotifyPorts, Pending


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


class PgDirectory:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def contact(self, kind: RecipientKind, ref: str) -> Contact | None:
        row = await self.conn.fetchrow("SELECT name, phone, rank, person_ref FROM contacts WHERE kind = $1 AND ref = $2",
                                       kind.value, ref)
        return Contact(RecipientKind(kind), ref, row["name"], row["phone"], row["rank"], row["person_ref"]) if row else None

    async def save(self, contact: Contact) -> None:
        await self.conn.execute(
            "INSERT INTO contacts (kind, ref, name, phone, rank, person_ref) VALUES ($1,$2,$3,$4,$5,$6)"
            " ON CONFLICT (kind, ref) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone,"
            " rank = EXCLUDED.rank, person_ref = EXCLUDED.person_ref",
            contact.kind.value, contact.ref, contact.name, contact.phone, contact.rank, contact.person_ref)


class PgPeople:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def current(self, person_ref: str) -> PersonalRecord | Erased | None:
        await lock_person(self.conn, person_ref)  # the record cannot arrive unseen while we decide to wait
        found = await lookup(self.conn, [person_ref])
        if person_ref not in found:
            return None
        return ERASED if found[person_ref] is None else found[person_ref]


class PgDeliveries:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def queue(self, out: Outgoing, correlation_id: uuid.UUID, person_ref: str) -> None:
        await self.conn.execute(
            "INSERT INTO deliveries (dedup_key, notification_id, application_id, template, to_e164, recipient_masked,"
            " text, caused_by_event_id, correlation_id, person_ref, template_code, params)"
            " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (dedup_key) DO NOTHING",
            out.dedup_key, out.notification_id, out.application_id, out.template, out.to, out.recipient_masked,
            out.text, out.caused_by_event_id, correlation_id, person_ref, out.template_code,
            json.dumps(dict(out.params), ensure_ascii=False))
        await self.conn.execute("SELECT pg_notify('deliveries', '')")  # wakes the dispatcher at commit

    async def pending_of(self, person_ref: str) -> list[Pending]:
        rows = await self.conn.fetch(
            "SELECT notification_id, application_id, template, recipient_masked, dedup_key, caused_by_event_id,"
            " correlation_id FROM deliveries WHERE person_ref = $1 AND status IN ('pending', 'checking', 'unknown')"
            " ORDER BY seq", person_ref)
        return [Pending(**dict(r)) for r in rows]

    async def scrub(self, person_ref: str, reason: str) -> int:
        keys = await self.conn.fetch(
            "UPDATE deliveries SET status = CASE WHEN status IN ('pending', 'checking', 'unknown') THEN 'failed' ELSE status END,"
            " last_error = CASE WHEN status IN ('pending', 'checking', 'unknown') THEN $2 ELSE last_error END,"
            " to_e164 = '', text = '', params = '{}'"
            " WHERE person_ref = $1 RETURNING dedup_key", person_ref, reason)
        await self.conn.execute("DELETE FROM sms_log WHERE dedup_key = ANY($1::text[])", [k["dedup_key"] for k in keys])
        return len(keys)

    async def resend(self, notification_id: uuid.UUID, by: str, at: datetime) -> str | None:
        before = await self.conn.fetchval("SELECT status FROM deliveries WHERE notification_id = $1 FOR UPDATE",
                                          notification_id)
        if before == "unknown":
            await self.conn.execute(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = $3, resent_by = $2, resent_at = $3,"
                " last_error = 'sent again by ' || $2 WHERE notification_id = $1", notification_id, by, at)
            await self.conn.execute("SELECT pg_notify('deliveries', '')")  # wakes the dispatcher at commit
        return before

    async def of_application(self, application_id: uuid.UUID, person_ref: str | None = None) -> list[dict]:
        rows = await self.conn.fetch(
            "SELECT notification_id::text, template, recipient_masked, text, status, attempts, last_error, created_at,"
            " sent_at, provider_message_id,"
            # Accepted by the development stub (sms_log): recorded, never sent to anyone.
            " EXISTS (SELECT 1 FROM sms_log l WHERE l.dedup_key = deliveries.dedup_key) AS recorded_only"
            " FROM deliveries WHERE application_id = $1 AND ($2::text IS NULL OR person_ref = $2) ORDER BY seq",
            application_id, person_ref)
        return [{**dict(r), "created_at": _iso(r["created_at"]), "sent_at": _iso(r["sent_at"])} for r in rows]


class PgFailures:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def record(self, failed: NotificationFailed, at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO notification_failures (notification_id, application_id, caused_by_event_id, template,"
            " recipient_masked, reason, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING",
            failed.notification_id, failed.application_id, failed.caused_by_event_id, failed.template,
            failed.recipient_masked, failed.reason, at)

    async def of_application(self, application_id: uuid.UUID) -> list[dict]:
        rows = await self.conn.fetch("SELECT template, recipient_masked, reason, recorded_at FROM notification_failures"
                                     " WHERE application_id = $1 ORDER BY seq", application_id)
        return [{**dict(r), "recorded_at": _iso(r["recorded_at"])} for r in rows]


class PgWaiting:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def track(self, application_id: uuid.UUID, level: str, org: str) -> None:
        await self.conn.execute(
            "INSERT INTO waiting_cases (application_id, level, org_id) VALUES ($1, $2, $3)"
            " ON CONFLICT (application_id) DO UPDATE SET level = EXCLUDED.level, org_id = EXCLUDED.org_id,"
            " updated_at = now()", application_id, level, org)

    async def leave(self, application_id: uuid.UUID) -> None:
        await self.conn.execute("DELETE FROM waiting_cases WHERE application_id = $1", application_id)

    async def counts(self) -> list[Counted]:
        rows = await self.conn.fetch(
            "SELECT w.org_id, w.level, coalesce(k.plan_id, $1) AS plan_id,"
            " coalesce(k.plan_version, $2) AS plan_version, count(*) AS cases"
            " FROM waiting_cases w LEFT JOIN known_applications k USING (application_id)"
            " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4", FIRST_PLAN_ID, FIRST_PLAN_VERSION)
        return [Counted(r["org_id"], r["level"], r["cases"], r["plan_id"], r["plan_version"]) for r in rows]


class PgKnownApplications:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def remember(self, application_id: uuid.UUID, plan_id: str, plan_version: str) -> None:
        await self.conn.execute("INSERT INTO known_applications (application_id, plan_id, plan_version)"
                                " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", application_id, plan_id, plan_version)

    async def plan_of(self, application_id: uuid.UUID) -> tuple[str, str] | None:
        row = await self.conn.fetchrow(
            "SELECT plan_id, plan_version FROM known_applications WHERE application_id = $1", application_id)
        return (row["plan_id"], row["plan_version"]) if row else None

    async def knows(self, application_id: uuid.UUID) -> bool:
        return bool(await self.conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM known_applications WHERE application_id = $1)"
            " OR EXISTS (SELECT 1 FROM contacts WHERE kind = 'applicant' AND ref = $2)",
            application_id, str(application_id)))


class PgReminders:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def claim(self, reminder: Reminder, today: date) -> bool:
        return bool(await self.conn.fetchval(
            "INSERT INTO reminders (event_id, org_id, level, deadline, days_before, waiting_cases, planned_on)"
            " VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING RETURNING true",
            reminder.event_id, reminder.org, reminder.level.value, reminder.deadline, reminder.days_before,
            reminder.waiting_cases, today))

    async def report(self) -> list[dict]:
        rows = await self.conn.fetch(
            "SELECT r.event_id, r.org_id, r.level, r.deadline, r.days_before, r.waiting_cases, r.planned_on,"
            " d.recipient_masked, d.text, d.status, d.attempts, d.sent_at, d.dedup_key, f.reason AS failure"
            " FROM reminders r LEFT JOIN deliveries d ON d.caused_by_event_id = r.event_id"
            " LEFT JOIN notification_failures f ON f.caused_by_event_id = r.event_id"
            " ORDER BY r.deadline, r.days_before DESC, r.org_id")
        return [{**dict(r), "event_id": str(r["event_id"]), "deadline": r["deadline"].isoformat(),
                 "planned_on": r["planned_on"].isoformat(), "status": r["status"] or ("failed" if r["failure"] else None),
                 "sent_at": _iso(r["sent_at"])} for r in rows]


class PgSetAside:
    def __init__(self, conn) -> None:
        self.conn = conn

    async def put(self, person_ref: str, envelope: Envelope) -> None:
        await self.conn.execute("INSERT INTO awaiting_personal_data (person_ref, event_id, envelope) VALUES ($1, $2, $3)"
                                " ON CONFLICT DO NOTHING", person_ref, envelope.event_id, envelope.model_dump_json())

    async def take(self, person_ref: str) -> list[Envelope]:
        rows = await self.conn.fetch("DELETE FROM awaiting_personal_data WHERE person_ref = $1 RETURNING envelope, since",
                                     person_ref)
        return [Envelope.model_validate_json(r["envelope"]) for r in sorted(rows, key=lambda r: r["since"])]


def notify_ports(conn) -> NotifyPorts:
    return NotifyPorts(directory=PgDirectory(conn), people=PgPeople(conn), deliveries=PgDeliveries(conn),
                       failures=PgFailures(conn), waiting=PgWaiting(conn), known=PgKnownApplications(conn),
                       reminders=PgReminders(conn), set_aside=PgSetAside(conn))
