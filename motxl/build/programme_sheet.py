"""Lay out a programme sheet with XlsxWriter: header, planning columns, heading rows, rules.

Reusable for any programme rows (the workbook build, tests, benchmarks): give the rows, sheet
row 1 first, laid out as the header says (``Axe``, the label column, then the planning columns
in ``HEADER_TEXT`` order). Values are written with ``motxl.workbooks.writing.write_cell`` (text
always as text); motxl's own parser tells heading rows (axes, objectives, sub-objectives) from
actions, so the styling follows exactly what Validate and the roll-up will read.

Applied: a look per row kind and a number format per column, data validation (lists for
Financement and Statut, dates of the programme's year for Échéance, decimals ≥ 0 for days and
euros) down to ``VALIDATION_LAST_ROW`` so that lines added later are checked too, frozen header,
readable widths, A4 landscape print set-up with the header repeated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Sequence

from motxl.core import codes
from motxl.core.grid import Grid, column_index
from motxl.core.headers import HEADER_TEXT
from motxl.core.model import FUNDINGS, STATUSES, Programme
from motxl.core.parse import parse_programme
from motxl.presentation.spec import (BLUE, DATE, DAYS, EURO, GREY, LIGHT, NAVY, page_header,
                                    situation_label)
from motxl.workbooks.writing import write_cell

#: Field order of the columns, as the build writes them.
FIELD_ORDER = tuple(HEADER_TEXT)
#: Column widths (characters) by field.
WIDTHS = {"code": 7, "label": 92, "person": 18, "funding": 14, "days_planned": 10,
          "budget_planned": 13, "days_actual": 10, "spent_actual": 14, "status": 12,
          "deadline": 12, "comment": 48}
#: The code column is Text ("@"), so that a code typed in Excel stays text (1.10 never 1.1).
NUMBER_FORMATS = {"code": "@", "days_planned": DAYS, "days_actual": DAYS, "budget_planned": EURO,
                  "spent_actual": EURO, "deadline": DATE}
WRAPPED = ("label", "comment")
#: Data validation reaches this sheet row, so that actions added below are checked as well.
VALIDATION_LAST_ROW = 2000
#: Look of each kind of row (XlsxWriter format properties).
ROW_LOOKS: dict[str, dict[str, Any]] = {
    "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": "#" + BLUE, "pattern": 1,
               "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1},
    "axis": {"bold": True, "font_color": "#FFFFFF", "bg_color": "#" + NAVY, "pattern": 1,
             "valign": "top"},
    "objective": {"bold": True, "font_color": "#" + NAVY, "bg_color": "#" + LIGHT,
                  "pattern": 1, "valign": "top"},
    "sub_objective": {"bold": True, "italic": True, "font_color": "#" + NAVY,
                      "bg_color": "#" + GREY, "pattern": 1, "valign": "top"},
    "action": {"valign": "top"},
    "note": {"bold": True, "italic": True, "font_color": "#9C0006", "bg_color": "#FFEB9C",
             "pattern": 1, "valign": "vcenter"},
}
LEVEL_LOOK = {1: "axis", 2: "objective", 3: "sub_objective"}
LINE_HEIGHT = 15.0  # points, Calibri 11


def wrapped_lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide (estimate).

    XlsxWriter cannot measure text and LibreOffice keeps the stored heights of wrapped rows, so
    rows that need more than one line get an explicit height from this estimate.
    """
    upper = sum(1 for ch in text if ch.isupper()) / max(len(text), 1)
    per_line = width * (1.25 - 0.25 * upper - (0.05 if bold else 0.0))
    lines, used = 1, 0
    for word in text.split():
        size = len(word) + (1 if used else 0)
        if used + size > per_line and used:
            lines += 1
            used = len(word)
        else:
            used += size
    return lines


@dataclass
class ProgrammeLayout:
    """Where things landed (1-based sheet rows, 0-based columns)."""

    programme: Programme
    header_row: int
    columns: dict[str, int]
    last_row: int
    row_looks: dict[int, str] = field(default_factory=dict)


