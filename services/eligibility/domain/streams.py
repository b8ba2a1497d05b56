"""eligibility's stream names, defined once: `eligibility-<application id>` holds every assessment
of one application (one per revision)."""
from __future__ import annotations

import uuid

ASSESSMENT = "eligibility-"


def assessment_stream(application_id: uuid.UUID | str) -> str:
    return f"{ASSESSMENT}{application_id}"
