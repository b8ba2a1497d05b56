from datetime import date

import pytest

from contracts.envelope import Actor, Role
from contracts.errors import Conflict, InvalidInput
from contracts.events import ArchiveEntryAdded, ArchiveEntryApproved, ArchiveEntryRejected
from services.review.domain.archive import (AddArchiveEntry, ReviewArchiveEntry, decide_archive, evolve_archive)

APPLICANT = Actor(role=Role.APPLICANT, user="zhang")
UNIT = Actor(role=Role.UNIT, organisation="unit-yc-1", user="hr")


def _entry(entry_id="e-1", person="person-1"):
    events = decide_archive(None, AddArchiveEntry(APPLICANT, entry_id, person, "unit-yc-1", "镜湖大桥施工图设计",
                                                  date(2019, 6, 1), "project"))
    return evolve_archive(None, events[0]), events


def _review(entry, approve, text="符合"):
    return evolve_archive(entry, decide_archive(entry, ReviewArchiveEntry(UNIT, entry.entry_id, approve, text))[0])


def test_an_applicant_adds_an_entry_that_waits_for_the_unit():
    entry, events = _entry()
    assert isinstance(events[0], ArchiveEntryAdded) and entry.status == "pending"


def test_an_entry_cannot_be_added_twice_or_with_an_unknown_kind():
    entry, _ = _entry()
    with pytest.raises(Conflict):
        decide_archive(entry, AddArchiveEntry(APPLICANT, "e-1", "person-1", "unit-yc-1", "x", date(2019, 1, 1)))
    with pytest.raises(InvalidInput):
        decide_archive(None, AddArchiveEntry(APPLICANT, "e-2", "person-1", "u", "x", date(2019, 1, 1), "gossip"))


def test_the_unit_approves_or_rejects_each_entry_once():
    entry, _ = _entry()
    approved = _review(entry, True)
    assert approved.status == "approved"
    with pytest.raises(Conflict):
        decide_archive(approved, ReviewArchiveEntry(UNIT, "e-1", False, "撤销"))
    assert _review(entry, False, "非本人主持").status == "rejected"


def test_a_rejection_needs_a_reason():
    entry, _ = _entry()
    with pytest.raises(InvalidInput):
        decide_archive(entry, ReviewArchiveEntry(UNIT, "e-1", False, " "))


def test_the_review_events_carry_the_units_text():
    entry, _ = _entry()
    assert decide_archive(entry, ReviewArchiveEntry(UNIT, "e-1", True, "属实")) == [
        ArchiveEntryApproved(entry_id="e-1", unit_id="unit-yc-1", opinion="属实")]
    assert decide_archive(entry, ReviewArchiveEntry(UNIT, "e-1", False, "不属实")) == [
        ArchiveEntryRejected(entry_id="e-1", unit_id="unit-yc-1", reason="不属实")]

