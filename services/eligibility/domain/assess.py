"""assess(application, plan) -> EligibilityAssessed: the pure heart of the eligibility service.

Outcome: ineligible when any rule fails (the route line included); otherwise
eligible_interview_required when the route used is transfer or landmark, else eligible.
"""
from __future__ import annotations

from contracts.application import Application
from contracts.errors import InvalidInput
from contracts.events import ApplicationSummary, EligibilityAssessed, Outcome, RuleResult
from contracts.plan import Plan

from .routes import decide_route
from .rules import COMMON_RULES


def summarise(application: Application) -> ApplicationSummary:
    a, u = application.applicant, application.unit
    return ApplicationSummary(
        unit_id=u.unit_id, unit_name=u.name, unit_area=u.area, unit_kind=u.kind.value,
        route=application.route, specialty=application.specialty,
        submitted_at=application.submitted_at, person_ref=a.person_ref,
        personnel_files_at_talent_center=u.personnel_files_at_talent_center, **_notice_facts(application))


def _notice_facts(application: Application) -> dict:
    """What the unit's 公示表 shows: the current title and its dates, cited and landmark achievements."""
    q = application.qualifications
    in_post = [a for a in application.appointment_letters if a.end is None]
    if q.senior_appointed_on is not None:
        title, qualified, appointed = "高级工程师", q.senior_qualified_on, q.senior_appointed_on
    elif in_post:
        latest = max(in_post, key=lambda a: a.start)
        title, qualified, appointed = latest.title, None, latest.start
    else:
        title, qualified, appointed = "", None, None
    return {"current_title": title, "current_title_qualified_on": qualified, "current_title_appointed_on": appointed,
            "cited_achievements": [a.title for a in application.achievements],
            "landmark_achievements": [a.title for a in application.landmark_achievements]}


def outcome_of(rules: list[RuleResult], interview_required: bool) -> Outcome:
    if not all(r.passed for r in rules):
        return Outcome.INELIGIBLE
    return Outcome.ELIGIBLE_INTERVIEW_REQUIRED if interview_required else Outcome.ELIGIBLE


def assess(application: Application, plan: Plan) -> EligibilityAssessed:
    if application.plan_id != plan.plan_id:
        raise InvalidInput(
            f"申报所属评审计划{application.plan_id}与所用评审计划{plan.plan_id}不一致",
            f"application is for plan {application.plan_id}, not {plan.plan_id}",
            code="PLAN_MISMATCH")
    route = decide_route(application, plan)
    rules = [route.rule_result(), *(rule.check(application, plan) for rule in COMMON_RULES)]
    return EligibilityAssessed(
        application_id=application.application_id, revision=application.revision,
        outcome=outcome_of(rules, route.interview_required),
        qualifying_routes=route.qualifying, routes=route.route_results(), rules=rules,
        plan_id=plan.plan_id, plan_version=plan.version, summary=summarise(application),
        route_used=route.used)


def failing_codes(assessment: EligibilityAssessed) -> list[str]:
    """The codes of the rules that failed, sorted: what a reviewer reads first."""
    return sorted(r.code for r in assessment.rules if not r.passed)
