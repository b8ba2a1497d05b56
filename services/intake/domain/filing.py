"""The application's own lifecycle in intake: submitted, returned, resubmitted, withdrawn.

Pure: state is folded from intake's events plus the returns intake learnt from review.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from contracts.application import Application
from contracts.errors import Conflict, InvalidInput
from contracts.events import ApplicationResubmitted, ApplicationSubmitted, ApplicationWithdrawn, Payload
from contracts.plan import Plan
from services.intake.domain.streams import application_stream


stream_of = application_stream  # the name the use cases know it by (domain/streams.py defines it)


@dataclass(frozen=True)
class Filing:
    application_id: uuid.UUID
    person_ref: str
    revision: int
    withdrawn: bool = False
    # The plan the application was filed under (its first event): every revision keeps it.
    plan_id: str = ""
    plan_version: str = ""


def evolve(filing: Filing | None, event: Payload) -> Filing | None:
    match event:
        case ApplicationSubmitted(application=app):
            return Filing(app.application_id, app.applicant.person_ref, app.revision,
                          plan_id=app.plan_id, plan_version=event.plan_version)
        case ApplicationResubmitted(application=app):
            return replace(filing, revision=app.revision)
        case ApplicationWithdrawn():
            return replace(filing, withdrawn=True)
    return filing


def decide_submit(filing: Filing | None, application: Application, plan: Plan) -> list[Payload]:
    """`plan`: the plan open for filing, which the application names and its first event records."""
    if filing is not None:
        raise Conflict("该申报已提交，请勿重复提交", "this application was already submitted",
                       code="ALREADY_SUBMITTED")
    if application.plan_id != plan.plan_id:
        raise InvalidInput(f"评审计划{application.plan_id}不在受理期内，当前受理的是{plan.plan_id}",
                           f"plan {application.plan_id} is not open for filing; {plan.plan_id} is",
                           code="PLAN_NOT_OPEN")
    return [ApplicationSubmitted(application=application, plan_version=plan.version)]


@dataclass(frozen=True)
class OpenReturn:
    """A Returned event from review that the applicant has not answered yet."""

    return_event_id: uuid.UUID
    revision: int  # the revision that was returned


def decide_resubmit(filing: Filing | None, open_return: OpenReturn | None, application: Application) -> list[Payload]:
    if filing is None:
        raise Conflict("未找到该申报", "no such application", code="NOT_SUBMITTED", status=404)
    if filing.withdrawn:
        raise Conflict("该申报已撤回，不能再提交", "the application was withdrawn", code="WITHDRAWN")
    if open_return is None or open_return.revision != filing.revision:
        raise Conflict("该申报未被退回修改，不能重新提交", "the application was not returned for revision",
                       code="NOT_RETURNED")
    if application.applicant.person_ref != filing.person_ref:
        raise Conflict("重新提交的申报人与原申报不一致", "a resubmission must be by the same applicant",
                       code="APPLICANT_MISMATCH")
    # The plan stays the one the first filing recorded, whatever plan is open for filing now.
    revised = application.model_copy(update={"revision": filing.revision + 1, "plan_id": filing.plan_id})
    return [ApplicationResubmitted(application=revised, plan_version=filing.plan_version,
                                   return_event_id=open_return.return_event_id)]


def decide_withdraw(filing: Filing | None, reason: str) -> list[Payload]:
    if filing is None:
        raise Conflict("未找到该申报", "no such application", code="NOT_SUBMITTED", status=404)
    if filing.withdrawn:
        raise Conflict("该申报已撤回", "the application is already withdrawn", code="WITHDRAWN")
    return [ApplicationWithdrawn(application_id=filing.application_id, reason=reason)]
