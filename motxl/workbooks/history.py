"""The Historique sheet of a workbook file: read its rows (python-calamine), and prepare what a
refresh writes back (the merged rows as a tab, the rows it may drop, the findings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motxl.core.findings import SEVERITY_ORDER, Finding, ValidationReport
from motxl.core.history import (HISTORIQUE, History, merge, parse_history, situation_date,
                                situation_rows)
from motxl.core.rollup import Rollup
from motxl.core.text import fold
from motxl.errors import MotxlError
from motxl.presentation.spec import TabSpec


def _seconds(value: Any) -> Any:
    """Datetimes to the second: Excel stores them as fractions of a day, read back within
    microseconds of what was written."""
    if isinstance(value, dt.datetime):
        return (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
    return value


def read_history_rows(path: Path) -> list[list[Any]] | None:
    """The Historique sheet's rows from A1 (None when the workbook has no such sheet)."""
    import python_calamine

    from motxl.workbooks.reading import check_sheet_extent

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        names = [n for n in workbook.sheet_names if fold(n) == fold(HISTORIQUE)]
        if not names:
            return None
        check_sheet_extent(path, names[0])
        sheet = workbook.get_sheet_by_name(names[0])
        rows = sheet.to_python(skip_empty_area=False)
    except MotxlError:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine's errors: the file is damaged
        raise MotxlError(f"L'onglet « {HISTORIQUE} » de {path.name} est illisible "
                         f"({type(exc).__name__}) : ouvrez le classeur dans Excel, "
                         "enregistrez-le de nouveau, puis relancez.") from exc
    return [[None if v == "" else _seconds(v) for v in row] for row in rows]


def read_history(path: Path) -> History:
    rows = read_history_rows(path)
    return parse_history(rows or [], found=rows is not None)


@dataclass
class HistoryUpdate:
    tab: TabSpec
    history: History  # merged: what the chart shows
    replaced: list[list[Any]]  # old rows dropped: the same situation date, recorded again
    findings: list[Finding] = field(default_factory=list)

    def situations(self) -> list[tuple[dt.date, dict[str, float]]]:
        return self.history.situations()

    def with_findings(self, report: ValidationReport) -> ValidationReport:
        """The programme's report with the Historique's findings, most severe first."""
        if not self.findings:
            return report
        findings = sorted([*report.findings, *self.findings],
                          key=lambda f: SEVERITY_ORDER[f.severity])
        return report.model_copy(update={"findings": findings})


def update_history(old: History, rollup: Rollup, now: dt.datetime) -> HistoryUpdate:
    """Old rows + this refresh's situation, as the Historique tab to write."""
    from motxl.presentation.history import historique_tab

    refreshed = now.replace(second=0, microsecond=0)
    date = situation_date(now)
    merged = merge(old, situation_rows(rollup, date, refreshed), date)
    return HistoryUpdate(historique_tab(merged.rows, old.extra_header), merged.history,
                         merged.replaced,
                         list(old.findings))


def record_situation(path: Path, rollup: Rollup, now: dt.datetime) -> HistoryUpdate:
    """Read the file's Historique and add this refresh's situation to it."""
    return update_history(read_history(path), rollup, now)
