"""The AsyncAPI 3.0 document of every topic, generated from the contract registry.

The subscribers take raw bytes (plumbing/edges/kafka.py), so FastStream cannot infer what travels;
the registry knows it. `contracts/asyncapi.json` is the generated document, checked in;
`tests/contracts/test_asyncapi.py` wants it equal to a fresh generation and valid against the
AsyncAPI 3.0 JSON Schema (`contracts/asyncapi-3.0.0.schema.json`, shipped with the repository).
Every service serves it at `/asyncapi.json` and renders it at `/asyncapi`.

    python -m contracts.asyncapi write   # regenerate contracts/asyncapi.json
    python -m contracts.asyncapi check   # exit 1 when the checked-in document is stale
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from contracts import analytics, topics
from contracts.envelope import Envelope
from contracts.personal_record import PersonalRecord
from contracts.registry import EVENT_TYPES

DOCUMENT = Path(__file__).parent / "asyncapi.json"
SPEC_SCHEMA = Path(__file__).parent / "asyncapi-3.0.0.schema.json"
_REF = "#/components/schemas/{model}"

# Which events travel on which service's topic (the service's Recorder publishes every event it records).
PUBLISHED_BY = {
    "intake": ("ApplicationSubmitted", "ApplicationResubmitted", "ApplicationWithdrawn", "PersonErased"),
    "eligibility": ("EligibilityAssessed",),
    "notify": ("NotificationSent", "NotificationFailed", "DeadlineApproaching"),
}
# review publishes every other event (cases, the archive, units' authorizations)
REVIEW_EVENTS = tuple(sorted(set(EVENT_TYPES) - {e for es in PUBLISHED_BY.values() for e in es}))

# channel id -> (topic name function, publishers, readers, description)
CHANNELS = {
    "applications": (topics.applications, ("intake",), ("eligibility", "review", "notify"),
                     "Filings, resubmissions, withdrawals and erasures (intake). Key: application id."),
    "assessments": (topics.eligibility, ("eligibility",), ("review", "notify"),
                    "Eligibility assessments. Key: application id."),
    "review": (topics.review, ("review",), ("intake", "notify"),
               "Review cases, the achievement archive, units' authorizations. Key: application id."),
    "notifications": (topics.notifications, ("notify",), (),
                      "SMS sent or failed, deadline reminders. Key: application id (or the organisation)."),
    "analytics": (topics.analytics_cases, ("review",), ("analytics",),
                  "The analysts' feed: one pseudonymous message per state change of an application "
                  "(contracts/analytics.py). Key: the pseudonymous case key. Kept for ever."),
    "personalData": (topics.personal_data, ("intake",), ("review", "notify"),
                     "Applicants' current name, phone and display ID mask, keyed by person_ref; compacted; a "
                     "tombstone erases. Read by notify and review only."),
    "operatorsData": (topics.operators_data, ("review",), ("notify",),
                      "Units' authorised operators' contacts, keyed by operator_ref; compacted; a tombstone "
                      "erases. Read by notify only."),
    "deadLetters": (topics.dead_letter, ("intake", "eligibility", "review", "notify"), (),
                    "Records a consumer could not process, described (never copied). Kept 30 days."),
    "audit": (topics.audit, ("intake", "eligibility", "review", "notify"), ("auditor",),
              "What each service witnesses about its own log (plumbing/core/witness.py): a link (stream, "
              "version, hash, position) per append, signed checkpoints, reads of personal data. One "
              "partition, never compacted, kept for ever. Key: the stream id or the service."),
}
CHANNEL_MESSAGES = {
    "applications": PUBLISHED_BY["intake"], "assessments": PUBLISHED_BY["eligibility"], "review": REVIEW_EVENTS,
    "notifications": PUBLISHED_BY["notify"], "analytics": (analytics.MESSAGE_TYPE,),
    "personalData": ("PersonalRecord",), "operatorsData": ("PersonalRecord",), "deadLetters": ("DeadLetter",),
    "audit": ("AuditRecord",),
}

DEAD_LETTER = {
    "type": "object", "title": "DeadLetter",
    "description": "What a consumer set aside: where the record was, the error, and a bounded description.",
    "properties": {"consumer": {"type": "string"}, "error": {"type": "string", "maxLength": 1000},
                   "topic": {"type": "string"}, "partition": {"type": "integer"}, "offset": {"type": "integer"},
                   "key": {"type": "string"}, "event_id": {"type": ["string", "null"]},
                   "event_type": {"type": ["string", "null"]},
                   "value": {"type": "object", "description": "length, SHA-256 and a printable preview of 512 bytes"}},
}


def _schema(model: type[BaseModel], schemas: dict) -> dict:
    """The model's JSON Schema with its definitions hoisted into components.schemas."""
    schema = model.model_json_schema(ref_template=_REF)
    for name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    return schema


