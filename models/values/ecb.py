"""The European Central Bank's reference-rate files, read: ``eurofxref.csv`` (one day) and
``eurofxref-hist.csv`` (every day since 1999), which a user downloads from the ECB.

Both give how many units of each currency one euro buys. The one-day file writes
``Date, USD, JPY, ..., ZAR,`` then ``05 December 2026, 1.0539, 158.17, ...,`` (a space
after each comma, the date in words); the history writes ``Date,USD,JPY,BGN,CYP,...,``
then ``2026-12-05,1.0539,158.17,1.9558,N/A,...,`` (ISO dates, ``N/A`` for a currency not
quoted that day, such as the Cypriot pound after 2007). Both end every line with a comma.
A zip as the ECB serves it (``eurofxref-hist.zip``) is read too. Read with the standard
library's csv module; any line that is not of this shape is refused with its number. Pure:
no database, no network.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from callsheet.models.values.validate import InputError

_CODE = re.compile(r"[A-Z]{3}")
#: the cells that mean "no rate that day"
_NOT_QUOTED = frozenset({"", "N/A"})


def _day(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def file_text(data: bytes, name: str = "file") -> str:
    """The CSV text of a downloaded file: the CSV itself, or the one CSV in the ECB's zip."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
                if len(names) != 1:
                    raise InputError(name, "a zip with exactly one .csv file in it was expected")
                data = archive.read(names[0])
        except (zipfile.BadZipFile, OSError) as error:
            raise InputError(name, f"not a readable zip ({error})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(name, "not text (UTF-8): not an ECB reference-rate CSV") from None


def parse(text: str, name: str = "file") -> dict[date, dict[str, str]]:
    """Per day, the rates quoted (currency -> units per euro, the digits as written).

    Raises InputError naming the line (``eurofxref.csv line 3: ...``) for a header that is
    not ``Date`` and currency codes, a date that is neither ISO nor "05 December 2026", a
    cell that is not a number above 0 or ``N/A``, a line with more cells than the header,
    a day given twice, or a file with no day at all.
    """
    rows = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    days: dict[date, dict[str, str]] = {}
    for number, row in enumerate(rows, 1):
        where = f"{name} line {number}"
        cells = [cell.strip() for cell in row]
        while cells and cells[-1] == "":
            cells.pop()  # every line ends with a comma
        if not cells:
            continue
        if header is None:
            if cells[0] != "Date":
                raise InputError(
                    where, "not an ECB reference-rate file (the first line starts with Date)"
                )
            for code in cells[1:]:
                if not _CODE.fullmatch(code):
                    raise InputError(where, f"{code!r} is not a three-letter currency code")
            if len(cells) < 2:
                raise InputError(where, "no currency named after Date")
            header = cells
            continue
        day = _day(cells[0])
        if day is None:
            raise InputError(where, f"{cells[0]!r} is not a date (2026-12-05 or 05 December 2026)")
        if len(cells) > len(header):
            raise InputError(where, f"{len(cells) - 1} rates for {len(header) - 1} currencies")
        if day in days:
            raise InputError(where, f"{day.isoformat()} is given twice")
        quoted: dict[str, str] = {}
        for code, cell in zip(header[1:], cells[1:], strict=False):
            if cell in _NOT_QUOTED:
                continue
            try:
                value = Decimal(cell)
            except InvalidOperation:
                value = Decimal(0)
            if not value.is_finite() or value <= 0:
                raise InputError(where, f"{code} {cell!r} is not a rate (a number above 0 or N/A)")
            quoted[code] = cell
        days[day] = quoted
    if header is None or not days:
        raise InputError(name, "no rates in it: not an ECB reference-rate file")
    return days
