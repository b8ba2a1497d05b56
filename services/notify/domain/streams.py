"""notify's stream names, defined once per kind: `notification-<application id>` holds the
outcomes of the SMS about one application (or, about none, `notification-<notification id>`);
`reminder-<organisation id>` the deadline reminders planned for one organisation."""
from __future__ import annotations

import uuid

NOTIFICATION = "notification-"
REMINDER = "reminder-"


def notification_stream(about: uuid.UUID | str) -> str:
    return f"{NOTIFICATION}{about}"


def reminder_stream(org_id: str) -> str:
    return f"{REMINDER}{org_id}"
