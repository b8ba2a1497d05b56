"""Deadline reminders: waiting cases + their plans + today -> one planned SMS per recipient per reminder.

The cases waiting at a reviewer are counted per plan their application was filed under, and each
plan's deadlines bind only its own cases (two versions of a plan may have different deadlines).

Each due reminder is handled in one transaction: a `reminders` row keyed by the reminder's event
id (derived from recipient, deadline and days-before), the DeadlineApproaching event on notify's
stream `reminder-<org>` (published to the notifications topic), and its delivery row (or its
NotificationFailed). A second run, a second notify process or a restart finds the row and plans
nothing: once per recipient per reminder.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from contracts.events import ReviewLevel
from contracts.plan import Plan
from contracts.review_chain import CHAIN
from plumbing.core.causes import Cause
from plumbing.core.unit_of_work import UnitOfWork
from plumbing.logging import get_logger
from services.notify.domain.recipients import Contact
from services.notify.domain.reminders import Reminder, Waiting, due_reminders, plan_deadlines
from services.notify.usecases.planning import Plans, plan_messages, save_contact
from services.notify.usecases.ports import Counted, NotifyPorts
from services.notify.domain.streams import reminder_stream

Uow = UnitOfWork[NotifyPorts]

log = get_logger(__name__)


async def seed_department_contacts(uow: Uow, contacts: list[Contact]) -> None:
    """The data file wins over what is stored: an operator edits the file and restarts notify."""
    for contact in contacts:
        await save_contact(uow, contact)


def aggregate(rows: list[Counted]) -> list[Waiting]:
    """Counts per (org, level) -> one Waiting per recipient. An organisation acting at several
    department levels (the city HR bureau for 市直 units) gets one reminder for all its cases,
    named by its earliest level in the chain."""
    units = [Waiting(r.org, ReviewLevel.UNIT, r.cases) for r in rows if r.level == ReviewLevel.UNIT.value]
    departments: dict[str, list] = defaultdict(list)
    for r in rows:
        if r.level != ReviewLevel.UNIT.value:
            departments[r.org].append((CHAIN.index(ReviewLevel(r.level)), r.cases))
    for org, levels in departments.items():
        units.append(Waiting(org, CHAIN[min(i for i, _ in levels)], sum(n for _, n in levels)))
    return sorted(units, key=lambda w: (w.level, w.org))


def _by_plan(rows: list[Counted]) -> dict[tuple[str, str], list[Counted]]:
    plans: dict[tuple[str, str], list[Counted]] = defaultdict(list)
    for row in rows:
        plans[(row.plan_id, row.plan_version)].append(row)
    return plans


def _day(when: date, plan: Plan) -> date:
    return when.astimezone(ZoneInfo(plan.timezone)).date() if isinstance(when, datetime) else when


async def run_reminders(uow: Callable[[], Uow], plans: Plans, now: date) -> list[Reminder]:
    """A periodic job: plans the reminders due today (`now`: a season day, or a moment read as a day
    in each plan's timezone), each in its own unit of work, with the deadlines of the plan the
    waiting cases were filed under; returns those planned by this run (not earlier ones). Two plans
    sharing a deadline share its reminder (its id is recipient, deadline, days before): the first
    plan's cases are counted in it. Cases of a plan notify does not ship are left out (logged): one
    such plan never stops the others' reminders."""
    async with uow() as u:
        counted = _by_plan(await u.ports.waiting.counts())
    planned = []
    for (plan_id, version), rows in sorted(counted.items()):
        if (plan_id, version) not in plans.registry:
            log.warning("notify.reminders_plan_unknown", plan_id=plan_id, plan_version=version,
                        waiting_cases=sum(r.cases for r in rows))
            continue
        plan = plans.registry.get(plan_id, version)
        today = _day(now, plan)
        for reminder in due_reminders(plan_deadlines(plan), plan.reminder_working_days_before, today, aggregate(rows)):
            if await _plan_reminder(uow, plans, plan, reminder, today):
                planned.append(reminder)
    return planned


async def _plan_reminder(uow: Callable[[], Uow], plans: Plans, plan: Plan, reminder: Reminder, today: date) -> bool:
    async with uow() as u:
        if not await u.ports.reminders.claim(reminder, today):
            return False
        payload = reminder.payload(today)  # a story of its own: the reminder's id is its correlation id
        [envelope] = await u.save(reminder_stream(reminder.org), [payload], key=reminder.org,
                                  cause=Cause(reminder.event_id), event_ids=[reminder.event_id])
        await plan_messages(u, plans, payload, envelope, plan=plan)
    log.info("notify.reminder_planned", org=reminder.org, deadline=reminder.deadline.isoformat(),
             days_before=reminder.days_before, waiting_cases=reminder.waiting_cases, plan_id=plan.plan_id,
             plan_version=plan.version)
    return True
