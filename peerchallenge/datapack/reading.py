"""Reading an uploaded data pack (CSV or Excel, long format) into checked rows, or an error per bad row.

Pure code: bytes in, rows and errors out. Linear in the size of the file; the limits below bound it.
Columns (headers in any case, in any order; other columns are ignored):

- authority: the DfE 3-digit code, the ONS code (E06000055) or the name, of an authority of the region
- indicator: a catalogue key or name
- period: 2024-25, 2024/25, 202425 (as DfE files write it) or 2024
- value; optionally england, region, statistical_neighbours

DfE's suppression marks (c, x, z, u, low, :) in the value leave the row out; in a comparator, no comparator.
"""

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from peerchallenge.datapack.catalogue import Indicator, Unit

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_ERRORS_SHOWN = 50
# An Excel file is a zip: refuse one that would inflate past these before openpyxl reads it.
XLSX_MAX_UNCOMPRESSED = 60 * 1024 * 1024
XLSX_MAX_ENTRIES = 500
MAX_CELL_CHARS = 200

COLUMNS = {
    "authority": (
        "authority",
        "authority_code",
        "la_code",
        "old_la_code",
        "new_la_code",
        "dfe_code",
        "local_authority",
        "la_name",
    ),
    "indicator": ("indicator", "indicator_key", "measure"),
    "period": ("period", "time_period", "year"),
    "value": ("value", "authority_value", "la_value"),
    "england": ("england", "england_value", "national"),
    "region": ("region", "region_value", "regional"),
    "neighbours": (
        "statistical_neighbours",
        "statistical_neighbour",
        "statistical_neighbour_average",
        "neighbours",
        "stat_neighbours",
    ),
}
REQUIRED = ("authority", "indicator", "period", "value")
SUPPRESSED = {"c", "x", "z", "u", "low", ":", "..", "-", "n/a", "na"}
PERIOD = re.compile(r"(\d{4})(?:[-/]?(\d{2}))?")


class PackFileError(Exception):
    """The file as a whole can't be read: one line for the person uploading."""


@dataclass(frozen=True)
class PackRow:
    authority_id: int
    indicator: str  # its key
    period: str
    value: float
    england: float | None = None
    region: float | None = None
    neighbours: float | None = None


@dataclass
class ReadPack:
    rows: list[PackRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(
        default_factory=list
    )  # (row number as the spreadsheet shows it, why)
    suppressed: int = 0

    @property
    def errors_shown(self) -> list[tuple[int, str]]:
        return self.errors[:MAX_ERRORS_SHOWN]


def header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().casefold()).strip("_")


def _columns(header: list[str]) -> dict[str, int]:
    names = [header_key(cell) for cell in header]
    found = {}
    for column, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in names:
                found[column] = names.index(alias)
                break
    missing = [column for column in REQUIRED if column not in found]
    if missing:
        raise PackFileError(
            "The first row must name the columns authority, indicator, period and value; "
            f"this file has no {', '.join(missing)} column."
        )
    return found


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()[: MAX_CELL_CHARS + 1]