class _Formats:
    """One XlsxWriter Format per (row look, column field), made on first use."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.cache: dict[tuple[str, str | None], Any] = {}

    def get(self, look: str, field_name: str | None):
        key = (look, field_name)
        if key not in self.cache:
            props = dict(ROW_LOOKS[look])
            if look != "header" and field_name in NUMBER_FORMATS:
                props["num_format"] = NUMBER_FORMATS[field_name]
            if look != "header" and field_name in WRAPPED:
                props["text_wrap"] = True
            self.cache[key] = self.workbook.add_format(props)
        return self.cache[key]


def row_looks(programme: Programme) -> dict[int, str]:
    """Sheet row → look ('axis', 'objective', 'sub_objective', 'action'); blank rows absent."""
    looks: dict[int, str] = {}
    for source in programme.rows:
        if source.kind == "heading" and source.code:
            looks[source.row] = LEVEL_LOOK[codes.level(source.code)]
        elif source.kind in ("action", "unplaced"):
            looks[source.row] = "action"
    return looks


def write_programme_sheet(workbook, worksheet, rows: Sequence[Sequence[Any]], *,
                          sheet_name: str = "Programme", note: str | None = None,
                          note_row: int | None = None) -> ProgrammeLayout:
    """Write ``rows`` (sheet row 1 first) on ``worksheet`` with the programme layout.

    ``note`` is written in ``note_row`` (1-based, above the header) across the used columns.
    Raises MotxlError (from the parser) when the rows have no programme header.
    """
    programme = parse_programme(Grid(sheet_name, [list(r) for r in rows]))
    header_row = programme.header_row
    columns = {name: column_index(letter) - 1 for name, letter in programme.columns.items()}
    width = max(max(columns.values()) + 1, max((len(r) for r in rows), default=0))
    looks = row_looks(programme)
    formats = _Formats(workbook)
    field_at = {col: name for name, col in columns.items()}

    # Column defaults: widths, and the number formats that rows added later will get.
    for col in range(width):
        name = field_at.get(col)
        column_format = None
        if name in NUMBER_FORMATS or name in WRAPPED:
            props: dict[str, Any] = {"valign": "top"}
            if name in NUMBER_FORMATS:
                props["num_format"] = NUMBER_FORMATS[name]
            if name in WRAPPED:
                props["text_wrap"] = True
            column_format = workbook.add_format(props)
        worksheet.set_column(col, col, WIDTHS.get(name, 14), column_format)

    for index, values in enumerate(rows):
        row = index + 1
        if row == header_row:
            look = "header"
        else:
            look = looks.get(row)
        lines = 1
        for col in range(width):
            value = values[col] if col < len(values) else None
            fmt = formats.get(look, field_at.get(col)) if look else None
            write_cell(worksheet, index, col, value, fmt)
            if look and look != "header" and field_at.get(col) in WRAPPED and value:
                lines = max(lines, wrapped_lines(str(value), WIDTHS[field_at[col]],
                                                 bold=look != "action"))
        if lines > 1:
            worksheet.set_row(index, LINE_HEIGHT * lines)
    worksheet.set_row(header_row - 1, 32)

    if note and note_row:
        worksheet.merge_range(note_row - 1, 0, note_row - 1, width - 1, note,
                              formats.get("note", None))
        worksheet.set_row(note_row - 1, 22)

    _validations(worksheet, columns, header_row, programme.year)
    worksheet.freeze_panes(header_row, 0)
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)
    worksheet.repeat_rows(header_row - 1)
    worksheet.set_footer("&CPage &P / &N")
    worksheet.set_header(page_header(situation_label(programme.year)))
    return ProgrammeLayout(programme, header_row, columns, len(rows), looks)


def _validations(worksheet, columns: dict[str, int], header_row: int, year: int | None) -> None:
    first, last = header_row, VALIDATION_LAST_ROW - 1  # 0-based rows below the header

    def add(name: str, options: dict[str, Any]) -> None:
        if name in columns:
            col = columns[name]
            worksheet.data_validation(first, col, last, col, options)

    def choices(names: Sequence[str]) -> str:
        return ", ".join(names[:-1]) + " ou " + names[-1]

    add("funding", {"validate": "list", "source": list(FUNDINGS),
                    "input_title": "Financement", "input_message": choices(FUNDINGS) + ".",
                    "error_title": "Financement inconnu",
                    "error_message": f"Choisissez {choices(FUNDINGS)}."})
    add("status", {"validate": "list", "source": list(STATUSES),
                   "input_title": "Statut", "input_message": choices(STATUSES) + ".",
                   "error_title": "Statut inconnu",
                   "error_message": f"Choisissez {choices(STATUSES)}."})
    if year:
        add("deadline", {"validate": "date", "criteria": "between",
                         "minimum": dt.date(year, 1, 1), "maximum": dt.date(year, 12, 31),
                         "input_title": "Échéance",
                         "input_message": f"Une date de {year} (jj/mm/aaaa).",
                         "error_title": "Échéance invalide",
                         "error_message": f"Saisissez une date de l'année {year} "
                                          "(jj/mm/aaaa)."})
    for name in ("days_planned", "days_actual", "budget_planned", "spent_actual"):
        unit = "de jours" if name.startswith("days") else "d'euros"
        add(name, {"validate": "decimal", "criteria": ">=", "value": 0,
                   "input_title": HEADER_TEXT[name][:32],
                   "input_message": f"Un nombre {unit} positif ou nul, sans unité.",
                   "error_title": "Montant invalide",
                   "error_message": f"Saisissez un nombre {unit} positif ou nul "
                                    "(sans espace, unité ni texte)."})

