"""Checks of the sheet as a whole: its columns, its year, whether it has any action, and the
spellings of its people."""

from __future__ import annotations

from typing import Iterator

from motxl.core.findings import Finding, make_finding
from motxl.core.grid import column_index
from motxl.core.headers import HEADER_TEXT
from motxl.core.model import Programme

#: Cells listed per spelling in a person-spelling message.
_CELLS_SHOWN = 5


def _split(cell: str) -> tuple[str, int]:
    letters = cell.rstrip("0123456789")
    return letters, int(cell[len(letters):])


def check_columns(p: Programme) -> Iterator[Finding]:
    """column-duplicate (the first column is read) and column-ignored."""
    for name, cells in p.duplicate_columns.items():
        column, row = _split(cells[1])
        yield make_finding("column-duplicate", p.sheet, column, row, cells=", ".join(cells),
                           column_name=HEADER_TEXT[name], first=cells[0])
    for cell, (text, name) in sorted(p.ignored_columns.items(),
                                     key=lambda item: column_index(_split(item[0])[0])):
        column, row = _split(cell)
        yield make_finding("column-ignored", p.sheet, column, row,
                           text=" ".join(text.split())[:60], column_name=HEADER_TEXT[name])


def check_year(p: Programme) -> Iterator[Finding]:
    if p.year is None:
        label = p.columns["label"]
        yield make_finding("year-unknown", p.sheet, label, p.header_row,
                           label=" ".join(p.label_header.split())[:60])


def check_empty(p: Programme) -> Iterator[Finding]:
    if p.action_rows:
        return
    what = "seulement des rubriques" if p.headings else "seulement l'en-tête"
    yield make_finding("programme-empty", p.sheet, p.columns["code"], p.header_row, what=what)


def check_person_spellings(p: Programme) -> Iterator[Finding]:
    if "person" not in p.columns:
        return
    col = p.columns["person"]
    for variants in p.person_variants.values():  # found by the parser, which merges them
        shown = max(variants, key=lambda v: (len(variants[v]), -min(variants[v])))
        others = [v for v in variants if v != shown]
        first = min(row for v in others for row in variants[v])
        listed = " ; ".join(f"« {v} » ({_cells(col, rows)})" for v, rows in variants.items())
        yield make_finding("person-spelling", p.sheet, col, first, name=shown, variants=listed)


def _cells(col: str, rows: list[int]) -> str:
    cells = ", ".join(f"{col}{r}" for r in rows[:_CELLS_SHOWN])
    return cells + (f" et {len(rows) - _CELLS_SHOWN} autres" if len(rows) > _CELLS_SHOWN else "")


CHECKS = (check_columns, check_year, check_empty, check_person_spellings)