def _event_message(name: str, schemas: dict) -> dict:
    model = EVENT_TYPES[name]
    schemas[name] = _schema(model, schemas)
    return {
        "name": name, "title": name, "contentType": "application/json",
        "summary": (model.__doc__ or name).strip().splitlines()[0],
        "headers": {"type": "object", "properties": {
            "event_type": {"type": "string", "const": name},
            "schema_version": {"type": "string", "const": str(model.schema_version)},
            "event_id": {"type": "string", "format": "uuid"}, "correlation_id": {"type": "string", "format": "uuid"},
            "causation_id": {"type": "string", "format": "uuid"}}},
        "payload": {"allOf": [{"$ref": _REF.format(model="Envelope")}, {"type": "object", "properties": {
            "event_type": {"const": name}, "schema_version": {"const": model.schema_version},
            "payload": {"$ref": _REF.format(model=name)}}}]},
    }


AUDIT_RECORD = {
    "type": "object", "title": "AuditRecord", "required": ["record", "service"],
    "description": "One witness record; `record` says which (its other fields are those of that kind): "
                   "AuditLink (stream_id, stream_version, hash, tx_id, position), AuditCheckpoint (seq, the "
                   "Merkle root of stream heads, counts, previous hash, hash, Ed25519 signature), "
                   "PersonalDataRead (who, role, organisation, route, what, subject, person_refs).",
    "properties": {"record": {"type": "string", "enum": ["AuditLink", "AuditCheckpoint", "PersonalDataRead"]},
                   "service": {"type": "string"}},
}


def _other_message(name: str, schemas: dict) -> dict:
    if name == "AuditRecord":
        schemas[name] = AUDIT_RECORD
        return {"name": name, "title": name, "contentType": "application/json",
                "summary": "A link, a signed checkpoint or a read of personal data, as a service witnessed it.",
                "headers": {"type": "object", "properties": {"event_type": {"type": "string"}}},
                "payload": {"$ref": _REF.format(model=name)}}
    if name == analytics.MESSAGE_TYPE:
        schemas[name] = _schema(analytics.CaseChange, schemas)
        schemas[name]["properties"]["schema_version"] = {"type": "integer", "const": analytics.CaseChange.schema_version}
        return {"name": name, "title": name, "contentType": "application/json",
                "summary": "One state change of one application, pseudonymous (v1 messages are read as v2).",
                "headers": {"type": "object", "properties": {
                    "message_type": {"type": "string", "const": name},
                    "schema_version": {"type": "string", "const": str(analytics.CaseChange.schema_version)}}},
                "payload": {"$ref": _REF.format(model=name)}}
    if name == "PersonalRecord":
        schemas[name] = _schema(PersonalRecord, schemas)
        return {"name": name, "title": name, "contentType": "application/json",
                "summary": "A person's current contact (key: person_ref or operator_ref); a null value erases.",
                "payload": {"$ref": _REF.format(model=name)}}
    schemas[name] = DEAD_LETTER
    return {"name": name, "title": name, "contentType": "application/json",
            "summary": "A record set aside by a consumer.", "payload": {"$ref": _REF.format(model=name)}}


def generate() -> dict:
    schemas: dict = {"Envelope": _schema(Envelope, {})}
    channels, operations = {}, {}
    for channel_id, (topic, publishers, readers, description) in CHANNELS.items():
        messages = {name: (_event_message(name, schemas) if name in EVENT_TYPES else _other_message(name, schemas))
                    for name in CHANNEL_MESSAGES[channel_id]}
        suffix = topic().split(".", 1)[1]  # the address without this process's prefix
        channels[channel_id] = {"address": "{prefix}." + suffix, "description": description, "messages": messages,
                                "parameters": {"prefix": {"description": "the deployment's topic prefix "
                                                          "(ZC_TOPIC_PREFIX)", "default": "zc"}}}
        refs = [{"$ref": f"#/channels/{channel_id}/messages/{name}"} for name in messages]
        for service in publishers:
            operations[f"{service}Sends_{channel_id}"] = {
                "action": "send", "channel": {"$ref": f"#/channels/{channel_id}"}, "messages": refs,
                "summary": f"{service} publishes through its outbox"}
        for service in readers:
            operations[f"{service}Receives_{channel_id}"] = {
                "action": "receive", "channel": {"$ref": f"#/channels/{channel_id}"}, "messages": refs,
                "summary": f"{service} reads in its own consumer group"}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "zhicheng topics", "version": "1",
                 "description": "Every Kafka topic of zhicheng, generated from contracts/ "
                                "(python -m contracts.asyncapi write). Events travel in the Envelope; "
                                "the analysts' feed and the personal-data topic carry their own messages."},
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:{port}", "protocol": "kafka", "description": "make up's broker",
                              "variables": {"port": {"default": "9092", "description": "ZC_KAFKA_PORT"}},
                              "security": [{"$ref": "#/components/securitySchemes/scram"}]}},
        "channels": channels,
        "operations": operations,
        "components": {"schemas": dict(sorted(schemas.items())),
                       "securitySchemes": {"scram": {"type": "scramSha256",
                                                     "description": "one principal per service (ACLs)"}}},
    }


def text() -> str:
    return json.dumps(generate(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    fresh = text()  # the addresses carry `{prefix}`, whatever this process's prefix
    if sys.argv[1:] == ["write"]:
        DOCUMENT.write_text(fresh, encoding="utf-8")
        print(f"written: {DOCUMENT}")
    else:
        stale = DOCUMENT.read_text(encoding="utf-8") != fresh
        print("stale: run `python -m contracts.asyncapi write`" if stale else "up to date")
        sys.exit(1 if stale else 0)
