"""intake's stream names, defined once per kind: `application-<application id>` holds one
application's filings and withdrawal; `person-<person_ref>` holds an erasure of one person."""
from __future__ import annotations

import uuid

APPLICATION = "application-"
PERSON = "person-"


def application_stream(application_id: uuid.UUID | str) -> str:
    return f"{APPLICATION}{application_id}"


def person_stream(person_ref: str) -> str:
    return f"{PERSON}{person_ref}"
