"""The history of situations: at each refresh, the figures per axis and in total, kept in the
workbook's *Historique* sheet so that directors see how spending moved over the year.

The sheet is the user's data: motxl rewrites it as a whole at each refresh from the rows it
read (each written back exactly as read, even when it cannot make sense of it) plus the rows of
the new situation; the rows of an earlier refresh *for the same situation date* are the only
ones replaced. A row that cannot be read (a date that is not a date, text in a number column)
or rows out of date order give a finding, never an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Sequence

from motxl.core.findings import Finding, make_finding
from motxl.core.grid import column_letter
from motxl.core.rollup import Figures, Rollup
from motxl.core.text import fold

HISTORIQUE = "Historique"
HEADER = ["Date de situation", "Actualisé le", "Axe", "Libellé", "Actions", "Jours prévus",
          "Jours réalisés", "Budget prévu (€)", "Dépensé (€)"]
FIGURES = ("actions", "days_planned", "days_actual", "budget_planned", "spent_actual")
FIRST_FIGURE = 4  # column index of "Actions"
TOTAL = "Total"
HEADER_SEARCH_ROWS = 20


def situation_date(now: dt.datetime) -> dt.date:
    """The date a refresh records its situation under: today's, until the situation date of
    ``motxl.core.situation`` (``--as-of``, the DateSituation cell) is wired in here."""
    return now.date()


@dataclass
class HistoryRow:
    """One readable row: a situation date, an axis code (or "Total") and its figures."""

    date: dt.date
    refreshed: dt.datetime | None
    axis: str
    label: str
    figures: dict[str, float]


@dataclass
class Entry:
    """A non-empty row of the sheet as read, with its meaning when it has one."""

    row: int  # 1-based sheet row
    values: list[Any]
    parsed: HistoryRow | None


@dataclass
class History:
    entries: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    found: bool = False  # the sheet exists
    extra_header: list[Any] = field(default_factory=list)  # the user's columns after ours

    def situations(self) -> list[tuple[dt.date, dict[str, float]]]:
        """(date, total figures) per situation date, in date order (the last Total row of a
        date wins when a user copied one)."""
        totals: dict[dt.date, dict[str, float]] = {}
        for entry in self.entries:
            if entry.parsed is not None and entry.parsed.axis == TOTAL:
                totals[entry.parsed.date] = entry.parsed.figures
        return sorted(totals.items())


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _finding(rule: str, row: int, col: int, **params: Any) -> Finding:
    return make_finding(rule, HISTORIQUE, column_letter(col + 1), row, **params)


def parse_history(rows: Sequence[Sequence[Any]], first_row: int = 1,
                  found: bool = True) -> History:
    """Read the sheet's rows (``rows[0]`` is sheet row ``first_row``, columns from A)."""
    history = History(found=found)
    header_at = next((k for k, r in enumerate(rows[:HEADER_SEARCH_ROWS])
                      if r and isinstance(r[0], str) and fold(r[0]) == fold(HEADER[0])), None)
    start = header_at + 1 if header_at is not None else 0
    if header_at is not None:
        history.extra_header = list(rows[header_at][len(HEADER):])
    if header_at is None and any(any(v not in (None, "") for v in r) for r in rows):
        history.findings.append(_finding("history-value", first_row, 0, detail=(
            f"l'en-tête « {HEADER[0]} » est introuvable : les lignes sont conservées telles "
            "quelles mais ne sont plus lues. Rétablissez l'en-tête (ou supprimez la feuille "
            "pour repartir de zéro).")))
    previous: dt.date | None = None
    disorder_reported = False
    for k in range(start, len(rows)):
        values = list(rows[k])
        while values and values[-1] in (None, ""):
            values.pop()
        if not values:
            continue
        row = first_row + k
        entry = Entry(row, values, None)
        history.entries.append(entry)
        if header_at is None:
            continue
        cells = values + [None] * (len(HEADER) - len(values))
        date = _as_date(cells[0])
        if date is None:
            history.findings.append(_finding("history-value", row, 0, detail=(
                f"« {cells[0]} » n'est pas une date de situation : la ligne est conservée mais "
                "pas lue. Corrigez la date ou supprimez la ligne.")))
            continue
        figures: dict[str, float] = {}
        bad = None
        for offset, name in enumerate(FIGURES):
            value = cells[FIRST_FIGURE + offset]
            number = _as_number(value) if value not in (None, "") else 0.0
            if number is None:
                bad = (FIRST_FIGURE + offset, value)
                break
            figures[name] = number
        if bad is not None:
            history.findings.append(_finding("history-value", row, bad[0], detail=(
                f"« {HEADER[bad[0]]} » vaut « {bad[1]} », qui n'est pas un nombre : la ligne "
                "est conservée mais pas lue. Corrigez la valeur ou supprimez la ligne.")))
            continue
        refreshed = cells[1] if isinstance(cells[1], dt.datetime) else None
        axis = "" if cells[2] is None else str(cells[2]).strip()
        if isinstance(cells[2], float) and cells[2].is_integer():
            axis = str(int(cells[2]))
        entry.parsed = HistoryRow(date, refreshed, axis, "" if cells[3] is None
                                  else str(cells[3]), figures)
        if previous is not None and date < previous and not disorder_reported:
            history.findings.append(_finding("history-order", row, 0, date=f"{date:%d/%m/%Y}",
                                             previous=f"{previous:%d/%m/%Y}"))
            disorder_reported = True
        previous = max(previous, date) if previous else date
    return history


def situation_rows(rollup: Rollup, date: dt.date, refreshed: dt.datetime) -> list[list[Any]]:
    """The rows a refresh records: one per axis, then the total."""
    def row(axis: str, label: str, f: Figures) -> list[Any]:
        return [date, refreshed, axis, label, *(getattr(f, name) for name in FIGURES)]

    return [row(a.code, a.label, a) for a in rollup.axes] + \
        [row(TOTAL, "Programme", rollup.totals)]


@dataclass
class Merged:
    rows: list[list[Any]]  # the sheet's data rows, in order
    replaced: list[list[Any]]  # the old rows dropped (same situation date)
    history: History  # the merged history (for the chart)


def merge(history: History, new_rows: list[list[Any]], date: dt.date) -> Merged:
    """Old rows (except readable ones of ``date``) and ``new_rows``, in date order; rows that
    cannot be read stay, after the others, in their order."""
    kept: list[tuple[dt.date, int, list[Any]]] = []
    unread: list[list[Any]] = []
    replaced: list[list[Any]] = []
    merged = History(found=True, extra_header=list(history.extra_header))
    for k, entry in enumerate(history.entries):
        if entry.parsed is None:
            unread.append(entry.values)
        elif entry.parsed.date == date:
            replaced.append(entry.values)
        else:
            kept.append((entry.parsed.date, k, entry.values))
            merged.entries.append(entry)
    base = len(history.entries)
    kept += [(date, base + k, values) for k, values in enumerate(new_rows)]
    kept.sort(key=lambda item: (item[0], item[1]))
    for values in new_rows:
        merged.entries.append(Entry(0, values, HistoryRow(
            date, values[1], values[2], values[3],
            {name: float(values[FIRST_FIGURE + i]) for i, name in enumerate(FIGURES)})))
    return Merged([values for _, _, values in kept] + unread, replaced, merged)
