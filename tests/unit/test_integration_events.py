"""The integration events listed in contracts/integration_events.py (and ARCHITECTURE.md) are
exactly those another service reacts to, read from the bootstraps' own reaction tables: a new
cross-service reaction, or a listed event nobody reacts to any more, fails here."""
from pathlib import Path

from contracts.envelope import SYSTEM_ACTOR
from contracts.integration_events import INTEGRATION_EVENTS
from contracts.plan import load_plan
from contracts.registry import EVENT_TYPES
from plumbing.core.application import Recorder
from services.eligibility.bootstrap import reaction_tables as eligibility
from services.intake.bootstrap import reaction_tables as intake
from services.notify.bootstrap import notify_plans, reaction_tables as notify
from services.review.bootstrap import reaction_tables as review

PLAN = load_plan()
OWN = {"intake": {"ApplicationSubmitted", "ApplicationResubmitted", "ApplicationWithdrawn", "PersonErased"},
       "notify": {"DeadlineApproaching", "NotificationSent", "NotificationFailed"}}  # a service's own, not integration


def reacted_to() -> dict[str, tuple[str, ...]]:
    recorder = Recorder(None, topic="-", actor=SYSTEM_ACTOR)
    tables = {"intake": intake(recorder).values(), "eligibility": eligibility(recorder, PLAN).values(),
              "review": review(recorder, PLAN).values(), "notify": [t for _, t in notify(recorder, notify_plans("shaoxing-2020"))]}
    found: dict[str, set[str]] = {}
    for service, service_tables in tables.items():
        for table in service_tables:
            for event_type in table.event_types - OWN.get(service, set()):
                found.setdefault(event_type, set()).add(service)
    return {event_type: tuple(sorted(services)) for event_type, services in found.items()}


def test_the_integration_events_are_exactly_those_another_service_reacts_to():
    assert {k: tuple(sorted(v)) for k, v in INTEGRATION_EVENTS.items()} == reacted_to()
    assert set(INTEGRATION_EVENTS) <= set(EVENT_TYPES)


def test_architecture_lists_every_integration_event():
    text = (Path(__file__).resolve().parents[2] / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text[text.index("## Integration events and internal events"):]
    assert all(f"`{name}`" in section for name in INTEGRATION_EVENTS)
