"""Appointment letters [附件1 二.5(4)]: letters covering a cumulative 5 years, and in post (在聘)
on the day of filing. Open-ended letters run to the cut-off."""
from __future__ import annotations

from contracts.application import Application
from contracts.plan import Plan

from ..dates import as_of, covered_full_years
from .base import Rule, iso


class AppointmentLettersCoverage(Rule):
    code = "APPOINTMENT_LETTERS"
    description = "聘书累计覆盖5年 / appointment letters cover a cumulative 5 years"

    def check(self, application: Application, plan: Plan):
        need, cutoff = plan.appointment_letters_min_years, plan.cutoff_date
        periods = [(l.start, l.end or cutoff) for l in application.appointment_letters]
        years = covered_full_years(periods, cutoff)
        inputs = {"letters": len(periods), "covered_full_years": years, "cutoff_date": iso(cutoff)}
        threshold = f"letters covering >= {need} full years to {cutoff}"
        if years >= need:
            return self.result(True, inputs, threshold, f"聘书累计覆盖{years}年，满{need}年",
                               f"appointment letters cover {years} full years, at least {need}")
        return self.result(False, inputs, threshold, f"聘书累计覆盖{years}年，不满{need}年",
                           f"appointment letters cover {years} full years, below {need}")


class AppointmentInPost(Rule):
    code = "APPOINTMENT_IN_POST"
    description = "申报当年在聘 / in post (在聘) in the application year"

    def check(self, application: Application, plan: Plan):
        day = as_of(application, plan)
        in_post = any(l.start <= day and (l.end is None or l.end >= day)
                      for l in application.appointment_letters)
        inputs = {"as_of": iso(day), "in_post": in_post, "application_year": plan.application_year}
        threshold = "a letter in force on the filing day"
        if in_post:
            return self.result(True, inputs, threshold, f"{plan.application_year}年在聘",
                               f"in post in {plan.application_year}")
        return self.result(False, inputs, threshold, f"无{day}有效的聘书，申报当年须在聘",
                           f"no appointment letter in force on {day}: must be in post in the application year")
