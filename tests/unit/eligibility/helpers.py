"""Small helpers for reading one rule's result out of an assessment."""
from contracts.events import RuleResult
from services.eligibility.domain import assess, failing_codes
from tests.fixtures.builders import PLAN


def rule(app, code: str) -> RuleResult:
    matches = [r for r in assess(app, PLAN).rules if r.code == code]
    assert matches, f"{code} not in the assessment"
    return matches[0]


def failures(app) -> list[str]:
    return failing_codes(assess(app, PLAN))
