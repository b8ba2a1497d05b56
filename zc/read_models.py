"""Every read model `zc replay` can rebuild, and what feeds it.

Store-fed (the service's own events, `plumbing/core/rebuild.py`): review's case_view and archive_view.
Topic-fed (other services' topics replayed from offset 0, `plumbing/core/topic_rebuild.py`), each
with only its own read-model reaction and the service's own ports, without a recorder (a policy
that appends is never run by a rebuild).
Not rebuildable, and why: notify's `deliveries` and `contacts` (a delivery's status is what the SMS
provider answered, not a fact on any topic: replaying would plan every message again as pending;
contacts come with it and from the personal-data topic), `reminders` (planned with the deliveries);
intake's `open_returns` (a return is opened by review's topic but closed by intake's own
resubmission, and records the filing's revision when the return arrived: not a function of the
topic; its truth is the application stream, `zc audit state`).
"""
from __future__ import annotations

from contracts import topics
from plumbing.core.reactions import Reactions
from plumbing.core.topic_rebuild import TopicModel

STORE_FED = {
    "review.case_view": ("review", "services.review.projections.case_view:make_apply", ["case_view", "archive_view"]),
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
)}


def owner(name: str) -> str:
    return name.split(".", 1)[0]


def known() -> list[str]:
    return sorted([*STORE_FED, *TOPIC_FED])
