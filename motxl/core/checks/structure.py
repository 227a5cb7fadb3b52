"""Checks of the hierarchy: codes, their order, orphans, blank rows, duplicates."""

from __future__ import annotations

from typing import Iterator

from motxl.core import codes
from motxl.core.findings import Finding, make_finding
from motxl.core.grid import CellError
from motxl.core.model import LEVEL_NAMES, Programme
from motxl.core.parse import label_text
from motxl.core.text import collapse_spaces


def _code_column(p: Programme) -> str:
    return p.columns["code"]


def check_code_cells(p: Programme) -> Iterator[Finding]:
    """code-format, code-missing, code-trailing-dot, code-respelt and code-number, from the code
    cell of each row."""
    col = _code_column(p)
    code_at, label_at = p.field_index["code"], p.field_index["label"]
    numeric: list[tuple[int, str]] = []
    # the rows whose code cell may deserve a finding, in one comprehension: a well-typed code
    # (the common case, its verdict cached) is passed over
    odd = [source for source in p.rows
           if source.kind != "blank" and not codes.well_typed(source.values[code_at])]
    for source in odd:
        value = source.values[code_at]
        if isinstance(value, CellError):
            continue  # reported as cell-error
        reading = codes.read_code(value)
        if reading.invalid:
            yield make_finding("code-format", p.sheet, col, source.row, code=reading.text)
        elif reading.text is None:
            label = source.values[label_at]
            shown = collapse_spaces(str(label))[:80] if label is not None else "(sans libellé)"
            yield make_finding("code-missing", p.sheet, col, source.row, label=shown)
        elif reading.trailing_dot:
            yield make_finding("code-trailing-dot", p.sheet, col, source.row,
                               text=reading.text, code=reading.code)
        elif reading.respelt:
            yield make_finding("code-respelt", p.sheet, col, source.row,
                               text=reading.text, code=reading.code)
        if reading.numeric and reading.code is not None and "." in reading.code:
            numeric.append((source.row, reading.code))
    if numeric:
        row, code = numeric[0]
        yield make_finding("code-number", p.sheet, col, row, count=len(numeric), code=code,
                           letter=col)


def check_numeric_codes(p: Programme) -> Iterator[Finding]:
    """code-number-ambiguous: a numeric code met again away from its heading (the parser left
    the row out: 1.10 typed in a General cell is 1.1, and its row must not become an action)."""
    col = _code_column(p)
    last_heading = "(aucune rubrique)"
    for source in p.rows:
        if source.kind == "heading" and source.code is not None:
            last_heading = source.code
        elif source.kind == "unplaced" and source.code is not None:
            yield make_finding("code-number-ambiguous", p.sheet, col, source.row,
                               code=source.code, after=last_heading, letter=col)


def check_hierarchy(p: Programme) -> Iterator[Finding]:
    """code-orphan and code-order: headings must appear under their parent, in sequence."""
    col = _code_column(p)
    seen: set[str] = set()
    last_child: dict[str, int] = {}
    last_heading: str | None = None
    for source in p.rows:
        code = source.code
        if source.kind == "heading" and code is not None:
            parent = codes.parent(code)
            if parent is not None and parent not in seen:
                yield make_finding("code-orphan", p.sheet, col, source.row, code=code,
                                   parent=parent, parent_level=LEVEL_NAMES[codes.level(parent)])
            number = codes.last_part(code)
            previous = last_child.get(parent or "", 0)
            if number != previous + 1:
                before = f"{parent}.{previous}" if parent and previous else str(previous)
                if number <= previous:
                    detail = (f"La rubrique {code} vient après {before} : remettez les "
                              "rubriques dans l'ordre.")
                elif previous == 0:
                    detail = f"La rubrique {code} est la première de son niveau : elle devrait " \
                             f"être numérotée {parent + '.' if parent else ''}1."
                else:
                    missing = f"{parent}.{previous + 1}" if parent else str(previous + 1)
                    detail = f"La rubrique {code} suit {before} : il manque {missing}."
                yield make_finding("code-order", p.sheet, col, source.row, detail=detail)
            last_child[parent or ""] = max(previous, number)
            seen.add(code)
            last_heading = code
        elif source.kind == "action" and code is not None and code != last_heading:
            yield make_finding(
                "code-order", p.sheet, col, source.row,
                detail=(f"Cette action relève de {code} mais elle est placée sous la rubrique "
                        f"{last_heading} : déplacez-la sous {code} ou corrigez son code."))


def check_blank_rows(p: Programme) -> Iterator[Finding]:
    """One finding per run of consecutive blank rows, at its first row."""
    col = _code_column(p)
    runs: list[list[int]] = []
    for source in p.rows:
        if source.kind != "blank":
            continue
        if runs and runs[-1][1] == source.row - 1:
            runs[-1][1] = source.row
        else:
            runs.append([source.row, source.row])
    for first, last in runs:
        if first == last:
            what = "Ligne vide dans le programme"
        else:
            what = f"{last - first + 1} lignes vides dans le programme (lignes {first} à {last})"
        yield make_finding("blank-row", p.sheet, col, first, what=what)


def check_duplicates(p: Programme) -> Iterator[Finding]:
    col = p.columns["label"]
    label_at = p.field_index["label"]
    actions = p.action_rows
    labels = [label_text(source.values[label_at]) for source in actions]  # as the parser reads
    # the labels' keys in one comprehension (100,000 actions: a third faster than a loop); a
    # label (stripped already) with no doubled space and no white space but the plain space
    # (isprintable) needs no respacing
    keys = [(source.code, label.casefold() if label.isprintable() and "  " not in label
             else " ".join(label.split()).casefold())
            for source, label in zip(actions, labels)]
    # each key's first row, in one C call (rows reversed: the last write of a key wins)
    first = dict(zip(reversed(keys), reversed([source.row for source in actions])))
    if len(first) == len(keys):
        return  # no key met twice, the common case
    for source, label, key in zip(actions, labels, keys):
        if label and first[key] != source.row:
            yield make_finding("duplicate-action", p.sheet, col, source.row,
                               label=collapse_spaces(label)[:80], code=source.code,
                               first_row=first[key])


def check_axis_tags(p: Programme) -> Iterator[Finding]:
    col = p.columns["label"]
    for heading in p.headings:
        if heading.level == 1 and heading.funding is None and heading.label:
            yield make_finding("axis-tag", p.sheet, col, heading.row, code=heading.code)


CHECKS = (check_code_cells, check_numeric_codes, check_hierarchy, check_blank_rows, check_duplicates,
          check_axis_tags)
