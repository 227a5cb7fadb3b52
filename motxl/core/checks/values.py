"""Checks of the planning cells: amounts, status, funding, deadline, Excel errors."""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import Any, Iterator

from motxl.core.findings import Finding, make_finding
from motxl.core.grid import CellError, Uncomputed
from motxl.core.headers import HEADER_TEXT
from motxl.core.model import AMOUNT_FIELDS, FUNDINGS, STATUSES, Programme
from motxl.core.parse import MAX_AMOUNT, amounts, canonical_funding, canonical_status

_OVERSPENT_PAIRS = (("days_actual", "days_planned"), ("spent_actual", "budget_planned"))


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if (value.__class__ is float or value.__class__ is int) and len(text := str(value)) <= 60:
        return text  # a number has no spaces to fold
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "…"


def _choices(names: tuple[str, ...]) -> str:
    quoted = [f"« {n} »" for n in names]
    return ", ".join(quoted[:-1]) + " ou " + quoted[-1]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_amounts(p: Programme) -> Iterator[Finding]:
    """amount-on-heading and amount-invalid."""
    for name in AMOUNT_FIELDS:
        if name not in p.field_index:
            continue
        at, col = p.field_index[name], p.columns[name]
        # the rows that may deserve a finding, in one comprehension: the common cell, empty or
        # a number within range on an action row, is passed over
        odd = [source for source in p.rows if (value := source.values[at]) is not None
               and not ((value.__class__ is float or value.__class__ is int)
                        and source.kind == "action" and 0 <= value <= MAX_AMOUNT)]
        for source in odd:
            value = source.values[at]
            if isinstance(value, CellError):
                continue
            if source.kind == "heading":
                yield make_finding("amount-on-heading", p.sheet, col, source.row,
                                   code=source.code, column_name=HEADER_TEXT[name],
                                   value=_shown(value))
            elif not _is_number(value):
                yield make_finding("amount-invalid", p.sheet, col, source.row,
                                   column_name=HEADER_TEXT[name], value=_shown(value),
                                   reason="ce n'est pas un nombre ; saisissez un nombre "
                                          "(sans espace, unité ni texte).")
            elif value < 0:
                yield make_finding("amount-invalid", p.sheet, col, source.row,
                                   column_name=HEADER_TEXT[name], value=_shown(value),
                                   reason="un montant ne peut pas être négatif.")
            elif not value <= MAX_AMOUNT:
                yield make_finding("amount-invalid", p.sheet, col, source.row,
                                   column_name=HEADER_TEXT[name], value=_shown(value),
                                   reason="valeur démesurée (plus de mille milliards) : "
                                          "vérifiez la saisie.")


def check_choices(p: Programme) -> Iterator[Finding]:
    """status-unknown and funding-unknown."""
    for name, rule, canonical, names in (
            ("status", "status-unknown", canonical_status, STATUSES),
            ("funding", "funding-unknown", canonical_funding, FUNDINGS)):
        if name not in p.columns:
            continue
        at = p.field_index[name]
        # the unknown values, in one comprehension (the canonical forms are cached)
        odd = [source for source in p.rows
               if (value := source.values[at]) is not None and canonical(value) is None]
        for source in odd:
            value = source.values[at]
            if not isinstance(value, CellError) and source.kind != "blank":
                yield make_finding(rule, p.sheet, p.columns[name], source.row,
                                   value=_shown(value), choices=_choices(names))


#: Fields whose unknown value changes a figure: a formula without result there is an error.
_FIGURE_FIELDS = frozenset({*AMOUNT_FIELDS, "status", "deadline", "code", "funding"})


def check_cell_errors(p: Programme) -> Iterator[Finding]:
    """cell-error, and formula-no-result(-text) for formulas saved without their result."""
    field_of_column = {letter: name for name, letter in p.columns.items()}
    for source in p.rows:
        if not source.errors:
            continue
        for column, value in source.errors.items():
            if not isinstance(value, Uncomputed):
                yield make_finding("cell-error", p.sheet, column, source.row, value=value)
                continue
            name = field_of_column.get(column)
            rule = "formula-no-result" if name in _FIGURE_FIELDS else "formula-no-result-text"
            shown = HEADER_TEXT[name] if name else f"Colonne {column}"
            yield make_finding(rule, p.sheet, column, source.row, column_name=shown,
                               formula=_shown(value))


def check_overspent(p: Programme) -> Iterator[Finding]:
    """overspent: days or money spent beyond the plan, on the actions' amounts as the parser
    reads them (an empty plan counts as 0)."""
    rows = [source.row for source in p.action_rows]
    cells = [source.values for source in p.action_rows]

    def read(field: str) -> list[float | None]:
        at = p.field_index.get(field)
        return amounts(map(itemgetter(at), cells)) if at is not None else [None] * len(rows)

    over = []
    for pair, (actual_name, planned_name) in enumerate(_OVERSPENT_PAIRS):
        # the rows over plan, in one comprehension a pair
        over += [(row, pair, actual, planned or 0.0) for row, actual, planned
                 in zip(rows, read(actual_name), read(planned_name))
                 if actual is not None and actual > (planned or 0.0)]
    for row, pair, actual, planned in sorted(over):
        actual_name = _OVERSPENT_PAIRS[pair][0]
        yield make_finding("overspent", p.sheet, p.columns[actual_name], row,
                           column_name=HEADER_TEXT[actual_name], actual=_shown(actual),
                           planned=_shown(planned))


def check_deadlines(p: Programme) -> Iterator[Finding]:
    if "deadline" not in p.columns:
        return
    col, at, year = p.columns["deadline"], p.field_index["deadline"], p.year
    # the actions whose deadline may deserve a finding, in one comprehension: the common one,
    # a date of the programme's year, is passed over
    odd = [source for source in p.action_rows if (value := source.values[at]) is not None
           and not (value.__class__ is dt.date and (year is None or value.year == year))]
    for source in odd:
        value = source.values[at]
        if isinstance(value, CellError):
            continue
        if not isinstance(value, dt.date):
            yield make_finding("deadline-invalid", p.sheet, col, source.row, value=_shown(value),
                               reason="n'est pas une date : saisissez une date (jj/mm/aaaa).")
        elif p.year is not None and value.year != p.year:
            yield make_finding("deadline-invalid", p.sheet, col, source.row,
                               value=value.strftime("%d/%m/%Y"),
                               reason=f"est hors de l'année du programme ({p.year}).")


CHECKS = (check_amounts, check_choices, check_cell_errors, check_overspent, check_deadlines)
