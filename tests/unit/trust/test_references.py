"""A reference not yet known is retried for a bounded time, then given up."""
from plumbing.core.consumer import is_bad_data
from plumbing.core.references import PhantomReference, ReferenceNotYetKnown, still_waiting


def test_a_missing_reference_is_waited_for_only_for_its_time():
    exc = ReferenceNotYetKnown("application x", wait_seconds=30)
    assert still_waiting(exc, first_failed_at=100.0, now=129.0)
    assert not still_waiting(exc, first_failed_at=100.0, now=130.0)


def test_other_failures_do_not_wait_by_time():
    assert not still_waiting(RuntimeError("bug"), first_failed_at=100.0, now=100.0)


def test_a_phantom_reference_is_bad_data_dead_lettered_at_once_and_never_waited_for():
    phantom = PhantomReference("application x")
    assert is_bad_data(phantom) and not still_waiting(phantom, first_failed_at=100.0, now=100.0)
    assert phantom.code == "UNKNOWN_REFERENCE" and phantom.message_zh and phantom.message_en


def test_a_reference_not_yet_known_is_not_bad_data_it_is_retried():
    assert not is_bad_data(ReferenceNotYetKnown("application x", wait_seconds=30))
