"""The Historique sheet of a workbook file: read its rows (python-calamine) and add a refresh's
situation (``motxl.presentation.history.update_history``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from motxl.core.history import HISTORIQUE, History, parse_history
from motxl.core.rollup import Rollup
from motxl.core.text import fold
from motxl.errors import MotxlError
from motxl.presentation.history import HistoryUpdate, update_history


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


def record_situation(path: Path, rollup: Rollup, now: dt.datetime, year: int | None = None,
                     date: dt.date | None = None) -> HistoryUpdate:
    """Read the file's Historique and add this refresh's situation (as of ``date``) to it."""
    return update_history(read_history(path), rollup, now, year, date)
