"""The chaos ledger judges each filed application against its Fate (the benchmark's definition of
what should become of it): everything expected exactly once, nothing missing, no SMS it does not expect."""
from __future__ import annotations

from collections import Counter

from zc.chaos.ledger import Found, judge
from zc.load.people import Fate


def complete(fate: Fate) -> Found:
    """What the databases hold once an application of this Fate is done, each thing once."""
    sms = Counter(fate.expected_sms())
    return Found(events=Counter(fate.expected_events()), planned=Counter(sms), sent=Counter(sms),
                 notified=Counter(sms), stage=fate.expected_stage())


def test_an_application_with_everything_its_fate_expects_once_is_neither_missing_nor_duplicated():
    for fate in Fate:
        assert judge(fate, complete(fate)) == ([], [])


def test_a_passed_application_whose_sms_was_never_sent_is_missing_it():
    found = complete(Fate.PASSES)
    found.sent["passed_unit"] = 0
    found.notified["passed_unit"] = 0
    missing, twice = judge(Fate.PASSES, found)
    assert missing == ["SMS passed_unit sent 0/1", "NotificationSent passed_unit 0/1"] and twice == []


def test_an_sms_sent_twice_is_a_duplicate():
    found = complete(Fate.PASSES)
    found.planned["passed_unit"] = found.sent["passed_unit"] = 2
    missing, twice = judge(Fate.PASSES, found)
    assert missing == [] and twice == ["SMS passed_unit sent ×2", "SMS passed_unit planned ×2"]


def test_a_returned_application_needs_the_return_the_resubmission_and_both_revisions():
    found = complete(Fate.RETURNED)
    assert found.events["CaseOpened"] == 2 and found.events["EligibilityAssessed"] == 2
    found.events["ApplicationResubmitted"] = 0
    found.events["CaseOpened"] = 1
    found.events["EligibilityAssessed"] = 1
    found.events["UnitApproved"] = 0
    found.sent["passed_unit"] = found.planned["passed_unit"] = found.notified["passed_unit"] = 0
    found.stage = ("at_unit", 1)
    missing, twice = judge(Fate.RETURNED, found)
    assert {"ApplicationResubmitted 0/1", "CaseOpened 1/2", "EligibilityAssessed 1/2", "UnitApproved 0/1",
            "SMS passed_unit sent 0/1"} <= set(missing) and twice == []


def test_a_returned_application_that_was_never_returned_but_passed_at_once_is_not_complete():
    found = complete(Fate.PASSES)  # the stage matches revision 1, the return and its SMS never happened
    missing, _ = judge(Fate.RETURNED, found)
    assert "Returned 0/1" in missing and "SMS application_returned sent 0/1" in missing


def test_an_ineligible_application_must_be_told_twice_and_rejected_by_its_unit():
    found = complete(Fate.INELIGIBLE)
    assert set(Fate.INELIGIBLE.expected_sms()) == {"eligibility_ineligible", "not_passed"}
    found.events["UnitRejected"] = 0
    found.notified["not_passed"] = 0
    missing, twice = judge(Fate.INELIGIBLE, found)
    assert missing == ["UnitRejected 0/1", "NotificationSent not_passed 0/1"] and twice == []


def test_an_sms_the_fate_does_not_expect_counts_as_a_duplicate():
    found = complete(Fate.INELIGIBLE)
    found.planned["passed_unit"] = found.sent["passed_unit"] = 1
    assert judge(Fate.INELIGIBLE, found) == ([], ["unexpected SMS passed_unit ×1"])


def test_a_case_left_at_the_wrong_stage_is_not_complete_though_every_event_is_there():
    found = complete(Fate.PASSES)
    found.stage = ("at_unit", 1)
    missing, _ = judge(Fate.PASSES, found)
    assert missing == ["case at ('at_unit', 1), not ('awaiting_notice', 1)"]
