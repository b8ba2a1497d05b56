"""Resident ID numbers and unified social credit codes.

The ID check enforces length, digits, the ISO 7064 MOD 11-2 check digit and a real birth date not
in the future. It deliberately skips stdnum's county-code check: stdnum refuses a county code
created after the holder's birth year (330602 越城区 for someone born in 1965), and most applicants
were born in the 1960s-70s under codes that were renamed since.
"""
from __future__ import annotations

from datetime import date

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from contracts import personal_data

from .problems import Problem

EARLIEST_BIRTH = date(1900, 1, 1)


def compact_id(id_number: str) -> str:
    return ric.compact(id_number)


def birth_date(id_number: str) -> date:
    """The birth date in digits 7-14; ValueError when it is not a real date."""
    digits = compact_id(id_number)[6:14]
    if len(digits) != 8 or not digits.isdigit():
        raise ValueError(f"no birth date in {mask_id_number(id_number)}")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def id_number_problems(id_number: str, today: date, field: str = "applicant.id_number") -> list[Problem]:
    number = compact_id(id_number)
    if len(number) != 18:
        return [Problem(field, "ID_NUMBER_LENGTH", f"身份证号码应为18位，当前为{len(number)}位",
                        f"resident ID number must have 18 characters, got {len(number)}")]
    if not number.isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return [Problem(field, "ID_NUMBER_FORMAT", "身份证号码前17位应为数字，末位为数字或X",
                        "resident ID number: 17 digits then a digit or X")]
    problems = []
    if number[17] != ric.calc_check_digit(number):
        problems.append(Problem(field, "ID_NUMBER_CHECKSUM", "身份证号码校验位不正确",
                                "resident ID number check digit is wrong"))
    try:
        born = birth_date(number)
    except ValueError:
        born = None
    if born is None or not EARLIEST_BIRTH <= born <= today:
        problems.append(Problem(field, "ID_NUMBER_BIRTH_DATE", "身份证号码中的出生日期无效",
                                "resident ID number does not hold a valid past birth date"))
    return problems


def credit_code_problems(code: str, field: str = "unit.credit_code") -> list[Problem]:
    try:
        uscc.validate(code)
    except ValidationError as exc:
        return [Problem(field, "CREDIT_CODE_INVALID", "统一社会信用代码无效（长度、字符或校验位不正确）",
                        f"unified social credit code is invalid: {exc.message}")]
    return []


def mask_id_number(id_number: str) -> str:
    """The number as typed, compacted, then masked by the one rule (contracts.personal_data)."""
    return personal_data.mask_id_number(compact_id(id_number))


def person_ref(id_number: str, secret: bytes | str) -> str:
    """A keyed hash (HMAC-SHA256, hex) that matches a person across services without the number."""
    return personal_data.person_ref(compact_id(id_number), secret)
