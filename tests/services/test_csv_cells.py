"""Spreadsheet-safe CSV cells: OWASP's rule against formula injection, and its undoing on import."""

import pytest

from radar.services.csv_cells import csv_row, plain_cell, safe_cell

FORMULAS = [
    '=HYPERLINK("https://evil.example","Klick")',
    "+49 2761 1234",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-7",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-7.5, -7, 0, 51.2197, None, "Acme", "", "3-D Druck", "a=b"])
def test_numbers_and_harmless_text_are_written_as_they_are(value: object) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    "text",
    [*FORMULAS, "'=quoted already", "''@twice", "'s-Hertogenbosch", "'", "plain", "", "-"],
)
def test_the_import_reads_back_exactly_what_was_written(text: str) -> None:
    assert plain_cell(safe_cell(text)) == text


def test_a_hand_written_quote_before_a_formula_character_reads_as_a_spreadsheet_shows_it() -> None:
    assert plain_cell("'=1+1") == "=1+1"
    assert plain_cell("'s-Hertogenbosch") == "'s-Hertogenbosch"


def test_a_row_joins_lists_and_makes_each_cell_safe() -> None:
    row = {"name": "=1+1", "tags": ["-a", "b"], "lat": -33.9, "topics": []}

    assert csv_row(row) == {"name": "'=1+1", "tags": "'-a;b", "lat": -33.9, "topics": ""}
