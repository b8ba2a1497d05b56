from datetime import date

import pytest
from stdnum.cn import ric

from services.intake.domain.validation import (birth_date, credit_code_problems, id_number_problems,
                                               mask_id_number, person_ref)

TODAY = date(2020, 8, 10)
# 越城区 (330602) was created after 1965: stdnum refuses this real-looking number, we must not.
BORN_1965 = "330602196503121234"


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def codes(number):
    return [p.code for p in id_number_problems(number, TODAY)]


def test_a_number_whose_county_code_is_newer_than_the_birth_year_is_accepted():
    assert not ric.is_valid(BORN_1965)
    assert codes(BORN_1965) == []


def test_a_number_ending_in_x_is_accepted_in_either_case():
    number = next(n for n in (with_check_digit(f"330621197008152{i:02d}") for i in range(100))
                  if n.endswith("X"))
    assert codes(number) == [] and codes(number.lower()) == []


def test_a_wrong_check_digit_is_refused():
    assert codes("330602196503121235") == ["ID_NUMBER_CHECKSUM"]


@pytest.mark.parametrize("number", ["33060219650312123", "3306021965031212345"])
def test_a_number_that_is_not_eighteen_characters_is_refused(number):
    assert codes(number) == ["ID_NUMBER_LENGTH"]


def test_letters_inside_the_number_are_refused():
    assert codes("33060219650312A234") == ["ID_NUMBER_FORMAT"]


def test_an_impossible_birth_date_is_refused_even_with_a_good_check_digit():
    assert codes(with_check_digit("33060219650230123")) == ["ID_NUMBER_BIRTH_DATE"]


def test_a_birth_date_after_today_is_refused():
    assert codes(with_check_digit("33060220200811123")) == ["ID_NUMBER_BIRTH_DATE"]


def test_the_birth_date_is_read_from_the_number():
    assert birth_date(BORN_1965) == date(1965, 3, 12)


def test_the_masked_number_keeps_the_first_six_and_last_four():
    assert mask_id_number(BORN_1965) == "330602********1234"


def test_person_ref_is_a_keyed_hash_that_ignores_case_and_spaces():
    ref = person_ref(BORN_1965, "secret")
    assert len(ref) == 64 and ref == person_ref(f" {BORN_1965} ", b"secret")
    assert ref != person_ref(BORN_1965, "other secret")


def test_a_valid_unified_social_credit_code_passes():
    assert credit_code_problems("91330600MA2BC1234X") == []
    assert credit_code_problems("123306004700001235") == []


@pytest.mark.parametrize("code", ["91330600MA2BC12340", "91330600MA2BC123", "9133060OMA2BC1234X"])
def test_a_bad_unified_social_credit_code_is_refused(code):
    assert [p.code for p in credit_code_problems(code)] == ["CREDIT_CODE_INVALID"]
