"""review's stream names, defined once per kind: `case-<application id>` holds one application's
review case, `archive-<entry id>` one entry of a person's achievement archive, `unit-<unit id>` a
unit's authorizations."""
from __future__ import annotations

import uuid

CASE = "case-"
ARCHIVE = "archive-"
UNIT = "unit-"


def case_stream(application_id: uuid.UUID | str) -> str:
    return f"{CASE}{application_id}"


def archive_stream(entry_id: str) -> str:
    return f"{ARCHIVE}{entry_id}"


def unit_stream(unit_id: str) -> str:
    return f"{UNIT}{unit_id}"
