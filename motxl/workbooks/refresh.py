"""``motxl refresh``: write the Synthèse, Suivi and Contrôles tabs into a workbook file.

The programme is read with python-calamine (``read_programme``), checked and rolled up; the tabs
are described by ``motxl.presentation.build_tabs``, drawn with the XlsxWriter adapter into a
temporary .xlsx and spliced into a copy of the workbook (``motxl.workbooks.splice``): every
other part of the file (programme sheet, VBA project, buttons, other sheets...) is copied byte
for byte. A tab that already exists keeps its place, VBA code name and buttons; a missing one
is added after the last sheet. The save (``saving.save_workbook_atomically`` with
``check_preserved``) still compares the result with the original before it replaces it.

A sheet is one of the tabs by ``presentation.names.find_tab`` (case, accents and spaces
ignored), the rule the buttons use too. Each tab written carries the motxl mark
(``names.MARK_NAME``); replacing a sheet without it (a sheet the user made) is reported, with
the file that still holds the old sheet.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from defusedxml.ElementTree import ParseError

from motxl.errors import MotxlError
from motxl.presentation.names import find_tab, own_tab
from motxl.workbooks import opc
from motxl.workbooks.preflight import check_workbook_file
from motxl.workbooks.saving import _refuse_if_open, save_workbook_atomically

__all__ = ["RefreshResult", "refresh_file"]


@dataclass
class RefreshResult:
    source: Path
    path: Path  # the file written (the source itself unless -o was given)
    backup: Path | None
    sheets: list[str]  # the tabs written, in order
    created: list[str]  # those that did not exist before
    counts: dict[str, int]  # findings by severity
    actions: int
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)
    #: Sheets replaced that motxl had not written (no motxl mark), and the file that still
    #: holds them (the backup, or the source when -o wrote elsewhere).
    foreign: list[str] = field(default_factory=list)
    foreign_kept_in: Path | None = None


def refresh_file(path: str | Path, *, sheet: str | None = None, output: str | Path | None = None,
                 now: dt.datetime | None = None, year: int | None = None,
                 as_of: Any = None) -> RefreshResult:
    """Write the three tabs into ``path`` (in place) or into ``output``; MotxlError if refused.

    The tabs are "as of" ``as_of``, else the workbook's DateSituation cell, else the day of
    ``now`` (the clock, today when None)."""
    from motxl.core.checks import validate
    from motxl.core.rollup import roll_up
    from motxl.presentation import build_tabs
    from motxl.workbooks.reading import read_programme
    from motxl.workbooks.situation_cell import check_as_of, situation_of

    started = time.perf_counter()
    source = Path(path)
    target = Path(output) if output is not None else source
    check_workbook_file(source)
    if target.suffix.lower() != source.suffix.lower():
        raise MotxlError(f"{target.name} doit avoir la même extension que {source.name} "
                         f"({source.suffix}) : changez le nom donné à -o.")
    _refuse_if_open(target)
    check_as_of(as_of)
    programme = read_programme(source, sheet, year=year)
    if own_tab(programme.sheet) is not None:
        raise MotxlError(f"La feuille du programme s'appelle « {programme.sheet} », nom "
                         "réservé à un onglet que motxl réécrit : renommez-la (par exemple "
                         "« Programme »).")
    situation = situation_of(source, as_of, today=now.date() if now else None,
                             programme=programme)
    report = validate(programme)
    rollup = roll_up(programme, situation.date)
    from motxl.workbooks.history import record_situation  # the Historique sheet

    history = record_situation(source, rollup, now or dt.datetime.now(), programme.year,
                               date=situation.date)
    report = history.with_findings(report)
    tabs = build_tabs(programme, report, rollup, situation=situation, source_name=source.name,
                      history=history.situations()) + [history.tab]

    existing = _sheet_names(source)
    tabs = [_renamed(spec, existing) for spec in tabs]
    written = [spec.name for spec in tabs]
    created: list[str] = []
    foreign: list[str] = []

    def write(temp: Path) -> None:
        from motxl.render.xlsxwriter_file import render_workbook
        from motxl.workbooks.splice import splice_tabs

        with tempfile.TemporaryDirectory(prefix="motxl-") as folder:
            rendered = render_workbook(Path(folder) / "onglets.xlsx", tabs)
            spliced = splice_tabs(source, rendered, temp, written)
            created[:], foreign[:] = spliced.created, spliced.foreign

    backup = save_workbook_atomically(target, write, backup=True, before=source,
                                      own_sheets=set(written), history_dropped=history.replaced)
    kept_in = None
    if foreign:
        same = target.resolve() == source.resolve()
        kept_in = backup if same else source
    return RefreshResult(source=source, path=target, backup=backup, sheets=written,
                         created=created, counts=dict(report.counts),
                         actions=len(programme.actions),
                         seconds=time.perf_counter() - started, foreign=foreign,
                         foreign_kept_in=kept_in)


def _sheet_names(path: Path) -> list[str]:
    """The names of the workbook's sheets, in order."""
    try:
        return [sheet.name for sheet in opc.Package(path).sheets()]
    except (zipfile.BadZipFile, KeyError, ValueError, ParseError) as exc:
        raise MotxlError(f"{path.name} ne peut pas être mis à jour ({type(exc).__name__}) : "
                         "ouvrez-le dans Excel, enregistrez-le de nouveau, puis "
                         "relancez.") from exc


def _renamed(spec, existing: list[str]):
    """The spec drawn on the existing sheet that is the same tab (``find_tab``), if any."""
    title = find_tab(spec.name, existing)
    return spec if title is None or title == spec.name else replace(spec, name=title)
