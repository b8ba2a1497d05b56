"""Only what no fix of ours can make right is bad data (dead-lettered at once); a bug is retried
and parked, so its victim survives until the fix."""
import pytest
from pydantic import BaseModel, ValidationError

from contracts.errors import Conflict, InvalidInput
from contracts.registry import UnknownEventType, UnknownEventVersion
from plumbing.core.consumer import is_bad_data
from plumbing.core.decoding import BadRecord
from plumbing.core.eventstore import ConcurrencyConflict
from plumbing.core.references import PhantomReference, ReferenceNotYetKnown


def _validation_error() -> ValidationError:
    class M(BaseModel):
        n: int
    try:
        M(n="x")
    except ValidationError as exc:
        return exc


@pytest.mark.parametrize("exc", [InvalidInput("拒绝", "refused"), Conflict("冲突", "conflict"),
                                 PhantomReference("application x"), BadRecord("NOT_JSON", "x"),
                                 UnknownEventType("x"), UnknownEventVersion("x")])
def test_a_domain_refusal_an_undecodable_record_and_an_unknown_version_are_bad_data(exc):
    assert is_bad_data(exc)


@pytest.mark.parametrize("exc", [KeyError("k"), TypeError("t"), LookupError("l"), IndexError("i"), ValueError("v"),
                                 AttributeError("a"), _validation_error(), RuntimeError("r"),
                                 ReferenceNotYetKnown("application x", wait_seconds=1)])
def test_a_bug_or_a_passing_failure_is_not_bad_data(exc):
    assert not is_bad_data(exc)


def test_a_concurrent_change_is_retried_although_it_is_a_refusal():
    assert not is_bad_data(ConcurrencyConflict("并发修改", "changed concurrently"))
