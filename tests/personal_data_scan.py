"""Finding a person's data in clear in any text (a Kafka record, a stored row): the scanner the
season scan (tests/e2e/test_season_leaves_no_personal_data_in_clear.py) runs over every topic and
table, proven able to fail by tests/unit/test_personal_data_scan.py.

What counts as "in clear" for a person: their name; their phone (as typed, with +86, or spaced as
138 1234 5678); their ID number whole, in the log mask (first 6 + last 4) or with any 6 or more of
its digits in a row past the region code (so its birth-date digits, its sequence and check digits,
any chunk of them); their birth date written as a date.

Before looking for digit runs the scanner blanks what is random by construction and would match a
6-digit chunk by chance now and then: UUIDs, hexadecimal tokens with a letter in them (hashes, keys,
person_refs), bytes as PostgreSQL prints them, base64 ciphertexts (mixed-case tokens) and the
fractional seconds of timestamps. An ID number has no
letters a-f, so it survives the blanking; the region code alone (the first 6 digits, shared by
everyone of a district and shown on exports on purpose) is not a finding.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX_WITH_A_LETTER = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{16,}(?![0-9A-Za-z])")
_BYTEA = re.compile(r"\\x[0-9a-f]+")  # PostgreSQL's text form of bytes (photos, wrapped keys)
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{24,}={0,2}")  # blanked only with both cases of letters (below)
_FRACTION = re.compile(r"(?<=:\d\d)\.\d+")  # 09:00:00.123456 -> 09:00:00
_DIGIT_RUN = re.compile(r"\d{5,}[\dXx]")  # 6 or more: digits, the last may be the check X


@dataclass(frozen=True)
class Person:
    name: str
    phone: str
    id_number: str = ""  # a unit's operator has none

    @property
    def birth(self) -> date | None:
        if len(self.id_number) != 18:
            return None
        digits = self.id_number[6:14]
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def _blank_random(text: str) -> str:
    text = _BYTEA.sub("<bytes>", text)
    text = _UUID.sub("<uuid>", text)
    text = _HEX_WITH_A_LETTER.sub("<hex>", text)
    # random bytes in base64 have upper- and lower-case letters; "person-330602…" or a stream id do not
    text = _BASE64.sub(lambda m: "<b64>" if re.search("[a-z]", m.group(0)) and re.search("[A-Z]", m.group(0))
                       else m.group(0), text)
    return _FRACTION.sub("", text)


def _id_chunks(id_number: str) -> set[str]:
    """Every run of 6 digits of the ID number except the region code alone."""
    return {id_number[i:i + 6] for i in range(1, len(id_number) - 5)}


def findings(text: str, person: Person) -> list[str]:
    """What of `person` is readable in `text` (empty: nothing)."""
    found = []
    if person.name and (person.name in text or json.dumps(person.name)[1:-1] in text):  # also \\uXXXX-escaped
        found.append(f"name {person.name}")
    digits_only = re.sub(r"[\s-]", "", text)
    if person.phone and person.phone in digits_only:
        found.append(f"phone {person.phone}")
    if person.id_number:
        number = person.id_number
        if number in text or f"{number[:6]}{'*' * 8}{number[-4:]}" in text:
            found.append("ID number (whole or log mask)")
        chunks = _id_chunks(number.upper())
        for run in _DIGIT_RUN.findall(_blank_random(text)):
            run = run.upper()
            if any(chunk in run for chunk in chunks):
                found.append(f"ID number digits {run}")
                break
        birth = person.birth
        if birth and (birth.isoformat() in text or f"{birth.year}年{birth.month}月{birth.day}日" in text):
            found.append(f"birth date {birth.isoformat()}")
    return found


def scan(texts, people: list[Person]) -> list[str]:
    """Every finding in `texts` (pairs of (where, text)), named by where it was found."""
    return [f"{where}: {finding}" for where, text in texts for person in people for finding in findings(text, person)]
