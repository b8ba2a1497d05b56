"""Deduplication keys: what makes "exactly once in effect" possible.

The key is a hash of (caused_by_event_id, template, recipient). A redelivered event has the same
event id, so it yields the same key: notify's own table refuses a second row with that key, and
the SMS gateway is sent the key as `Idempotency-Key` so that a retry after a crash (SMS sent,
row not yet marked sent) does not send a second SMS.

The recipient part is the logical recipient (kind and reference, e.g. `applicant:<id>`), not the
phone number: a number corrected between two deliveries of one event must not produce a second
message. The guarantee is only as long as the provider keeps keys (its idempotency window); after
that, a replay of a very old event would be refused by notify's table, not by the provider.
"""
from __future__ import annotations

import hashlib
import json
import uuid

NAMESPACE = uuid.UUID("6f1c2a57-5a4e-4d0f-9a55-12333a0e5d1d")


def recipient_identity(kind: str, ref: str) -> str:
    return f"{kind}:{ref}"


def dedup_key(caused_by_event_id: uuid.UUID | str, template: str, recipient: str) -> str:
    """sha256 hex over a JSON list, so no choice of parts can collide with another's."""
    material = json.dumps([str(caused_by_event_id), template, recipient], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def notification_id(key: str) -> uuid.UUID:
    """A notification id derived from the key, so a redelivery names the same notification."""
    return uuid.uuid5(NAMESPACE, key)
