"""Personal-data rules every service applies the same way: how a resident ID number and a phone
number are masked, which phone numbers can receive an SMS, and the last-line redaction of any
free text (log lines, SMS texts). Pure; kept here once so that no service masks differently."""
from __future__ import annotations

import hashlib
import hmac
import re

import phonenumbers
from phonenumbers import PhoneNumberType

# Any run of 15 or more digits (an 18-char ID is 17 digits + digit/X, an old ID is 15 digits;
# bank or account numbers are masked too, which costs nothing). `\d` also matches full-width
# digits typed with a Chinese IME, and the check character may be a full-width Ｘ.
_LONG_DIGITS = re.compile(r"\d{14,}[\dXxＸｘ]|\d{15,}")
# A mainland mobile number standing alone (not part of a longer digit run).
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_FULL_ID = re.compile(r"\d{17}[\dXxＸｘ]")
_SMS_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def mask_id_number(id_number: str) -> str:
    """First 6 and last 4 kept: 330602********1234. Events never carry the full number."""
    return id_number[:6] + "*" * max(len(id_number) - 10, 0) + id_number[-4:]


def display_mask(id_number: str) -> str:
    """The form an export shows: the first 6 digits (the issuing region) and nothing else. The
    log mask (`mask_id_number`) keeps the last 4 too, but those (3 sequence digits and a check digit
    over all 17) narrow the hidden birth date to a handful of candidates once anything beside the
    mask (an age, a birth year) is known; an export shows the name and unit beside it, so it keeps none."""
    return id_number[:6] + "*" * max(len(id_number) - 6, 0)


def mask_phone(phone: str) -> str:
    """138****5678 for any spelling of a mainland mobile; keeps 3 + 4 digits of anything else."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _mask_run(match: re.Match[str]) -> str:
    return mask_id_number(match.group(0))


def redact(text: str) -> str:
    """Mask ID-like digit runs as 330602********1234 and mobiles as 138****5678 inside any text."""
    text = _LONG_DIGITS.sub(_mask_run, text)
    return _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def contains_full_id(text: str) -> bool:
    return _FULL_ID.search(text) is not None


def mainland_mobile(raw: str | None) -> str | None:
    """The 11 digits of a mainland mobile however it was typed (+86, spaces, dashes), else None."""
    match = _MOBILE.match(re.sub(r"[\s-]", "", raw or ""))
    return match.group(1) if match else None


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str | None) -> str:
    """E.164 form of a number that can receive an SMS, or InvalidPhone saying why."""
    if not raw or not raw.strip():
        raise InvalidPhone("no phone number on record")
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidPhone("phone number cannot be parsed") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("phone number is not valid")
    if phonenumbers.number_type(number) not in _SMS_TYPES:
        raise InvalidPhone("phone number is not a mobile number and cannot receive SMS")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def person_ref(compact_id_number: str, secret: bytes | str) -> str:
    """A keyed hash (HMAC-SHA256, hex) that matches a person across services without the number.
    The one definition: intake (at the door) and the token service (at sign-in) both call it."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    # The door lets only ASCII ID numbers through; UTF-8 (the same bytes for ASCII) so that nothing
    # else can ever make this raise.
    return hmac.new(key, compact_id_number.encode("utf-8"), hashlib.sha256).hexdigest()
