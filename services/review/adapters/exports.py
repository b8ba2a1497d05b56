"""Export rows as CSV (UTF-8 with BOM, so Excel opens the Chinese headers correctly) or as an
Excel workbook. Pure byte builders: the HTTP layer decides file names and content types.

Safe to open: names, unit names, specialties and achievement titles are typed by applicants and
units, and a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or tab or CR, which
some programs strip before looking) as a formula (CSV injection, OWASP). Every text cell starting so
is written as text: in CSV with a leading apostrophe (what spreadsheets show as the text itself),
in XLSX as a string cell, never a formula. Applied to every text cell, not a list of columns, so a
new column cannot forget it."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    return "'" + value if formula_like(value) else value


def to_csv(rows: Iterable[Sequence[object]], headers: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, what Excel writes itself
    writer.writerow(headers)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Iterable[Sequence[object]], headers: Sequence[str], sheet_title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]  # Excel's limit on sheet names
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if formula_like(cell.value):
                cell.data_type = "s"  # openpyxl took it for a formula: store it as the text it is
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
