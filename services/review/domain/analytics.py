"""What a case event means to analysts: an outcome and reason codes, never text.

Pure: review's feed writer (`adapters/feed.py`) folds the case around each event and asks this
module how to name the change. Opinions, reasons, findings and places are free text and stay in
review; what leaves is a fixed vocabulary (returned sections are a closed list, `returning.py`).
"""
from __future__ import annotations

from contracts import events as ev
from services.review.domain.returning import SECTIONS_ZH

# Events that change no state an analyst counts: who acts next is already in the stage.
NOT_A_CHANGE = (ev.CaseMovedTo,)
CLOSING_STATUSES = frozenset({"rejected", "interview_failed", "withdrawn", "forwarded", "overdue"})
OVERDUE_REASON = {"逾期未审核": "not_reviewed_in_time", "逾期未重新提交": "not_resubmitted_in_time"}

_PLAIN = {
    ev.UnitApproved: "passed", ev.UnitRejected: "not_passed", ev.Returned: "returned",
    ev.PublicNoticeStarted: "notice_started", ev.PublicNoticeCompleted: "notice_completed",
    ev.ObjectionRecorded: "objection", ev.DepartmentApproved: "passed", ev.DepartmentRejected: "not_passed",
    ev.HRBureauRecommended: "recommended", ev.ForwardedToCommittee: "forwarded",
    ev.InterviewScheduled: "interview_scheduled", ev.FeeOptionSet: "fee_option_set",
    ev.FeeRequested: "fee_requested", ev.FeePaid: "fee_paid", ev.ClosedOverdue: "overdue", ev.CaseClosed: "closed",
}


def outcome_of(event: ev.Payload) -> tuple[str, list[str]] | None:
    """(outcome, reason codes) of one case event; None when it is not a change analysts count."""
    if isinstance(event, NOT_A_CHANGE):
        return None
    if isinstance(event, ev.CaseOpened):
        return ("opened" if event.revision == 1 else "reopened"), []
    if isinstance(event, ev.InterviewResultRecorded):
        return ("interview_passed" if event.passed else "interview_failed"), []
    if isinstance(event, ev.ObjectionResolved):
        return ("objection_upheld" if event.upheld else "objection_dismissed"), []
    if isinstance(event, ev.Returned):
        return "returned", sorted({s.section for s in event.sections if s.section in SECTIONS_ZH})
    if isinstance(event, ev.ClosedOverdue):
        return "overdue", [OVERDUE_REASON.get(event.reason, "overdue")]
    if isinstance(event, ev.CaseClosed):
        return "closed", [event.final_status if event.final_status in CLOSING_STATUSES else "other"]
    outcome = _PLAIN.get(type(event))
    return (outcome, []) if outcome else None
