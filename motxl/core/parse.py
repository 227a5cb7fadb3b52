"""Grid → Programme: the header, the hierarchy, the planning fields and tags of every action."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache, partial
from itertools import repeat
from operator import attrgetter, itemgetter
from pathlib import PurePath
from typing import Any, Iterable, Iterator

from motxl.core import codes
from motxl.core.grid import CellError, Grid, Uncomputed, column_letter
from motxl.core.headers import find_header
from motxl.core.model import (FUNDINGS, STATUSES, Action, Heading, Programme,
                              SourceRow)
from motxl.core.text import (border_tags, fold, institution_tags, is_pending_label,
                             person_key, strip_markup)

_FOLDED_STATUSES = {fold(s): s for s in STATUSES}
_FOLDED_FUNDINGS = {fold(f): f for f in FUNDINGS}
_AXIS_TAGS = {"[SOCLE]": "Socle", "[SUR-MESURE]": "Sur-mesure"}
_ERROR_TYPES = frozenset({CellError, Uncomputed})
_VALUES = attrgetter("values")
#: Builds a NamedTuple record from all its values in one C call, without the generated
#: ``__new__``'s argument matching: the parser makes two records a row. The values must come
#: in the record's field order (tests/core/test_parse_fields.py).
_new = tuple.__new__
_ACTION_FIELDS = ("person", "funding", "status", "deadline", "comment", "days_planned",
                  "days_actual", "budget_planned", "spent_actual")
_YEAR = re.compile(r"(?<![0-9])(20\d\d)(?![0-9])")


@lru_cache(maxsize=4096)  # a handful of values, met on every row (the cache is C code)
def canonical_status(value: Any) -> str | None:
    return _FOLDED_STATUSES.get(fold(value)) if isinstance(value, str) else None


@lru_cache(maxsize=4096)
def canonical_funding(value: Any) -> str | None:
    return _FOLDED_FUNDINGS.get(fold(value)) if isinstance(value, str) else None


def axis_funding(label: str) -> str | None:
    upper = label.upper().lstrip()
    for tag, funding in _AXIS_TAGS.items():
        if upper.startswith(tag):
            return funding
    return None


#: Above this, an amount is a typing error (a trillion euros or days), and sums of such values
#: could overflow to infinity: it is reported (amount-invalid) and not counted.
MAX_AMOUNT = 1e12


def amount(value: Any) -> float | None:
    """A usable amount, or None (empty, text, error, negative or not finite: the checks say
    which; file readers turn NaN and infinities into #NUM!)."""
    kind = value.__class__
    if kind is not float and kind is not int:  # the exact types first: one test a cell
        if kind is bool or not isinstance(value, (int, float)):
            return None
    value = float(value)
    return value if 0 <= value <= MAX_AMOUNT else None


def as_text(value: Any) -> str | None:
    if value.__class__ is str:  # the common case, first (a CellError is a str subclass)
        return value.strip() or None
    if value is None or isinstance(value, CellError):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def programme_year(grid: Grid, title_cells: dict[tuple[int, int], Any], label_header: str,
                   year: int | None = None) -> tuple[int | None, str]:
    """(year, where it was read): the option, else the label header (PROGRAMME 2023), else a
    title row above the header, else the sheet name, else the file name."""
    if year is not None:
        return year, "option"
    match = _YEAR.search(label_header)
    if match:
        return int(match.group(1)), "header"
    for value in title_cells.values():  # row by row, left to right
        match = _YEAR.search(value) if isinstance(value, str) else None
        if match:
            return int(match.group(1)), "title"
    for text, where in ((grid.sheet, "sheet"), (PurePath(grid.source).name, "file")):
        match = _YEAR.search(text.replace("_", " ")) if text else None
        if match:
            return int(match.group(1)), where
    return None, "none"


def parse_programme(grid: Grid, *, year: int | None = None) -> Programme:
    """Parse a sheet's grid. Raises MotxlError when the sheet has no programme header.
    ``year`` (the --year option) overrides the year read from the sheet."""
    header = find_header(grid)
    columns = header.columns
    title_cells = _title_cells(grid, header.row)
    programme_year_, year_source = programme_year(grid, title_cells, header.texts["label"],
                                                  year)
    first_data = header.row + 1
    offset = first_data - grid.first_row
    data_rows = grid.rows[offset:] if offset >= 0 else []
    end = len(data_rows)
    while end and data_rows[end - 1].count(None) == len(data_rows[end - 1]):
        end -= 1
    if end < len(data_rows):
        data_rows = data_rows[:end]
    last_col = max(grid.first_col + grid.width - 1, max(columns.values()))

    # Every field's column is within the grid: the header row was found in it.
    names = tuple(columns)
    offsets = [columns[name] - grid.first_col for name in names]
    width = max(offsets) + 1
    pick = itemgetter(*offsets)  # a row's cells of the programme's fields, in one C call
    field_index = {name: i for i, name in enumerate(names)}
    code_at, label_at = field_index["code"], field_index["label"]
    # Two passes: the rows are classified one by one (a heading is the first row of its code,
    # so the order matters), then the actions' fields are read a column at a time.
    headings: dict[str, Heading] = {}
    source_rows: list[SourceRow] = []
    last_heading: str | None = None
    # Excel errors are rare: rows are looked at for them unless the reader says there are none
    maybe_errors = grid.has_errors is not False
    read_code = codes.read_code

    for index, values in enumerate(data_rows):
        row = first_data + index
        if len(values) < width:
            values = values + [None] * (width - len(values))
        cells = pick(values)
        if values.count(None) == len(values):
            source_rows.append(_new(SourceRow, (row, "blank", cells, None, None)))
            continue
        errors = None
        if maybe_errors and not _ERROR_TYPES.isdisjoint(map(type, values)):
            errors = {column_letter(grid.first_col + c): v
                      for c, v in enumerate(values) if isinstance(v, CellError)}
        reading = read_code(cells[code_at])
        code = reading.code
        if code is None:
            source_rows.append(_new(SourceRow, (row, "unplaced", cells, None, errors)))
            continue
        if code not in headings:
            label = label_text(cells[label_at])
            heading = Heading(code=code, level=codes.level(code), label=label, row=row,
                              funding=axis_funding(label) if codes.level(code) == 1 else None)
            headings[code] = heading
            source_rows.append(_new(SourceRow, (row, "heading", cells, code, errors)))
            last_heading = code
            continue
        if reading.numeric and not (last_heading and codes.is_within(last_heading, code)):
            # A number may have lost its final zero (1.10 → 1.1): neither heading nor action.
            source_rows.append(_new(SourceRow, (row, "unplaced", cells, code, errors)))
            continue
        source_rows.append(_new(SourceRow, (row, "action", cells, code, errors)))

    # People now (Validate reports their spellings), the actions when first read (Validate
    # reads none: Programme.actions)
    actions = [source for source in source_rows if source.kind == "action"]
    person_at = field_index.get("person")
    persons: list[str | None] = (
        list(map(_cell_text, map(itemgetter(person_at), map(_VALUES, actions))))
        if person_at is not None else [None] * len(actions))
    persons, person_variants = _merge_person_spellings([a.row for a in actions], persons)
    build_actions = partial(_actions, actions, persons,
                            [field_index.get(name) for name in ("label", *_ACTION_FIELDS)],
                            headings)
    return Programme(
        source=grid.source, sheet=grid.sheet, header_row=header.row,
        columns={name: column_letter(col) for name, col in columns.items()},
        year=programme_year_, year_source=year_source, label_header=header.texts["label"],
        duplicate_columns=header.duplicates, ignored_columns=header.near,
        last_row=first_data + len(data_rows) - 1, last_column=column_letter(last_col),
        headings=list(headings.values()), build_actions=build_actions, rows=source_rows,
        field_index=field_index, person_variants=person_variants,
        title_cells=title_cells, action_rows=actions,
    )


def _title_cells(grid: Grid, header_row: int) -> dict[tuple[int, int], Any]:
    """The filled cells above the header: the title area (its year, its situation date)."""
    return {(grid.first_row + r, grid.first_col + c): value
            for r in range(max(0, min(header_row - grid.first_row, len(grid.rows))))
            for c, value in enumerate(grid.rows[r]) if value is not None}


def label_text(value: Any) -> str:
    """A heading's or an action's label, as the parser reads its cell: text without the
    spaces around it nor markup, '' when empty (the duplicate-action check reads it so)."""
    label = value.strip() if value.__class__ is str else as_text(value) or ""
    return strip_markup(label) if "<" in label else label


def _merge_person_spellings(rows: list[int], persons: list[str | None]
                            ) -> tuple[list[str | None], dict[str, dict[str, list[int]]]]:
    """Spellings of one person (case, accents, spaces) become the most frequent one (the first
    met on a tie), and the variants of each such person with their rows, for Validate
    (person-spelling). ``persons`` are the actions' people, on ``rows``."""
    names = set(persons)
    names.discard(None)
    if len({person_key(name) for name in names}) == len(names):
        return persons, {}  # each person written one way, the common case: no row to walk
    spellings_of: dict[str, dict[str, list[int]]] = {}
    for row, person in zip(rows, persons):
        if person is not None:
            spellings_of.setdefault(person_key(person), {}).setdefault(person, []).append(row)
    variants = {key: spellings for key, spellings in spellings_of.items() if len(spellings) > 1}
    if not variants:
        return persons, {}
    # the most frequent spelling; on a tie the first met (dicts keep the order of rows)
    shown = {key: max(spellings, key=lambda name: len(spellings[name]))
             for key, spellings in variants.items()}
    return [shown.get(person_key(person), person) if person is not None else None
            for person in persons], variants


def _actions(sources: list[SourceRow], persons: list[str | None],
             positions: list[int | None], headings: dict[str, Heading]) -> list[Action]:
    """The actions of the source rows ``sources``, with their people (read already), built a
    field at a time over all their rows: C-level passes where the values repeat (codes,
    statuses, fundings, dates), one comprehension elsewhere. ``positions`` gives the place of
    the label and of each of _ACTION_FIELDS in a row's cells (None: no such column)."""
    if not sources:
        return []
    rows = [source.row for source in sources]
    codes_ = [source.code for source in sources]
    cells = list(map(_VALUES, sources))

    def column(at: int | None) -> Iterator[Any]:
        """A field's cells, one action after the other (None for a missing column)."""
        return map(itemgetter(at), cells) if at is not None else repeat(None, len(rows))

    label_cells, _, funding_cells, status_cells, deadlines, comments, *amount_cells = map(
        column, positions)
    labels = list(map(label_text, label_cells))
    axes, objectives, sub_objectives = zip(*map(_code_parts, codes_))
    statuses = list(map(canonical_status, status_cells))
    # Every field, in Action's order, each record made in one C call.
    return list(map(_make_action, zip(
        rows, codes_, axes, labels, objectives, sub_objectives, persons,
        _fundings(map(canonical_funding, funding_cells), labels, axes, rows, headings),
        statuses, map(_cell_date, deadlines), map(as_text, comments),
        *map(amounts, amount_cells),
        [border_tags(label) if "/" in label else [] for label in labels],
        [institution_tags(label) if "/" in label else [] for label in labels],
        [status == "En attente" or ("(" in label and is_pending_label(label))
         for status, label in zip(statuses, labels)])))


_make_action = partial(_new, Action)


@lru_cache(maxsize=8192)
def _code_parts(code: str) -> tuple[str, str | None, str | None]:
    """(axis, objective, sub-objective) of an action's code."""
    parts = code.split(".")
    return (parts[0], parts[0] + "." + parts[1] if len(parts) >= 2 else None,
            code if len(parts) == 3 else None)


def amounts(cells: Iterable[Any]) -> list[float | None]:
    """``amount`` of each cell; the common cell (a float in range, or empty) without a call."""
    return [value if value.__class__ is float and 0.0 <= value <= MAX_AMOUNT
            else None if value is None else amount(value) for value in cells]


def _fundings(named: Iterable[str | None], labels: list[str], axes: tuple[str, ...],
              rows: list[int], headings: dict[str, Heading]) -> list[str | None]:
    """Each action's funding: its cell's, else "Marché public" for a label that starts so,
    else the tag of its axis when the axis came before it."""
    axis_rows = {code: h.row for code, h in headings.items() if h.level == 1 and h.funding}
    axis_fundings = {code: headings[code].funding for code in axis_rows}
    return [funding if funding is not None
            # casefold never shortens; only M or m casefolds to m
            else "Marché public" if label[:1] in "mM"
            and label[:13].casefold().startswith("marché public")
            else axis_fundings[axis] if row > axis_rows.get(axis, row) else None
            for funding, label, axis, row in zip(named, labels, axes, rows)]


@lru_cache(maxsize=4096, typed=True)  # people and dates repeat (typed: 1, 1.0 and True differ)
def _cell_text(value: Any) -> str | None:
    return as_text(value)


@lru_cache(maxsize=4096, typed=True)
def _cell_date(value: Any) -> dt.date | None:
    return as_date(value)
