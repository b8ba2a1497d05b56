"""A reference not yet known is retried for a bounded time, then given up."""
from plumbing.references import ReferenceNotYetKnown, still_waiting


def test_a_missing_reference_is_waited_for_only_for_its_time():
    exc = ReferenceNotYetKnown("application x", wait_seconds=30)
    assert still_waiting(exc, first_failed_at=100.0, now=129.0)
    assert not still_waiting(exc, first_failed_at=100.0, now=130.0)


def test_other_failures_do_not_wait_by_time():
    assert not still_waiting(RuntimeError("bug"), first_failed_at=100.0, now=100.0)
