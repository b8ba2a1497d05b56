"""Every read model `zc replay` can rebuild, what feeds it, and every other table of every service
with the reason it is not a read model (`STATE_OF_RECORD`); tests/unit/test_read_models.py fails
until each table a migration creates is in exactly one of them.

Store-fed (the service's own events, `plumbing/core/rebuild.py`): review's case_view and archive_view
(its projection runner); notify's reminders and notification_failures, intake's open_returns and
person_filings (written in their events' own transactions, and folded again from the store: the facts
they hold are events: DeadlineApproaching v3, NotificationFailed, ReturnReceived, the filings).
Topic-fed (other services' topics replayed from offset 0, `plumbing/core/topic_rebuild.py`), each
with only its own read-model reaction and the service's own ports, without a recorder (a policy
that appends is never run by a rebuild).
"""
from __future__ import annotations

from contracts import topics
from plumbing.core.reactions import Reactions
from plumbing.core.topic_rebuild import TopicModel

STORE_FED = {
    "review.case_view": ("review", "services.review.projections.case_view:make_apply", ["case_view", "archive_view"]),
    # written in their events' own transactions; folded again from notify's history
    "notify.history": ("notify", "services.notify.adapters.history_rebuild:make_apply",
                       ["reminders", "notification_failures"]),
    "intake.history": ("intake", "services.intake.adapters.history_rebuild:make_apply",
                       ["open_returns", "person_filings"]),
}


def _intake_archive(_store) -> Reactions:
    from services.intake.adapters.ports_pg import intake_ports
    from services.intake.reactions.when_archive_changes_record_entry import (
        when_archive_entry_added_record_it, when_archive_entry_judged_record_status)

    return Reactions(None, intake_ports).add(when_archive_entry_added_record_it).add(
        when_archive_entry_judged_record_status)


def _intake_units(_store) -> Reactions:
    from services.intake.adapters.ports_pg import intake_ports
    from services.intake.reactions.when_unit_authorized_record_unit import when_unit_authorized_record_unit

    return Reactions(None, intake_ports).add(when_unit_authorized_record_unit)


def _notify_waiting(_store) -> Reactions:
    from services.notify.adapters.ports_pg import notify_ports
    from services.notify.reactions.when_case_moves_track_waiting import when_case_moves_track_waiting

    return Reactions(None, notify_ports).add(when_case_moves_track_waiting)


def _notify_known(_store) -> Reactions:
    from services.notify.adapters.ports_pg import notify_ports
    from services.notify.reactions.when_filed_remember_application import when_filed_remember_application

    return Reactions(None, notify_ports).add(when_filed_remember_application)


def _notify_contacts(_store) -> Reactions:
    from services.notify.adapters.ports_pg import notify_ports
    from services.notify.reactions.when_contact_named_record_it import when_contact_named_record_it

    return Reactions(None, notify_ports).add(when_contact_named_record_it)


def _review_feed(_store) -> Reactions:
    from services.review.adapters.ports_pg import review_ports
    from services.review.reactions.when_assessed_note_for_feed import when_assessed_note_for_feed

    return Reactions(None, review_ports).add(when_assessed_note_for_feed)


def _review_known(_store) -> Reactions:
    from services.review.adapters.ports_pg import review_ports
    from services.review.reactions.when_filed_remember_application import when_filed_remember_application

    return Reactions(None, review_ports).add(when_filed_remember_application)


# The consumer names are the live subscriptions' (`<service>-<index>` in each bootstrap.py).
TOPIC_FED = {m.name: m for m in (
    TopicModel("intake.archive_entries", "intake-0", lambda: [topics.review()], _intake_archive, ["archive_entries"]),
    TopicModel("intake.authorised_units", "intake-0", lambda: [topics.review()], _intake_units, ["authorised_units"]),
    TopicModel("notify.waiting_cases", "notify-0", lambda: [topics.eligibility(), topics.review()], _notify_waiting,
               ["waiting_cases"]),
    TopicModel("notify.known_applications", "notify-1", lambda: [topics.applications()], _notify_known,
               ["known_applications"]),
    TopicModel("review.known_applications", "review-1", lambda: [topics.applications()], _review_known,
               ["known_applications"]),
    TopicModel("review.feed_context", "review-0", lambda: [topics.eligibility()], _review_feed, ["feed_context"]),
    # Applicants and units (by person_ref, operator_ref) from both consumer groups' topics; the
    # departments' rows are operator data (the contacts file notify seeds at start), kept as they are.
    TopicModel("notify.contacts", ("notify-0", "notify-1"),
               lambda: [topics.eligibility(), topics.review(), topics.applications()], _notify_contacts, ["contacts"],
               keep={"contacts": "kind = 'org'"}),
)}

_KERNEL = "the event-sourcing kernel's own state (plumbing/core/migrations): the store itself and its bookkeeping"
# Every other table, and why it is not a read model: its facts are the service's own record (kept,
# backed up and erased with the database, like the store), not a fold of history.
STATE_OF_RECORD: dict[str, str] = {
    **{f"{s}.{t}": _KERNEL for s in ("intake", "eligibility", "review", "notify") for t in (
        "events", "outbox", "inbox", "checkpoints", "idempotency_keys", "parked_records", "audit_checkpoints",
        "personal_data_reads", "zc_migration_content")},
    "intake.photos": "uploaded photo bytes, by hash (events carry only the hash): the upload itself",
    "intake.documents": "uploaded documents, sealed with the applicant's key: the uploads themselves, erasable",
    "intake.drafts": "unsubmitted form drafts (personal data, sealed): nothing in history until filed",
    "intake.person_keys": "per-person data keys (crypto-shredding): erasing one is the point, history cannot hold them",
    "intake.personal_outbox": "a queue: records for the compacted personal-data topic, deleted once acknowledged",
    "review.personal_outbox": "a queue: records for the compacted operators' topic, deleted once acknowledged",
    "review.staff_directory": "staff names from verified tokens (personal data, erasable; events name account ids only)",
    "review.personal_data": "a copy of intake's compacted personal-data topic (the topic is its record; personal data "
                            "is kept out of history on purpose, and the auditor may not read that topic)",
    "review.erased_persons": "erasures seen on the personal-data topic, remembered after compaction drops the tombstones",
    "notify.personal_data": "a copy of the compacted personal-data and operators' topics (see review.personal_data)",
    "notify.erased_persons": "erasures seen on the personal-data topics (see review.erased_persons)",
    "notify.deliveries": "the SMS outbox the dispatcher works from: each row holds the number and the text (personal "
                         "data, which never enters history and is scrubbed on erasure) and the dispatcher's schedule "
                         "(next attempt, rounds); what history must hold of it is recorded as events: "
                         "NotificationSent / NotificationFailed (template, masked number, reason)",
    "notify.sms_log": "the recording gateway's log: the development stand-in for the SMS provider's own records",
    "notify.awaiting_personal_data": "a queue: events set aside until a person's record arrives, removed when planned",
}


def owner(name: str) -> str:
    return name.split(".", 1)[0]


def known() -> list[str]:
    return sorted([*STORE_FED, *TOPIC_FED])


def tables_of(service: str) -> dict[str, str]:
    """Each table of the service's read models -> the read model (`zc replay` name) that rebuilds it."""
    fed = {name: tables for name, (_s, _f, tables) in STORE_FED.items()}
    fed.update({name: model.tables for name, model in TOPIC_FED.items()})
    return {table: name for name, tables in fed.items() if owner(name) == service for table in tables}
