"""What notify's routes answer, with an example each (the OpenAPI document's contract)."""
from __future__ import annotations

from pydantic import BaseModel, Field

from plumbing.edges.answers import APPLICATION_ID, EVENT_ID, examples

DELIVERY = {"notification_id": "0b6e3f6c-5f5e-5b8e-9a57-1c1d2e3f4a5b", "template": "passed_unit", "recipient_masked": "138****0000", "text": "【12333】您的申报已受理",
            "status": "sent", "attempts": 1, "last_error": None, "created_at": "2020-08-12T09:30:01+00:00",
            "sent_at": "2020-08-12T09:30:02+00:00", "provider_message_id": "000123^4567890123", "recorded_only": False}
REMINDER = {"event_id": EVENT_ID, "org_id": "u-sx-jzsj", "level": "unit", "deadline": "2020-08-25",
            "days_before": 3, "waiting_cases": 2, "planned_on": "2020-08-22", "recipient_masked": "138****0000",
            "text": "【12333】贵单位尚有2份申报待审核", "status": "sent", "attempts": 1, "sent_at": None,
            "dedup_key": "reminder:u-sx-jzsj:2020-08-25:3", "failure": None}


class Delivery(BaseModel):
    model_config = examples(DELIVERY)

    notification_id: str | None = Field(None, description="the delivery's id (`zc sms resend` takes it)")
    template: str
    recipient_masked: str
    status: str = Field(description="pending | sending | checking (no answer: the platform's status query decides)"
                                    " | sent | failed | unknown (not listed by the platform in time: an operator decides)")
    provider_message_id: str | None = Field(None, description="the platform's message id (BizId) once it was sent")
    attempts: int
    created_at: str
    sent_at: str | None = None
    recorded_only: bool = Field(description="true: the development SMS stub recorded it; nobody received it")


class Deliveries(BaseModel):
    """Every SMS planned for the application (paged: `Link: rel="next"`), and the failures."""

    model_config = examples({"application_id": APPLICATION_ID, "deliveries": [DELIVERY], "failures": [],
                             "next_cursor": None})

    application_id: str
    deliveries: list[Delivery]
    failures: list[dict]
    next_cursor: str | None = None


class MyDeliveries(BaseModel):
    """The SMS about my application (paged: `Link: rel="next"`)."""

    model_config = examples({"application_id": APPLICATION_ID, "deliveries": [DELIVERY], "next_cursor": None})

    application_id: str
    deliveries: list[Delivery]
    next_cursor: str | None = None


class Reminder(BaseModel):
    model_config = examples(REMINDER)

    event_id: str
    org_id: str
    level: str
    deadline: str
    days_before: int
    planned_on: str
    status: str | None = None


class Reminders(BaseModel):
    """Deadline reminders, by deadline (paged: `Link: rel="next"`)."""

    model_config = examples({"reminders": [REMINDER], "next_cursor": None})

    reminders: list[Reminder]
    next_cursor: str | None = None


class Resent(BaseModel):
    """The delivery is queued to be sent again."""

    model_config = examples({"notification_id": "0b6e3f6c-5f5e-5b8e-9a57-1c1d2e3f4a5b", "status": "pending",
                             "resent_by": "u-city-1"})

    notification_id: str
    status: str
    resent_by: str
