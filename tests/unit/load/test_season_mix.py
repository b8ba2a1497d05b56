"""The load generator's applicants: each passes intake's door, and eligibility's verdict is the
one their fate expects (so the benchmark's 'expected state' is right by construction)."""
from __future__ import annotations

import base64
import random
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.eligibility.domain.assess import assess
from services.intake.adapters.requests import SubmitRequest
from services.intake.domain.citations import ArchiveRecord, citation_problems, with_archive_facts
from services.intake.domain.photo import photo_problems
from services.intake.adapters.prepare import prepare
from zc.load.people import PLAN, Fate, filing, units
from zc.load.photos import MAX_BYTES, MIN_BYTES, photo_set

NOW = datetime(2020, 8, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PHOTOS = photo_set(2)


def test_every_generated_photo_is_a_50_to_300_kb_jpeg_that_intake_accepts():
    for photo in PHOTOS:
        data = base64.b64decode(photo)
        assert MIN_BYTES < len(data) < MAX_BYTES
        assert photo_problems(data, PLAN.photo) == []


def approved_archive(f, person_ref: str) -> dict[str, ArchiveRecord]:
    """The applicant's archive as intake learns it once the unit approved the entries the generator adds."""
    return {e["entry_id"]: ArchiveRecord(e["entry_id"], person_ref, e["unit_id"], e["title"],
                                         date.fromisoformat(e["achieved_on"]), "approved")
            for e in f.archive_entries()}


def test_generated_filings_pass_the_door_given_their_approved_archive_and_get_the_verdict_their_fate_expects():
    rng = random.Random(3)
    people = units(12, rng)
    fates = Counter()
    for _ in range(80):
        f = filing(rng, rng.choice(people), "person-key")
        request = SubmitRequest.model_validate({**f.body, "photo_base64": PHOTOS[0]})
        application, _ = prepare(request, PLAN, person_ref_secret="person-key", now=NOW)
        assert 1 <= len(application.achievements) <= PLAN.max_cited_achievements
        archive = approved_archive(f, application.applicant.person_ref)
        assert citation_problems(application, archive) == []
        application = with_archive_facts(application, archive)
        outcome = assess(application, PLAN).outcome.value
        assert (outcome == "ineligible") == (f.fate is Fate.INELIGIBLE), (f.fate, outcome)
        fates[f.fate] += 1
    assert 0.1 < fates[Fate.INELIGIBLE] / 80 < 0.35 and 0.02 < fates[Fate.RETURNED] / 80 < 0.25


def test_each_fate_expects_its_applicant_messages_once():
    assert Fate.PASSES.expected_sms() == ["passed_unit"]
    assert Fate.RETURNED.expected_stage() == ("awaiting_notice", 2)
    assert Fate.INELIGIBLE.expected_sms() == ["eligibility_ineligible", "not_passed"]


def test_a_filing_cites_only_its_own_archive_entries_so_another_applicant_cannot_reuse_them():
    rng = random.Random(5)
    people = units(2, rng)
    mine, theirs = (filing(rng, people[0], "person-key") for _ in range(2))
    request = SubmitRequest.model_validate({**mine.body, "photo_base64": PHOTOS[0]})
    application, _ = prepare(request, PLAN, person_ref_secret="person-key", now=NOW)
    assert {e["entry_id"] for e in mine.archive_entries()}.isdisjoint(e["entry_id"] for e in theirs.archive_entries())
    problems = citation_problems(application, approved_archive(theirs, application.applicant.person_ref))
    assert {p.code for p in problems} == {"ACHIEVEMENT_NOT_IN_ARCHIVE"}
