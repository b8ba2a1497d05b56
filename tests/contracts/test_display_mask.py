"""Masks that hide: the ID mask an export shows keeps the region code only, so nothing printed beside
it (a name, a unit) lets the birth date, the sequence or the check digit be derived."""
from datetime import date, timedelta

from hypothesis import given, strategies as st
from stdnum.cn import ric

from contracts.personal_data import display_mask
from contracts.personal_record import PersonalRecord


def id_number(born: date, sequence: int) -> str:
    first17 = f"330602{born:%Y%m%d}{sequence:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


@given(st.dates(min_value=date(1940, 1, 1), max_value=date(2002, 12, 31)), st.integers(0, 999))
def test_the_display_mask_shows_the_region_and_hides_every_other_digit(born, sequence):
    number = id_number(born, sequence)
    masked = display_mask(number)
    assert masked == "330602" + "*" * 12 and len(masked) == len(number)


def test_two_people_born_on_different_days_have_the_same_display_mask():
    a, b = id_number(date(1965, 3, 12), 123), id_number(date(1971, 4, 5) + timedelta(days=1), 426)
    assert display_mask(a) == display_mask(b)  # the mask carries nothing that tells them apart


def test_the_personal_record_carries_no_birth_date_and_no_full_id_number():
    assert set(PersonalRecord.model_fields) == {"person_ref", "name", "phone", "id_number_masked"}
