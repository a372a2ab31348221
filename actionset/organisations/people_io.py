"""Reading and writing people directory spreadsheets (CSV and XLSX).

Pure: this module parses, validates and writes files, and never touches the database.
The service `people_import` gives it the organisation's existing directory and decides
what to write; the export view gives it the people to write.

Row numbers are the ones a person sees in their spreadsheet: the heading row is row 1
(or wherever the first non-blank row is), the first person is on the row below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from actionset.core import spreadsheets
from actionset.core.spreadsheets import MAX_ROWS, FileProblem, normalise_heading, read_rows

#: Canonical column keys, in the order files are written.
COLUMNS: tuple[str, ...] = ("name", "email", "department", "level", "site", "manager_email")
REQUIRED: tuple[str, ...] = ("name", "email")
#: The headings an export writes, and the names used in messages about a missing column.
HEADINGS: dict[str, str] = {
    "name": "Name",
    "email": "Email",
    "department": "Department",
    "level": "Level",
    "site": "Site",
    "manager_email": "Line manager email",
}
#: Headings people actually type, normalised (see `_normalise_heading`), mapped to column keys.
HEADING_ALIASES: dict[str, str] = {
    "name": "name",
    "fullname": "name",
    "email": "email",
    "emailaddress": "email",
    "department": "department",
    "dept": "department",
    "level": "level",
    "grade": "level",
    "site": "site",
    "location": "site",
    "manageremail": "manager_email",
    "linemanageremail": "manager_email",
    "manageremailaddress": "manager_email",
    "managersemail": "manager_email",
    "linemanagersemail": "manager_email",
    "linemanageremailaddress": "manager_email",
    "manager": "manager_email",
    "linemanager": "manager_email",
}
#: The model's field lengths: checked here so that a long cell is a row error, not a database error.
MAX_LENGTHS: dict[str, int] = {"name": 150, "email": 254, "department": 100, "level": 100, "site": 100}
#: The longest value of one of the organisation's own attributes.
ATTRIBUTE_MAX_LENGTH = 100
#: Column keys of the organisation's own attributes are this and the attribute's name.
ATTRIBUTE_PREFIX = "attribute:"


def attribute_key(name: str) -> str:
    return ATTRIBUTE_PREFIX + name


@dataclass(frozen=True)
class RowError:
    """One problem with an import. `row` is None for a problem with the whole file."""

    row: int | None
    column: str
    message: str


@dataclass(frozen=True)
class PersonRow:
    """One person as the file describes them; fields whose column the file lacks are None."""

    row: int
    name: str
    email: str
    department: str | None = None
    level: str | None = None
    site: str | None = None
    manager_email: str | None = None
    #: The organisation's own attributes the file has a column for (`attribute_key`) → the cell, blank included.
    attributes: dict[str, str] = field(default_factory=dict)

    def value(self, column: str) -> str | None:
        if column.startswith(ATTRIBUTE_PREFIX):
            return self.attributes.get(column)
        return getattr(self, column)


@dataclass
class ParsedFile:
    """What a file says: its people, the headings it used, and anything wrong with it."""

    rows: list[PersonRow] = field(default_factory=list)
    #: Column key → the heading as written in the file, so messages use the person's own words.
    headings: dict[str, str] = field(default_factory=dict)
    ignored_headings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def columns(self) -> frozenset[str]:
        return frozenset(self.headings)

    def heading(self, column: str) -> str:
        return self.headings.get(column) or HEADINGS.get(column) or column.removeprefix(ATTRIBUTE_PREFIX)


# --- reading -------------------------------------------------------------------------------


def read_people(upload: IO[bytes], filename: str, attribute_names: Sequence[str] = ()) -> ParsedFile:
    """Read a CSV or XLSX upload into rows. Checks the file's shape, not the people in it.

    A column headed with one of the organisation's own `attribute_names` (in any case and spacing) is that attribute.
    """
    try:
        return _parse_table(read_rows(upload, filename), attribute_names)
    except FileProblem as problem:
        return ParsedFile(errors=[RowError(None, "", str(problem))])


def _parse_table(rows: Iterator[tuple[int, list[str]]], attribute_names: Sequence[str] = ()) -> ParsedFile:
    parsed = ParsedFile()
    header: list[str | None] | None = None
    for number, cells in rows:
        if not any(cells):
            continue  # blank rows, and the trailing ",,,,," lines Excel leaves, are not people
        if header is None:
            header = _read_header(cells, parsed, attribute_names)
            if parsed.errors:
                return parsed
            continue
        if len(parsed.rows) >= MAX_ROWS:
            parsed.errors.append(
                RowError(None, "", f"The file has more than {MAX_ROWS:,} people. Split it into smaller files.")
            )
            return parsed
        values = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(header) if key}
        parsed.rows.append(
            PersonRow(
                row=number,
                name=values.get("name", ""),
                email=values.get("email", "").lower(),
                department=values.get("department"),
                level=values.get("level"),
                site=values.get("site"),
                manager_email=values["manager_email"].lower() if "manager_email" in values else None,
                attributes={k: v for k, v in values.items() if k.startswith(ATTRIBUTE_PREFIX)},
            )
        )
    if header is None:
        raise FileProblem("The file is empty.")
    if not parsed.rows:
        parsed.errors.append(RowError(None, "", "The file has column headings but no people below them."))
    return parsed


def _read_header(cells: list[str], parsed: ParsedFile, attribute_names: Sequence[str] = ()) -> list[str | None]:
    """Map each column position to a column key (None for a column we do not know)."""
    own = {normalise_heading(name): attribute_key(name) for name in attribute_names}
    header: list[str | None] = []
    for cell in cells:
        key = own.get(normalise_heading(cell)) or HEADING_ALIASES.get(normalise_heading(cell))
        if key is not None and key in parsed.headings:
            parsed.errors.append(
                RowError(None, cell, f"“{parsed.headings[key]}” and “{cell}” are the same column. Keep only one.")
            )
            key = None
        elif key is not None:
            parsed.headings[key] = cell
        elif cell:
            parsed.ignored_headings.append(cell)
        header.append(key)
    for key in REQUIRED:
        if key not in parsed.headings:
            parsed.errors.append(
                RowError(
                    None,
                    HEADINGS[key],
                    f"The file has no “{HEADINGS[key]}” column. The first row must hold the column headings: "
                    + ", ".join(HEADINGS.values())
                    + ".",
                )
            )
    return header


# --- validating ----------------------------------------------------------------------------


def validate_people(parsed: ParsedFile, existing_managers: Mapping[str, str]) -> list[RowError]:
    """Every problem with every row, in row order.

    `existing_managers` is the organisation's directory before the import: each person's
    lowercase email → their line manager's lowercase email ("" for none).
    """
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    rows_of: dict[str, list[int]] = {}
    for person in parsed.rows:
        if person.email:
            rows_of.setdefault(person.email, []).append(person.row)
            first_row_of.setdefault(person.email, person.row)

    # The directory as it would be after the import: the file overrides existing people,
    # except where it has no manager column, in which case managers stay as they are.
    managers = dict(existing_managers)
    if "manager_email" in parsed.columns:
        for person in parsed.rows:
            if person.email and first_row_of[person.email] == person.row:
                managers[person.email] = person.manager_email or ""
    else:
        for person in parsed.rows:
            managers.setdefault(person.email, "")

    for person in parsed.rows:
        errors.extend(_row_errors(person, parsed, rows_of, managers))
    return errors


def _row_errors(
    person: PersonRow, parsed: ParsedFile, rows_of: Mapping[str, list[int]], managers: Mapping[str, str]
) -> Iterator[RowError]:
    def error(column: str, message: str) -> RowError:
        return RowError(person.row, parsed.heading(column), message)

    if not person.name:
        yield error("name", "Name is missing.")
    if not person.email:
        yield error("email", "Email is missing.")
    elif not _is_email(person.email):
        yield error("email", f"“{person.email}” is not a valid email address.")
    else:
        others = [r for r in rows_of[person.email] if r != person.row]
        if others:
            yield error("email", f"{person.email} appears more than once: also on {_rows_phrase(others)}.")
    limits = {**MAX_LENGTHS, **dict.fromkeys(person.attributes, ATTRIBUTE_MAX_LENGTH)}
    for column, limit in limits.items():
        value = person.value(column)
        if value and len(value) > limit:
            yield error(column, f"Too long: at most {limit} characters, this has {len(value)}.")

    manager = person.manager_email
    if not manager:
        return
    if not _is_email(manager):
        yield error("manager_email", f"“{manager}” is not a valid email address.")
    elif manager == person.email:
        yield error("manager_email", "A person cannot be their own line manager.")
    elif manager not in managers:
        yield error("manager_email", f"Unknown manager: {manager} is neither in this file nor in the directory.")
    elif person.email and rows_of.get(person.email, [person.row])[0] == person.row:
        loop = _loop_through(person.email, managers)
        if loop:
            yield error("manager_email", "Line manager loop: " + " → ".join(loop) + ".")


def _loop_through(email: str, managers: Mapping[str, str]) -> list[str]:
    """The chain from `email` back to itself following line managers, or [] if it never returns."""
    chain = [email]
    seen = {email}
    current = managers.get(email, "")
    while current:
        if current == email:
            return [*chain, email]
        if current in seen:
            return []  # a loop further up that this person hangs off but is not part of
        chain.append(current)
        seen.add(current)
        current = managers.get(current, "")
    return []


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _rows_phrase(rows: Sequence[int]) -> str:
    if len(rows) == 1:
        return f"row {rows[0]}"
    return "rows " + ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"


# --- writing -------------------------------------------------------------------------------


#: What an exported row is read from: the columns themselves, not people with their managers, logins and roles as
#: model instances (three times the rows, and at 10,000 people most of the export's time).
DIRECTORY_VALUES = ("name", "email", "department", "level", "site", "line_manager__email", "attributes")


def directory_rows(people: Iterable[Sequence[Any]], attribute_names: Sequence[str] = ()) -> Iterator[list[str]]:
    """Cells for each person, in `COLUMNS` order, then the organisation's own attributes, from `people` read as
    `values_list(*DIRECTORY_VALUES)`."""
    for name, email, department, level, site, manager_email, attributes in people:
        yield [
            name,
            email,
            department,
            level,
            site,
            manager_email or "",
            *((attributes or {}).get(attribute, "") for attribute in attribute_names),
        ]


def _headings(attribute_names: Sequence[str]) -> list[str]:
    return [*(HEADINGS[c] for c in COLUMNS), *attribute_names]


def write_csv(rows: Iterable[Sequence[str]], attribute_names: Sequence[str] = ()) -> bytes:
    return spreadsheets.write_csv(_headings(attribute_names), rows)


def write_xlsx(rows: Iterable[Sequence[str]], attribute_names: Sequence[str] = ()) -> bytes:
    return spreadsheets.write_xlsx(
        _headings(attribute_names),
        rows,
        title="People",
        widths=(28, 34, 22, 16, 18, 34, *(20 for _ in attribute_names)),
    )
