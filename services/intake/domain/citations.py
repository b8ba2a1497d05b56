"""An archive entry can be cited only after the applicant's unit approved it (SPEC 4, 附件1 一.1).

Intake learns the archive from review's ArchiveEntry* events. At filing, every cited achievement
must be an approved entry of this applicant; its title and date are then taken from the archive,
not from the request, so what the reviewers read is what the unit approved.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from contracts.application import Application
from services.intake.domain.problems import Problem


@dataclass(frozen=True)
class ArchiveRecord:
    entry_id: str
    person_ref: str
    unit_id: str
    title: str
    achieved_on: date
    status: str  # pending | approved | rejected


_STATUS_ZH = {"pending": "尚未经单位审核", "rejected": "已被单位退回"}


def citation_problems(application: Application, archive: Mapping[str, ArchiveRecord]) -> list[Problem]:
    problems = []
    for i, cited in enumerate(application.achievements):
        record = archive.get(cited.entry_id)
        field = f"achievements[{i}].entry_id"
        if record is None or record.person_ref != application.applicant.person_ref:
            problems.append(Problem(field, "ACHIEVEMENT_NOT_IN_ARCHIVE",
                                    f"业绩“{cited.title}”不在本人的业绩档案中，请先在“我的业绩档案”中登记",
                                    f"achievement {cited.entry_id} is not in your achievement archive"))
        elif record.status != "approved":
            problems.append(Problem(field, "ACHIEVEMENT_NOT_APPROVED",
                                    f"业绩“{record.title}”{_STATUS_ZH.get(record.status, '未审核通过')}，不能在申报中引用",
                                    f"achievement {cited.entry_id} is {record.status}, not approved by the unit"))
    return problems


def with_archive_facts(application: Application, archive: Mapping[str, ArchiveRecord]) -> Application:
    """The application with each cited entry's title, date and approval as the archive holds them."""
    cited = [c.model_copy(update={"title": archive[c.entry_id].title, "achieved_on": archive[c.entry_id].achieved_on,
                                  "approved_by_unit": archive[c.entry_id].status == "approved"})
             if c.entry_id in archive else c for c in application.achievements]
    return application.model_copy(update={"achievements": cited})
