"""Every event that changes a review case has a name in the analysts' feed, and that name is a
code: no opinion, reason or finding text reaches the feed."""
from contracts import events as ev
from services.review.domain.analytics import outcome_of
from services.review.domain.transitions import _HANDLERS

TEXT = "材料不全请补充（自由文本）"


def _event(kind):
    fields = {name: TEXT for name, f in kind.model_fields.items() if f.annotation is str}
    extra = {ev.CaseOpened: {"revision": 1}, ev.InterviewResultRecorded: {"passed": False},
             ev.ObjectionResolved: {"upheld": True}, ev.CaseClosed: {"final_status": "rejected"},
             ev.ClosedOverdue: {"reason": "逾期未审核"},
             ev.Returned: {"sections": [ev.ReturnedSection(section="papers", reason=TEXT),
                                        ev.ReturnedSection.model_construct(section=TEXT, reason=TEXT)]}}
    return kind.model_construct(**{**fields, **extra.get(kind, {})})


def test_every_case_event_but_the_hand_over_is_a_change_with_an_outcome_and_codes_only():
    kinds = set(_HANDLERS) | {ev.CaseOpened}
    named = {kind: outcome_of(_event(kind)) for kind in kinds}
    assert {k for k, v in named.items() if v is None} == {ev.CaseMovedTo}
    for kind, (outcome, reasons) in ((k, v) for k, v in named.items() if v):
        assert outcome.isascii() and all(r.isascii() and r.isidentifier() for r in reasons), (kind, outcome, reasons)
        assert TEXT not in outcome + " ".join(reasons)


def test_a_return_names_its_known_sections_and_an_overdue_close_its_deadline():
    assert outcome_of(_event(ev.Returned)) == ("returned", ["papers"])
    assert outcome_of(_event(ev.ClosedOverdue)) == ("overdue", ["not_reviewed_in_time"])
    assert outcome_of(ev.ClosedOverdue.model_construct(reason="逾期未重新提交")) == ("overdue", ["not_resubmitted_in_time"])


def test_a_closing_status_outside_the_vocabulary_is_named_other():
    assert outcome_of(ev.CaseClosed.model_construct(final_status="人工关闭")) == ("closed", ["other"])
