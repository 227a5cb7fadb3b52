"""The Historique tab (the situations recorded at each refresh) and the Synthèse's chart
« Consommation dans le temps » drawn from it.

``update_history`` is shared by the command (rows read from the file) and the button (rows read
through xlwings, also in xlwings Lite, where no file reader runs)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from dataclasses import dataclass, field

from motxl.core.findings import SEVERITY_ORDER, Finding, ValidationReport
from motxl.core.history import (HEADER, HISTORIQUE, History, merge, situation_date,
                                situation_rows)
from motxl.core.rollup import Rollup
from motxl.presentation.builder import TabBuilder
from motxl.presentation.spec import (Area, Chart, PrintSetup, Series, Table, TabSpec,
                                    page_header, situation_label)

WIDTHS = [14, 17, 8, 60, 10, 12, 12, 15, 15]
STYLES = {0: "date", 1: "datetime", 2: "center", 3: "text", 4: "integer", 5: "days", 6: "days",
          7: "euro", 8: "euro"}
NOTE = ("Une ligne par axe et une ligne « Total » à chaque actualisation de la synthèse. Une "
        "nouvelle actualisation pour la même date de situation remplace les lignes de cette "
        "date ; les autres lignes sont toujours conservées. Vous pouvez modifier ou supprimer "
        "des lignes.")
#: Rows above the header: title, note, blank. The reader finds the header wherever it is.
HEADER_ROW = 3
MIN_SITUATIONS = 2  # the chart needs at least two points in time


def historique_tab(rows: Sequence[Sequence[Any]], extra_header: Sequence[Any] = (),
                   year: int | None = None) -> TabSpec:
    """The tab; ``extra_header``: the titles of the user's own columns after motxl's; ``year``:
    the programme's, for the page header every tab of the workbook prints."""
    spec = TabSpec(HISTORIQUE, tab_color="806000")
    b = TabBuilder(spec)
    width = len(HEADER)
    b.line(["Programme de travail — Historique des situations"], "title", merge_to=width - 1)
    b.line([NOTE], "note", merge_to=width - 1)
    spec.row_heights[1] = 30
    b.skip()
    widest = max([width + len(extra_header), *(len(r) for r in rows)])
    header = list(HEADER)
    for k in range(width, widest):  # table titles must be distinct, non-empty texts
        title = extra_header[k - width] if k - width < len(extra_header) else None
        text = "" if title is None else str(title).strip()
        header.append(text if text and text not in header else f"Colonne {k + 1}")
    area = b.table(header, [list(r) + [None] * (widest - len(r)) for r in rows])
    b.column_styles(area, STYLES)
    if rows:
        spec.tables.append(Table(area, "Historique_situations"))
    spec.column_widths = dict(enumerate(WIDTHS))
    spec.freeze = (area.first_row + 1, 0)
    spec.print_setup = PrintSetup(repeat_rows=(area.first_row, area.first_row),
                                  header=page_header(situation_label(year)))
    return spec


def add_consumption_chart(spec: TabSpec, b: TabBuilder,
                          situations: Sequence[tuple[dt.date, dict[str, float]]]) -> None:
    """A small table (date, euros planned and spent, days planned and spent) and a column
    chart of it, at the builder's row; nothing below two situations."""
    if len(situations) < MIN_SITUATIONS:
        return
    b.skip()
    b.line(["Consommation dans le temps"], "section")
    area = b.table(["Situation", "Budget prévu (€)", "Dépensé (€)", "Jours prévus",
                    "Jours réalisés"],
                   # dates as text: the chart's categories, one bar group per situation
                   # (a date axis would spread them over the calendar)
                   [[f"{date:%d/%m/%Y}", f.get("budget_planned", 0.0), f.get("spent_actual", 0.0),
                     f.get("days_planned", 0.0), f.get("days_actual", 0.0)]
                    for date, f in situations])
    b.column_styles(area, {0: "center", 1: "euro", 2: "euro", 3: "days", 4: "days"})
    first, last = area.first_row + 1, area.last_row
    categories = Area(first, 0, last, 0)
    b.skip()
    spec.charts.append(Chart(
        kind="column", title="Consommation dans le temps (€)",
        series=(Series("Budget prévu", categories, Area(first, 1, last, 1), "2F5597"),
                Series("Dépensé", categories, Area(first, 2, last, 2), "ED7D31")),
        anchor=(b.row, 1), width_px=560, height_px=300, number_format='#,##0 "€"'))
    b.skip(16)


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
        return report._replace(findings=findings)


def update_history(old: History, rollup: Rollup, now: dt.datetime, year: int | None = None,
                   date: dt.date | None = None) -> HistoryUpdate:
    """Old rows + this refresh's situation (as of ``date``: the situation date of the refresh,
    else ``situation_date(now)``), as the Historique tab to write."""
    refreshed = now.replace(second=0, microsecond=0)
    date = date or situation_date(now)
    merged = merge(old, situation_rows(rollup, date, refreshed), date)
    return HistoryUpdate(historique_tab(merged.rows, old.extra_header, year), merged.history,
                         merged.replaced,
                         list(old.findings))
