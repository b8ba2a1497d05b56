import uuid

from contracts.registry import decode

from contracts.events import NotificationFailed
from services.notify.domain.compose import Outgoing, compose
from services.notify.domain.dedup import dedup_key, notification_id
from services.notify.domain.recipients import Contact, RecipientKind
from services.notify.domain.routing import route
from notify_samples import APP_ID, SAMPLES, envelope

APPLICANT = Contact(RecipientKind.APPLICANT, str(APP_ID), "张三", "13812345678")


def _first(event_type, plan, event_id=None):
    env = envelope(event_type, SAMPLES[event_type][0], event_id)
    return env, route(decode(env), plan)[0]


def test_a_redelivered_event_yields_the_same_key_and_notification_id(plan, catalogue):
    event_id = uuid.uuid4()
    first = compose(event_id, _first("FeeRequested", plan, event_id)[1], APPLICANT, catalogue)
    again = compose(event_id, _first("FeeRequested", plan, event_id)[1], APPLICANT, catalogue)
    assert (first.dedup_key, first.notification_id) == (again.dedup_key, again.notification_id)


def test_a_corrected_number_between_deliveries_does_not_change_the_key(plan, catalogue):
    env, m = _first("UnitApproved", plan)
    moved = Contact(RecipientKind.APPLICANT, str(APP_ID), "张三", "13999999999")
    assert compose(env.event_id, m, APPLICANT, catalogue).dedup_key == compose(env.event_id, m, moved, catalogue).dedup_key


def test_a_missing_number_becomes_notification_failed_with_the_reason(plan, catalogue):
    env, m = _first("UnitApproved", plan)
    out = compose(env.event_id, m, None, catalogue)
    assert isinstance(out, NotificationFailed) and "directory" in out.reason
    assert out.caused_by_event_id == env.event_id and out.application_id == APP_ID


def test_an_invalid_number_fails_and_is_reported_masked(plan, catalogue):
    env, m = _first("UnitApproved", plan)
    out = compose(env.event_id, m, Contact(RecipientKind.APPLICANT, str(APP_ID), "张三", "1381234567"), catalogue)
    assert isinstance(out, NotificationFailed) and "not valid" in out.reason
    assert "1381234567" not in out.recipient_masked


def test_the_operator_is_written_to_with_the_name_and_number_looked_up_at_planning(plan, catalogue):
    env, m = _first("UnitAuthorized", plan)
    operator = Contact(RecipientKind.UNIT, "u-1", "李四", "13900001111", rank=1, person_ref="0f" * 32)
    out = compose(env.event_id, m, operator, catalogue)
    assert isinstance(out, Outgoing) and out.to == "+8613900001111" and "李四" in out.text
    assert "139****1111" in out.text


def test_a_template_problem_is_recorded_as_a_failure_not_raised(plan, catalogue):
    env, m = _first("UnitApproved", plan)
    broken = type(m)("no_such_template", m.recipient_kind, m.recipient_ref, m.fields, m.application_id)
    out = compose(env.event_id, broken, APPLICANT, catalogue)
    assert isinstance(out, NotificationFailed) and "template" in out.reason


def test_the_failure_and_success_events_carry_the_same_key():
    out = Outgoing(notification_id(dedup_key("e", "t", "r")), dedup_key("e", "t", "r"), "+8613812345678", "x", "t",
                   "138****5678", None, uuid.uuid4())
    assert out.sent().dedup_key == out.failed("timeout").dedup_key
    assert out.failed("timeout").reason == "timeout"
