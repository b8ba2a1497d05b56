"""Deadline reminders: N working days before each plan deadline, to whoever still has cases.

Working days follow the Chinese calendar (weekends, public holidays and the weekend make-up
working days 调休), so "3 working days before" may skip a holiday week or land on a Saturday.
Each reminder has a stable key (recipient, deadline, days_before): the scheduler may run as
often as it likes and the same reminder is still emitted once, because its event id is derived
from the key and notify's deduplication does the rest.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from contracts.events import DeadlineApproaching, ReviewLevel
from contracts.plan import Plan
from contracts.working_days import is_working_day, working_days_before

REMINDER_NAMESPACE = uuid.UUID("0d6c3a8e-2f0b-4c55-b1c4-2d2e9f7a3e10")
IsWorkday = Callable[[date], bool]


@dataclass(frozen=True)
class Deadline:
    on: date
    levels: frozenset[ReviewLevel]  # who must have acted by then
    only: frozenset[str] | None = None  # these organisations only (None: any)
    except_: frozenset[str] = frozenset()  # not these organisations

    def binds(self, waiting: "Waiting") -> bool:
        return (waiting.level in self.levels and waiting.org not in self.except_
                and (self.only is None or waiting.org in self.only))


@dataclass(frozen=True)
class Waiting:
    """Cases waiting at one reviewer (a unit or a department) at a level."""

    org: str
    level: ReviewLevel
    cases: int


@dataclass(frozen=True)
class Reminder:
    org: str
    level: ReviewLevel
    deadline: date
    days_before: int
    waiting_cases: int

    @property
    def key(self) -> tuple[str, date, int]:
        return (self.org, self.deadline, self.days_before)

    @property
    def event_id(self) -> uuid.UUID:
        return uuid.uuid5(REMINDER_NAMESPACE, f"{self.org}|{self.deadline.isoformat()}|{self.days_before}")

    def payload(self, planned_on: date | None = None) -> DeadlineApproaching:
        return DeadlineApproaching(recipient_org=self.org, deadline=self.deadline, waiting_cases=self.waiting_cases,
                                   level=self.level, days_before=self.days_before, planned_on=planned_on)


def reminder_of(event_id: uuid.UUID, event: DeadlineApproaching, recorded_on: date) -> Reminder | None:
    """The reminder a recorded DeadlineApproaching was (for rebuilding notify's `reminders`): v3 says
    which one; a v2 event is matched by its id (derived from org, deadline and days before, see
    `Reminder.event_id`) and dated by the day it was recorded. None: an id no reminder has."""
    candidates = [event.days_before] if event.days_before is not None else range(0, 61)
    for days in candidates:
        reminder = Reminder(event.recipient_org, event.level, event.deadline, days, event.waiting_cases)
        if reminder.event_id == event_id:
            return reminder
    return None


def plan_deadlines(plan: Plan) -> list[Deadline]:
    """Units answer to the unit deadline; the departments that report *to* the city HR bureau to the
    city deadline; the city HR bureau's own work to its working deadline (operator data; see
    contracts/deadlines.py, which review's sweep and intake follow too)."""
    departments = frozenset(ReviewLevel) - {ReviewLevel.UNIT}
    city = frozenset({plan.city_hr_bureau.org_id})
    return [Deadline(plan.unit_deadline, frozenset({ReviewLevel.UNIT})),
            Deadline(plan.city_deadline, departments, except_=city),
            Deadline(plan.city_working_deadline, departments, only=city)]


def due_reminders(deadlines: Iterable[Deadline], days_before: Iterable[int], today: date,
                  waiting: Iterable[Waiting], is_workday: IsWorkday = is_working_day) -> list[Reminder]:
    """The reminders due today. A run that missed a reminder day (the scheduler was down) still
    sends the most urgent reminder that has come due, and only that one, before the deadline."""
    offsets = sorted(set(days_before))
    out: list[Reminder] = []
    for deadline in deadlines:
        if today >= deadline.on:
            continue
        due = [n for n in offsets if working_days_before(deadline.on, n, is_workday) <= today]
        if not due:
            continue
        for w in waiting:
            if deadline.binds(w) and w.cases > 0:
                out.append(Reminder(w.org, w.level, deadline.on, due[0], w.cases))
    return out
