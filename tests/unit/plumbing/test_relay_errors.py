"""Which Kafka errors park a row (no retry can help) and which are retried in order."""
import pytest
from aiokafka import errors

from plumbing.core.relay import is_permanent


@pytest.mark.parametrize("error", [errors.MessageSizeTooLargeError(), errors.RecordTooLargeError(),
                                   errors.RecordListTooLargeError(), errors.CorruptRecordException(),
                                   errors.InvalidTimestampError(), errors.InvalidTopicError()])
def test_errors_about_the_record_itself_are_permanent(error):
    assert is_permanent(error)


def test_the_brokers_invalid_record_code_is_permanent():
    error = errors.UnknownError()
    error.errno = 87
    assert is_permanent(error)


@pytest.mark.parametrize("error", [errors.TopicAuthorizationFailedError(), errors.KafkaConnectionError(),
                                   errors.KafkaTimeoutError(), errors.NotLeaderForPartitionError(),
                                   errors.UnknownTopicOrPartitionError(), errors.UnknownError()])
def test_connection_authorization_and_unknown_errors_are_retried(error):
    assert not is_permanent(error)
