"""eligibility's stream names, defined once: `eligibility-<application id>` holds every assessment
of one application (one per revision)."""
from __future__ import annotations

import uuid


def assessment_stream(application_id: uuid.UUID | str) -> str:
    return f"eligibility-{application_id}"
