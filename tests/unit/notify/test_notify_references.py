"""Which application an event is about, and that notify checks it before planning anything, in a
consumer group that never holds back the filings it waits for."""
import json
from pathlib import Path

import pytest

from contracts import topics
from contracts.application import Application
from contracts.events import ApplicationSubmitted
from services.notify.bootstrap import create_app
from services.notify.domain.references import referred_application
from services.notify.reactions.when_filed_remember_application import require_known_application
from services.notify.settings import NotifySettings
from tests.unit.notify.notify_samples import APP_ID, SAMPLES, event

ABOUT_NO_APPLICATION = {"UnitAuthorized", "DeadlineApproaching"}


@pytest.mark.parametrize("event_type", sorted(set(SAMPLES) - ABOUT_NO_APPLICATION))
def test_an_event_about_an_application_refers_to_it(event_type):
    assert referred_application(event(event_type, SAMPLES[event_type][0])) == APP_ID


@pytest.mark.parametrize("event_type", sorted(ABOUT_NO_APPLICATION))
def test_an_event_about_no_application_refers_to_none(event_type):
    assert referred_application(event(event_type, SAMPLES[event_type][0])) is None


def test_a_filing_refers_to_nothing_it_is_what_gets_referred_to():
    row = json.loads((Path(__file__).resolve().parents[2] / "fixtures/applicants.json").read_text(encoding="utf-8"))[0]
    filing = ApplicationSubmitted(application=Application.model_validate(row["application"]), plan_version="2020.1")
    assert referred_application(filing) is None


def _subscriptions():
    return create_app(NotifySettings()).state.runtime.subscriptions


def test_the_filings_are_read_in_a_consumer_group_that_reads_nothing_else():
    [filings] = [s for s in _subscriptions() if topics.applications() in s.topics]
    assert filings.topics == [topics.applications()]


def test_every_event_read_from_eligibility_or_review_is_checked_against_known_applications_first():
    upstream = [s for s in _subscriptions() if topics.applications() not in s.topics]
    assert {t for s in upstream for t in s.topics} == {topics.eligibility(), topics.review()}
    for subscription in upstream:
        reactions = subscription.handler.__self__  # the Reactions table the consumer runs
        table = reactions._table
        assert table and all(chain[0] is require_known_application for chain in table.values())
