"""How an unanswered send is settled from the platform's listing: sent with its message id,
failed (the retry policy), asked again while "not listed" is young, unknown after the bound."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from services.notify.domain.provider import DeliveryState, Listed, Verdict, send_dates, settle

SENT_AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
BOUND = timedelta(minutes=5)
KEY = "a" * 64


def test_listed_as_sent_under_its_out_id_is_sent_with_the_platforms_message_id():
    listed = [Listed("other", "m-1", DeliveryState.SENT), Listed(KEY, "m-2", DeliveryState.SENT)]
    verdict = settle(listed, KEY, SENT_AT, SENT_AT + timedelta(seconds=3), BOUND)
    assert (verdict.verdict, verdict.message_id) == (Verdict.SENT, "m-2")


def test_listed_as_failed_goes_to_the_retry_policy_with_the_platforms_code():
    verdict = settle([Listed(KEY, "m-1", DeliveryState.FAILED, "MOBILE_NOT_ON_SERVICE")], KEY, SENT_AT,
                     SENT_AT + timedelta(seconds=3), BOUND)
    assert verdict.verdict is Verdict.FAILED and "MOBILE_NOT_ON_SERVICE" in verdict.reason


def test_a_failure_already_acted_on_does_not_pass_for_the_fate_of_the_latest_try():
    old_failure = [Listed(KEY, "m-1", DeliveryState.FAILED)]
    assert settle(old_failure, KEY, SENT_AT, SENT_AT + timedelta(seconds=3), BOUND, failures_seen=1).verdict \
        is Verdict.ASK_AGAIN
    retried = old_failure + [Listed(KEY, "m-2", DeliveryState.SENT)]
    assert settle(retried, KEY, SENT_AT, SENT_AT, BOUND, failures_seen=1).message_id == "m-2"


def test_another_deliverys_message_to_the_same_number_says_nothing_about_this_one():
    listed = [Listed("b" * 64, "m-1", DeliveryState.SENT)]
    assert settle(listed, KEY, SENT_AT, SENT_AT + timedelta(seconds=3), BOUND).verdict is Verdict.ASK_AGAIN


@given(st.integers(min_value=0, max_value=3600))
def test_not_listed_is_asked_again_until_the_bound_then_unknown(seconds):
    verdict = settle([], KEY, SENT_AT, SENT_AT + timedelta(seconds=seconds), BOUND)
    assert verdict.verdict is (Verdict.ASK_AGAIN if seconds < BOUND.total_seconds() else Verdict.UNKNOWN)


def test_a_send_just_before_midnight_in_china_is_looked_for_under_both_dates():
    zone = ZoneInfo("Asia/Shanghai")
    before_midnight = datetime(2026, 12, 7, 23, 59, 50, tzinfo=zone)
    dates = send_dates(before_midnight, before_midnight + timedelta(seconds=20), zone)
    assert [d.isoformat() for d in dates] == ["2026-12-07", "2026-12-08"]
    assert len(send_dates(before_midnight, before_midnight + timedelta(seconds=5), zone)) == 1
