"""The application's own lifecycle in intake: submitted, returned, resubmitted, withdrawn.

Pure: state is folded from intake's events plus the returns intake learnt from review.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from contracts.application import Application
from contracts.errors import Conflict
from contracts.events import ApplicationResubmitted, ApplicationSubmitted, ApplicationWithdrawn, Payload


def stream_of(application_id: uuid.UUID) -> str:
    return f"application-{application_id}"


@dataclass(frozen=True)
class Filing:
    application_id: uuid.UUID
    person_ref: str
    revision: int
    withdrawn: bool = False


def evolve(filing: Filing | None, event: Payload) -> Filing | None:
    match event:
        case ApplicationSubmitted(application=app):
            return Filing(app.application_id, app.applicant.person_ref, app.revision)
        case ApplicationResubmitted(application=app):
            return replace(filing, revision=app.revision)
        case ApplicationWithdrawn():
            return replace(filing, withdrawn=True)
    return filing


def decide_submit(filing: Filing | None, application: Application) -> list[Payload]:
    if filing is not None:
        raise Conflict("该申报已提交，请勿重复提交", "this application was already submitted",
                       code="ALREADY_SUBMITTED")
    return [ApplicationSubmitted(application=application)]


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
    revised = application.model_copy(update={"revision": filing.revision + 1})
    return [ApplicationResubmitted(application=revised, return_event_id=open_return.return_event_id)]


def decide_withdraw(filing: Filing | None, reason: str) -> list[Payload]:
    if filing is None:
        raise Conflict("未找到该申报", "no such application", code="NOT_SUBMITTED", status=404)
    if filing.withdrawn:
        raise Conflict("该申报已撤回", "the application is already withdrawn", code="WITHDRAWN")
    return [ApplicationWithdrawn(application_id=filing.application_id, reason=reason)]
