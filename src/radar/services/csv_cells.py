"""Spreadsheet-safe CSV cells: OWASP's rule against formula (CSV) injection, applied by every
CSV the service writes and undone by the CSV import, so that an export still re-imports
losslessly."""

import re
from collections.abc import Mapping
from typing import Any

# A cell a spreadsheet would run as a formula starts with one of these (OWASP: = + - @, tab,
# carriage return). Leading single quotes are part of the pattern, so that a text that already
# starts with quotes before such a character gets one more and reads back unchanged.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def safe_cell(value: Any) -> Any:
    """The cell to write for `value`: text that a spreadsheet would read as a formula gets a
    leading single quote, which spreadsheets show as text and do not display.

    Only text is neutralised. Numbers (int and float: the exporters' numeric columns, such as
    `lat`, `lon` and match scores, reach the writer as numbers) are written as they are, so
    that -7.5 stays a number a spreadsheet can compute with: a number cannot hold a formula.
    Text that merely looks like a negative number ("-7") came from a person and is quoted."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def plain_cell(text: str) -> str:
    """The text of a cell that `safe_cell` may have quoted: the quote added before a formula
    character is taken off again (and nothing else)."""
    if text.startswith("'") and _FORMULA.match(text):
        return text[1:]
    return text


def csv_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row ready for `csv.DictWriter.writerow`: lists joined by `;` (the import's list
    separator), then every cell made safe."""
    return {
        key: safe_cell(";".join(map(str, value)) if isinstance(value, list) else value)
        for key, value in row.items()
    }
