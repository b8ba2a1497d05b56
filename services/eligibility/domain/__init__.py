"""Eligibility domain: pure rules (application + plan -> assessment), no I/O, no clock."""
from services.eligibility.domain.assess import assess, failing_codes, summarise
from services.eligibility.domain.dates import covered_full_years, full_years
from services.eligibility.domain.routes import decide_route
from services.eligibility.domain.rules import RULES

__all__ = ["RULES", "assess", "covered_full_years", "decide_route", "failing_codes", "full_years",
           "summarise"]
