"""Reading and writing spreadsheets (CSV and XLSX) for imports and exports.

Files come from people's own spreadsheet programs, so the reader is forgiving about
encodings, separators and headings, and strict about size; the writers guard against
spreadsheet formula injection. Row numbers are the ones a person sees: row 1 is the first row.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import IO, Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
#: An XLSX is a zip: a small file can inflate enormously, so cap what it may unpack to.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

EXPORT_FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

#: Spreadsheet programs run a cell starting with these as a formula (CSV injection), so an
#: export prefixes such a cell with an apostrophe, which Excel hides, and import removes it.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 .xls format


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is shown to the person as is."""


def read_rows(upload: IO[bytes], filename: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) for each row of a CSV or XLSX upload. Raises FileProblem."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileProblem(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files.")
    if not data.strip():
        raise FileProblem("The file is empty.")
    return _table_rows(data, filename)


def _table_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (spreadsheet row number, cell texts), choosing the reader by content first, then name."""
    name = filename.lower()
    if data.startswith(_ZIP_MAGIC):
        return _xlsx_rows(data)
    if data.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        raise FileProblem(
            "This is an old-style Excel (.xls) file. Save it as an Excel Workbook (.xlsx) or CSV and try again."
        )
    if name.endswith(".xlsx"):
        raise FileProblem("This file could not be read as an Excel workbook. It may be damaged.")
    if name.endswith(".csv") or name.endswith(".txt"):
        return _csv_rows(data)
    raise FileProblem("This is not a CSV or Excel (.xlsx) file. Upload a .csv or .xlsx file.")


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in data:
        raise FileProblem("This file is not a CSV or Excel (.xlsx) file: it contains binary data.")
    try:
        # utf-8-sig drops the byte order mark Excel writes at the start of "CSV UTF-8" files.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            "The file is not in UTF-8. In Excel, use Save As and choose “CSV UTF-8 (Comma delimited)”."
        ) from None
    first_line = text.split("\n", 1)[0]
    # Excel in many European locales writes semicolons; a tab-separated export is common too.
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A person sees one spreadsheet row per record, even when a quoted cell spans lines.
        for number, record in enumerate(reader, start=1):
            yield number, [_unquote_formula(cell.strip()) for cell in record]
    except csv.Error as error:
        raise FileProblem(f"The file could not be read as CSV: {error}.") from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise FileProblem("The workbook is too large once unpacked. Split it into smaller files.")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileProblem:
        raise
    except Exception:  # openpyxl raises many kinds of error for a damaged or foreign file
        raise FileProblem("This file could not be read as an Excel workbook. It may be damaged.") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileProblem("The workbook has no sheets.")
        # In read-only mode rows come from row 1, blank rows included, so counting gives Excel's numbers.
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a level typed as 3 arrives as 3.0
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _unquote_formula(cell: str) -> str:
    if len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_STARTS:
        return cell[1:]
    return cell


def normalise_heading(heading: str) -> str:
    return re.sub("[\\s_\\-'\u2019.]+", "", heading.lower())


def write_csv(headings: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO(newline="")
    # The byte order mark makes Excel open the file as UTF-8, so accented names survive.
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in rows:
        writer.writerow([f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell for cell in row])
    return out.getvalue().encode("utf-8")


def write_xlsx(
    headings: Sequence[str], rows: Iterable[Sequence[str]], *, title: str, widths: Sequence[int] = ()
) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = width
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, heading, font=bold) for heading in headings])
    for row in rows:
        sheet.append([_text_cell(sheet, cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text_cell(sheet: Any, value: str, font: Font | None = None) -> Cell:
    # Characters XLSX cannot hold would make openpyxl refuse the whole export.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    # Always text: openpyxl would otherwise store "=…" as a formula for Excel to run.
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell
