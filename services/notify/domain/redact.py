"""Last line of defence for personal data in any text that leaves notify.

Texts carry free-form reasons typed by reviewers, so a full resident ID number or a mobile number
can arrive inside a field even though no event is meant to carry one. Every rendered text passes
through `redact` before it is sent or recorded.
"""
from __future__ import annotations

import re

# Any run of 15 or more digits (an 18-char ID is 17 digits + digit/X, an old ID is 15 digits;
# bank or account numbers are masked too, which costs nothing). `\d` also matches full-width
# digits typed with a Chinese IME, and the check character may be a full-width Ｘ.
_LONG_DIGITS = re.compile(r"\d{14,}[\dXxＸｘ]|\d{15,}")
# A mainland mobile number standing alone (not part of a longer digit run).
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    return run[:6] + "*" * (len(run) - 10) + run[-4:]


def redact(text: str) -> str:
    """Mask ID-like digit runs as 330602********1234 and mobiles as 138****5678."""
    text = _LONG_DIGITS.sub(_mask_run, text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


FULL_ID = re.compile(r"\d{17}[\dXxＸｘ]")


def contains_full_id(text: str) -> bool:
    return FULL_ID.search(text) is not None
