"""Deadline reminders: waiting cases + the plan + today -> one planned SMS per recipient per reminder.

Each due reminder is handled in one transaction: a `reminders` row keyed by the reminder's event
id (derived from recipient, deadline and days-before), the DeadlineApproaching event on notify's
stream `reminder-<org>` (published to the notifications topic), and its delivery row (or its
NotificationFailed). A second run, a second notify process or a restart finds the row and plans
nothing: once per recipient per reminder.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

import asyncpg

from contracts.events import ReviewLevel
from contracts.plan import Plan
from contracts.review_chain import CHAIN
from plumbing.core.causes import Cause
from plumbing.core.unit_of_work import UnitOfWork
from plumbing.logging import get_logger
from services.notify.domain.recipients import Contact
from services.notify.domain.reminders import Reminder, Waiting, due_reminders, plan_deadlines
from services.notify.domain.templates import Catalogue
from services.notify.usecases.planning import plan_messages, save_contact

log = get_logger(__name__)


async def seed_department_contacts(pool: asyncpg.Pool, contacts: list[Contact]) -> None:
    """The data file wins over what is stored: an operator edits the file and restarts notify."""
    async with pool.acquire() as conn, conn.transaction():
        for contact in contacts:
            await save_contact(conn, contact)


def aggregate(rows) -> list[Waiting]:
    """Counts per (org, level) -> one Waiting per recipient. An organisation acting at several
    department levels (the city HR bureau for 市直 units) gets one reminder for all its cases,
    named by its earliest level in the chain."""
    units = [Waiting(r["org_id"], ReviewLevel.UNIT, r["cases"]) for r in rows if r["level"] == ReviewLevel.UNIT.value]
    departments: dict[str, list] = defaultdict(list)
    for r in rows:
        if r["level"] != ReviewLevel.UNIT.value:
            departments[r["org_id"]].append((CHAIN.index(ReviewLevel(r["level"])), r["cases"]))
    for org, levels in departments.items():
        units.append(Waiting(org, CHAIN[min(i for i, _ in levels)], sum(n for _, n in levels)))
    return sorted(units, key=lambda w: (w.level, w.org))


async def waiting_now(conn) -> list[Waiting]:
    rows = await conn.fetch("SELECT org_id, level, count(*) AS cases FROM waiting_cases GROUP BY org_id, level")
    return aggregate(rows)


async def run_reminders(uow: Callable[[], UnitOfWork], plan: Plan, catalogue: Catalogue,
                        today: date) -> list[Reminder]:
    """A periodic job: plans the reminders due `today`, each in its own unit of work; returns
    those planned by this run (not earlier ones)."""
    async with uow() as u:
        waiting = await waiting_now(u.conn)
    due = due_reminders(plan_deadlines(plan), plan.reminder_working_days_before, today, waiting)
    planned = []
    for reminder in due:
        async with uow() as u:
            conn, recorder = u.conn, u.recorder
            fresh = await conn.fetchval(
                "INSERT INTO reminders (event_id, org_id, level, deadline, days_before, waiting_cases, planned_on)"
                " VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING RETURNING true",
                reminder.event_id, reminder.org, reminder.level.value, reminder.deadline, reminder.days_before,
                reminder.waiting_cases, today)
            if not fresh:
                continue
            payload = reminder.payload()  # a story of its own: the reminder's id is its correlation id
            [envelope] = await recorder.save(f"reminder-{reminder.org}", [payload], key=reminder.org, conn=conn,
                                             cause=Cause(reminder.event_id), event_ids=[reminder.event_id])
            await plan_messages(recorder, plan, catalogue, conn, payload, envelope)
        planned.append(reminder)
        log.info("notify.reminder_planned", org=reminder.org, deadline=reminder.deadline.isoformat(),
                 days_before=reminder.days_before, waiting_cases=reminder.waiting_cases)
    return planned
