from tests.fixtures.builders import change, normal_applicant

from .helpers import rule


def letters(*spans):
    return change(normal_applicant(), appointment_letters=[
        {"title": "高级工程师", "start": s, "end": e} for s, e in spans])


def test_an_open_letter_from_exactly_five_full_years_before_cutoff_covers_five_years():
    assert rule(letters(("2015-12-31", None)), "APPOINTMENT_LETTERS").passed


def test_an_open_letter_one_day_later_covers_only_four_years():
    result = rule(letters(("2016-01-01", None)), "APPOINTMENT_LETTERS")
    assert not result.passed and result.inputs["covered_full_years"] == 4


def test_consecutive_letters_add_up():
    app = letters(("2015-12-31", "2018-12-30"), ("2018-12-31", None))
    assert rule(app, "APPOINTMENT_LETTERS").passed


def test_a_letter_that_ended_before_the_filing_day_means_not_in_post():
    app = letters(("2010-01-01", "2020-06-30"))
    assert rule(app, "APPOINTMENT_LETTERS").passed
    assert not rule(app, "APPOINTMENT_IN_POST").passed


def test_a_letter_ending_on_the_filing_day_is_still_in_post():
    assert rule(letters(("2010-01-01", "2020-08-10")), "APPOINTMENT_IN_POST").passed


def test_no_letters_fail_both_rules():
    app = letters()
    assert not rule(app, "APPOINTMENT_LETTERS").passed
    assert not rule(app, "APPOINTMENT_IN_POST").passed
