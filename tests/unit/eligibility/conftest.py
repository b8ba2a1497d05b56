import pytest

from tests.fixtures.builders import PLAN


@pytest.fixture
def plan():
    return PLAN
