from datetime import date

from services.eligibility.domain.dates import covered_full_years, full_years

CUTOFF = date(2020, 12, 31)


def test_appointed_on_the_cutoff_day_five_years_earlier_is_exactly_five_full_years():
    assert full_years(date(2015, 12, 31), CUTOFF) == 5


def test_appointed_one_day_later_is_only_four_full_years():
    assert full_years(date(2016, 1, 1), CUTOFF) == 4


def test_an_end_before_the_start_counts_no_years():
    assert full_years(date(2021, 1, 1), CUTOFF) == 0


def test_a_leap_day_start_reaches_its_anniversary_on_the_first_of_march():
    assert full_years(date(2016, 2, 29), date(2021, 2, 28)) == 4
    assert full_years(date(2016, 2, 29), date(2021, 3, 1)) == 5


def test_one_open_period_covers_the_same_years_as_full_years():
    assert covered_full_years([(date(2015, 12, 31), CUTOFF)], CUTOFF) == 5
    assert covered_full_years([(date(2016, 1, 1), CUTOFF)], CUTOFF) == 4


def test_back_to_back_periods_add_up_without_losing_a_day():
    periods = [(date(2015, 12, 31), date(2017, 12, 30)), (date(2017, 12, 31), CUTOFF)]
    assert covered_full_years(periods, CUTOFF) == 5


def test_overlapping_periods_count_once():
    periods = [(date(2016, 1, 1), CUTOFF), (date(2017, 1, 1), date(2019, 1, 1))]
    assert covered_full_years(periods, CUTOFF) == 4


def test_a_gap_between_periods_is_not_covered():
    periods = [(date(2014, 1, 1), date(2015, 12, 31)), (date(2016, 12, 31), CUTOFF)]
    assert covered_full_years(periods, CUTOFF) == 6


def test_periods_after_the_cutoff_count_nothing():
    assert covered_full_years([(date(2021, 1, 1), date(2025, 1, 1))], CUTOFF) == 0


def test_leftover_days_of_separate_periods_make_a_year_only_at_366_days():
    periods = [(date(2010, 1, 1), date(2010, 7, 1)), (date(2016, 1, 1), CUTOFF)]
    assert covered_full_years(periods, CUTOFF) == 5
