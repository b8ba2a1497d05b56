"""Export rows as CSV (UTF-8 with BOM, so Excel opens the Chinese headers correctly) or as an
Excel workbook. Pure byte builders: the HTTP layer decides file names and content types."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_csv(rows: Iterable[Sequence[object]], headers: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, what Excel writes itself
    writer.writerow(headers)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
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
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
