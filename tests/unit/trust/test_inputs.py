"""What the door lets in: unknown fields, control characters, full-width codes, ranges."""
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from plumbing.edges.inputs import STRICT, Code, Phone, Text, Year
from services.intake.adapters.requests import SubmitRequest, WithdrawRequest


class Sample(BaseModel):
    model_config = STRICT
    code: Code = "x"
    text: Text = "x"
    phone: Phone = "13800000000"
    year: Year = 2020


def test_full_width_codes_are_the_same_code():
    assert Sample(code="１１０１０５１９４９１２３１００２Ｘ").code == "11010519491231002X"


@given(st.text(min_size=0, max_size=20), st.sampled_from(["\x00", "\x1b", "\x7f", "\u2028", "\x08"]),
       st.text(min_size=0, max_size=20))
def test_text_with_a_control_character_is_refused(before, control, after):
    with pytest.raises(ValidationError):
        Sample(text=before + control + after)


@given(st.integers().filter(lambda y: not 1950 <= y <= 2100))
def test_years_out_of_the_plans_reach_are_refused(year):
    with pytest.raises(ValidationError):
        Sample(year=year)


@pytest.mark.parametrize("phone", ["1' OR '1'='1", "13800000000; DROP", "", "+"])
def test_phone_numbers_are_digits_only(phone):
    with pytest.raises(ValidationError):
        Sample(phone=phone)


def test_an_unknown_field_anywhere_in_a_filing_is_named():
    with pytest.raises(ValidationError) as refused:
        SubmitRequest.model_validate({"applicant": {"name": "a", "id_number": "x", "phone": "138"},
                                      "previous_reviews": [{"year": 2019, "passed": False, "fraud_foundz": True}]})
    assert "previous_reviews.0.fraud_foundz" in {".".join(map(str, e["loc"])) for e in refused.value.errors()}


def test_a_withdrawal_refuses_unknown_fields():
    with pytest.raises(ValidationError):
        WithdrawRequest.model_validate({"reason": "r", "force": True})


def test_free_text_keeps_its_own_form():
    text = "本人承诺，所填信息真实（全角标点）"
    assert unicodedata.normalize("NFKC", text) != text
    assert Sample(text=text).text == text
