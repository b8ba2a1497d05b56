"""Only archive entries the unit approved can be cited, and their facts come from the archive."""
from datetime import date

from services.intake.domain.citations import ArchiveRecord, citation_problems, with_archive_facts
from tests.fixtures.builders import normal_applicant


def _archive(status: str = "approved", person_ref: str | None = None) -> dict[str, ArchiveRecord]:
    app = normal_applicant()
    return {c.entry_id: ArchiveRecord(c.entry_id, person_ref or app.applicant.person_ref, app.unit.unit_id,
                                      f"档案中的{c.title}", date(2019, 6, 30), status) for c in app.achievements}


def test_citing_approved_entries_of_ones_own_archive_raises_no_problem():
    assert citation_problems(normal_applicant(), _archive()) == []


def test_an_entry_missing_from_the_archive_cannot_be_cited():
    codes = [p.code for p in citation_problems(normal_applicant(), {})]
    assert codes == ["ACHIEVEMENT_NOT_IN_ARCHIVE"] * len(normal_applicant().achievements)


def test_pending_and_rejected_entries_cannot_be_cited():
    for status in ("pending", "rejected"):
        problems = citation_problems(normal_applicant(), _archive(status))
        assert {p.code for p in problems} == {"ACHIEVEMENT_NOT_APPROVED"}
        assert all(p.message_zh and p.message_en for p in problems)


def test_someone_elses_approved_entry_cannot_be_cited():
    problems = citation_problems(normal_applicant(), _archive(person_ref="someone-else"))
    assert {p.code for p in problems} == {"ACHIEVEMENT_NOT_IN_ARCHIVE"}


def test_the_archive_not_the_request_decides_title_date_and_approval():
    app = with_archive_facts(normal_applicant(), _archive())
    assert all(c.title.startswith("档案中的") and c.achieved_on == date(2019, 6, 30) and c.approved_by_unit
               for c in app.achievements)
