"""A fraud finding in an earlier review bars the applicant for the plan's ban years from the next year."""
import pytest

from contracts.application import PreviousReview
from services.eligibility.domain.assess import assess, failing_codes
from tests.fixtures.builders import PLAN, change, normal_applicant


@pytest.mark.parametrize("found_in, barred", [(2016, False), (2017, True), (2018, True), (2019, True), (2020, False)])
def test_fraud_found_in_an_earlier_review_bars_the_three_following_years(found_in, barred):
    app = change(normal_applicant(), previous_reviews=[PreviousReview(year=found_in, passed=False, fraud_found=True)])
    codes = failing_codes(assess(app, PLAN))
    assert ("FRAUD_BAN" in codes) is barred
