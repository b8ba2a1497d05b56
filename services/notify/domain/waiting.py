"""Which reviewer a case waits at, as review's own events say it: CaseOpened names who acts first,
CaseMovedTo every later hand-over (to nobody when the case is returned, closed or forwarded).
Notify keeps no copy of review's chain; its read model is a plain upsert of what it is told."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from contracts.events import CaseMovedTo, CaseOpened, ReviewLevel


@dataclass(frozen=True)
class WaitsAt:
    application_id: uuid.UUID
    level: ReviewLevel
    org_id: str


@dataclass(frozen=True)
class Left:
    """The case waits at no reviewer any more (returned, closed, forwarded)."""

    application_id: uuid.UUID


def change_for(event: CaseOpened | CaseMovedTo) -> WaitsAt | Left:
    if event.acting is None:
        return Left(event.application_id)
    return WaitsAt(event.application_id, event.acting.level, event.acting.org_id)