def csv_rows(data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data:
        raise PackFileError("The file is not a CSV file: save it as CSV (comma separated) or Excel (.xlsx).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield [_text(cell) for cell in row]
    except csv.Error as error:
        raise PackFileError(f"The CSV file can't be read (line {reader.line_num}): {error}.") from None


def xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if (
                len(entries) > XLSX_MAX_ENTRIES
                or sum(entry.file_size for entry in entries) > XLSX_MAX_UNCOMPRESSED
            ):
                raise PackFileError(
                    "The Excel file is too large once unpacked: keep to one sheet of figures."
                )
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except PackFileError:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or disguised file
        raise PackFileError(
            "The Excel file can't be read: save it again as .xlsx and upload the new copy."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_text(cell) for cell in row]
    except Exception:
        raise PackFileError(
            "The Excel file can't be read: save it again as .xlsx and upload the new copy."
        ) from None
    finally:
        workbook.close()


def table_rows(filename: str, data: bytes) -> Iterator[list[str]]:
    """The file's rows as text cells, by its type (checked by content, not only by name)."""
    if len(data) > MAX_BYTES:
        raise PackFileError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: upload the region's rows only."
        )
    if not data.strip():
        raise PackFileError("The file is empty.")
    name = filename.casefold()
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK\x03\x04"):
            raise PackFileError("The file is named .xlsx but is not an Excel workbook.")
        return xlsx_rows(data)
    if name.endswith(".csv") or name.endswith(".txt"):
        if data.startswith(b"PK\x03\x04"):
            raise PackFileError("The file is named .csv but is an Excel workbook: name it .xlsx.")
        return csv_rows(data)
    raise PackFileError("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")


def period_of(text: str) -> str | None:
    """2024-25 for 2024-25, 2024/25 and 202425; 2024 for 2024; None for anything else."""
    match = PERIOD.fullmatch(text.strip())
    if match is None:
        return None
    start, end = match.groups()
    if end is None:
        return start
    if int(end) != (int(start) + 1) % 100:
        return None
    return f"{start}-{end}"


def number_of(text: str) -> float | None:
    """A finite number, allowing thousands commas and a trailing %; None if it is not one."""
    cleaned = text.replace(",", "").removesuffix("%").strip()
    if not cleaned or len(cleaned) > 30 or not re.fullmatch(r"[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?", cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def _check_value(indicator: Indicator, value: float, what: str) -> str | None:
    if value < 0:
        return f"{what} {value:g} is below 0."
    if indicator.unit == Unit.PERCENTAGE and value > 100:
        return f"{what} {value:g} is over 100, but {indicator.name} is a percentage."
    if value > 1e9:
        return f"{what} {value:g} is too large."
    return None


def read_pack(
    filename: str,
    data: bytes,
    authorities: Mapping[str, int],
    indicators: Mapping[str, Indicator],
    region: str,
) -> ReadPack:
    """The file's rows, checked; `authorities` maps each code and folded name of the region's to its id,
    `indicators` each folded key and name to its indicator. Raises PackFileError for the file as a whole."""
    result = ReadPack()
    rows = table_rows(filename, data)
    header = next((row for row in rows if any(row)), None)
    if header is None:
        raise PackFileError("The file has no rows.")
    columns = _columns(header)
    seen: dict[tuple[int, str, str], int] = {}
    number = 1
    for number, cells in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise PackFileError(f"The file has more than {MAX_ROWS:,} rows: upload the region's rows only.")
        if not any(cells):
            continue

        def cell(column: str, cells: list[str] = cells) -> str:
            index = columns.get(column)
            return cells[index] if index is not None and index < len(cells) else ""

        row_errors = []
        authority_text, indicator_text = cell("authority"), cell("indicator")
        authority_id = authorities.get(authority_text.casefold())
        if authority_id is None:
            row_errors.append(f"authority “{authority_text[:40]}” is not an authority of the {region} region")
        indicator = indicators.get(indicator_text.casefold())
        if indicator is None:
            row_errors.append(f"indicator “{indicator_text[:60]}” is not in the catalogue")
        period = period_of(cell("period"))
        if period is None:
            row_errors.append(f"period “{cell('period')[:20]}” is not a year such as 2024-25 or 2024")
        value_text = cell("value")
        if value_text.casefold() in SUPPRESSED and not row_errors:
            result.suppressed += 1
            continue
        value = number_of(value_text)
        if value is None:
            row_errors.append(f"value “{value_text[:20]}” is not a number")
        comparators: dict[str, float | None] = {}
        for column in ("england", "region", "neighbours"):
            text = cell(column)
            if not text or text.casefold() in SUPPRESSED:
                comparators[column] = None
                continue
            comparators[column] = number_of(text)
            if comparators[column] is None:
                row_errors.append(
                    f"{column.replace('neighbours', 'statistical neighbours')} “{text[:20]}” is not a number"
                )
        if indicator is not None:
            checks = [(value, "value")] + [(comparators[c], c) for c in comparators]
            row_errors += [
                problem
                for number_value, what in checks
                if number_value is not None and (problem := _check_value(indicator, number_value, what))
            ]
        if (
            not row_errors
            and authority_id is not None
            and indicator is not None
            and period
            and value is not None
        ):
            key = (authority_id, indicator.key, period)
            if key in seen:
                row_errors.append(f"the same authority, indicator and period as row {seen[key]}")
            else:
                seen[key] = number
                result.rows.append(PackRow(authority_id, indicator.key, period, value, **comparators))
        if row_errors:
            message = "; ".join(row_errors)
            result.errors.append((number, message[0].upper() + message[1:] + "."))
    return result
