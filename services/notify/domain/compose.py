"""One message intent + its recipient -> a ready SMS, or the NotificationFailed to record.

Pure: the caller looks the contact up in notify's directory and passes it in. Nothing here
raises for bad data; a missing number or a template problem becomes NotificationFailed.
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from contracts.events import NotificationFailed, NotificationSent
from services.notify.domain.dedup import dedup_key, notification_id, recipient_identity
from services.notify.domain.recipients import Contact, Recipient, resolve
from services.notify.domain.routing import Message
from services.notify.domain.templates import Catalogue, TemplateError


@dataclass(frozen=True)
class Outgoing:
    """An SMS ready for the gateway, and the events that record how it ended."""

    notification_id: uuid.UUID
    dedup_key: str
    to: str  # E.164
    text: str
    template: str
    recipient_masked: str
    application_id: uuid.UUID | None
    caused_by_event_id: uuid.UUID
    # What the platform is sent: the template's code and its parameters (the text is our copy).
    template_code: str = ""
    params: Mapping[str, str] = field(default_factory=dict, hash=False)

    def sent(self) -> NotificationSent:
        return NotificationSent(
            notification_id=self.notification_id, application_id=self.application_id, template=self.template,
            recipient_masked=self.recipient_masked, dedup_key=self.dedup_key,
            caused_by_event_id=self.caused_by_event_id)

    def failed(self, reason: str) -> NotificationFailed:
        return NotificationFailed(
            notification_id=self.notification_id, application_id=self.application_id, template=self.template,
            recipient_masked=self.recipient_masked, reason=reason, dedup_key=self.dedup_key,
            caused_by_event_id=self.caused_by_event_id)


def compose(event_id: uuid.UUID, message: Message, directory_contact: Contact | None,
            catalogue: Catalogue) -> Outgoing | NotificationFailed:
    key = dedup_key(event_id, message.template, recipient_identity(message.recipient_kind, message.recipient_ref))
    nid = notification_id(key)
    recipient = resolve(directory_contact)

    def failure(reason: str, masked: str) -> NotificationFailed:
        return NotificationFailed(notification_id=nid, application_id=message.application_id,
                                  template=message.template, recipient_masked=masked, reason=reason,
                                  dedup_key=key, caused_by_event_id=event_id)

    if not isinstance(recipient, Recipient):
        return failure(recipient.reason, recipient.masked)
    fields = {**message.fields, "name": recipient.name, "phone_masked": recipient.masked}
    try:
        rendered = catalogue.message(message.template, fields)
    except TemplateError as exc:
        return failure(f"template: {exc}", recipient.masked)
    return Outgoing(nid, key, recipient.phone_e164, rendered.text, message.template, recipient.masked,
                    message.application_id, event_id, rendered.code, dict(rendered.params))
