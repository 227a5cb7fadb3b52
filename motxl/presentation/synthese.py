"""The Synthèse tab: totals per axis and objective, by funding, border and status, two charts."""

from __future__ import annotations

import datetime as dt

from motxl.core.model import FUNDINGS
from motxl.core.rollup import Figures, LevelFigures, Rollup
from motxl.presentation.builder import TabBuilder
from motxl.presentation.names import SYNTHESE
from motxl.presentation.spec import Area, Chart, PrintSetup, Series, TabSpec

FIGURE_HEADERS = ["Actions", "dont en attente", "Jours prévus", "Jours réalisés", "Taux jours",
                  "Budget prévu (€)", "Dépensé (€)", "Taux budget"]
# Styles of the figure columns, as offsets from the first figure column.
FIGURE_STYLES = {0: "integer", 1: "integer", 2: "days", 3: "days", 4: "percent", 5: "euro",
                 6: "euro", 7: "percent"}
FIRST_FIGURE = 2  # columns A (code / key) and B (label) come first
CHART_ROWS = 18


def figure_values(f: Figures) -> list:
    return [f.actions, f.pending, f.days_planned, f.days_actual, f.days_rate,
            f.budget_planned, f.spent_actual, f.budget_rate]


def situation_line(now: dt.datetime, source_name: str) -> str:
    return f"Situation au {now:%d/%m/%Y à %H:%M} — source : {source_name}"


def _funding_split(level: LevelFigures) -> list:
    return [level.by_funding[f].budget_planned if f in level.by_funding else 0.0
            for f in FUNDINGS]


def synthese_tab(rollup: Rollup, *, now: dt.datetime, source_name: str,
                 title: str = "Programme de travail — Synthèse", history=None) -> TabSpec:
    spec = TabSpec(SYNTHESE, tab_color="2F5597")
    b = TabBuilder(spec)
    split_headers = [f"{f} (€)" for f in FUNDINGS]  # planned euros by funding
    width = FIRST_FIGURE + len(FIGURE_HEADERS) + len(split_headers)
    b.line([title], "title", merge_to=width - 1)
    b.line([situation_line(now, source_name)], "subtitle", merge_to=width - 1)
    b.skip()

    # 1. One row per axis, the programme total, and the charts drawn from them.
    b.line(["Vue d'ensemble par axe"], "section")
    header = ["Axe", "Libellé", *FIGURE_HEADERS, *split_headers]
    rows = [[f"Axe {a.code}", a.label, *figure_values(a), *_funding_split(a)]
            for a in rollup.axes]
    total_split = [rollup.by_funding[f].budget_planned if f in rollup.by_funding else 0.0
                   for f in FUNDINGS]
    rows.append(["Total", "Programme", *figure_values(rollup.totals), *total_split])
    axes_area = b.table(header, rows)
    _figure_styles(b, axes_area, extra=len(split_headers))
    b.style(Area(axes_area.last_row, 0, axes_area.last_row, width - 1), "total")
    spec.freeze = (axes_area.first_row + 1, 2)
    spec.print_setup = PrintSetup(repeat_rows=(0, 1),
                                  header="&L&8Mission Opérationnelle Transfrontalière&R&8&D")
    if rollup.axes:
        b.skip()
        _charts(spec, b.row, axes_area, rollup)
        b.skip(CHART_ROWS)

    if history:  # the situations recorded in Historique (motxl.presentation.history)
        from motxl.presentation.history import add_consumption_chart

        add_consumption_chart(spec, b, history)

    # 2. Axis rows with their objectives beneath.
    b.skip()
    b.line(["Détail par objectif"], "section")
    detail_rows, axis_offsets = [], []
    for axis in rollup.axes:
        axis_offsets.append(len(detail_rows))
        detail_rows.append([f"Axe {axis.code}", axis.label, *figure_values(axis),
                            *_funding_split(axis)])
        for objective in rollup.objectives:
            if objective.code.split(".")[0] == axis.code:
                detail_rows.append([objective.code, objective.label, *figure_values(objective),
                                    *_funding_split(objective)])
    detail_rows.append(["Total", "Programme", *figure_values(rollup.totals), *total_split])
    detail = b.table(header, detail_rows)
    _figure_styles(b, detail, extra=len(split_headers))
    b.style(Area(detail.first_row + 1, 1, detail.last_row - 1, 1), "objective")
    for offset in axis_offsets:
        row = detail.first_row + 1 + offset
        b.style(Area(row, 0, row, width - 1), "axis")
    b.style(Area(detail.last_row, 0, detail.last_row, width - 1), "total")

    # 3. Groupings.
    for title_text, key_name, groups, with_total in (
            ("Par financement", "Financement", rollup.by_funding, True),
            ("Par frontière (actions étiquetées)", "Frontière", rollup.by_border, False),
            ("Par statut", "Statut", rollup.by_status, True)):
        if not groups:
            continue
        b.skip()
        b.line([title_text], "section")
        rows = [[key, "", *figure_values(f)] for key, f in groups.items()]
        if with_total:
            rows.append(["Total", "", *figure_values(rollup.totals)])
        area = b.table([key_name, "", *FIGURE_HEADERS], rows)
        _figure_styles(b, area, extra=0)
        if with_total:
            b.style(Area(area.last_row, 0, area.last_row, area.last_col), "total")
    b.skip()
    b.line(["Les actions « en attente » (libellé « (en attente) » ou statut « En attente ») sont "
            "comptées dans les totaux et rappelées dans la colonne « dont en attente ». Une "
            "action portant plusieurs frontières compte dans chacune."], "note",
           merge_to=width - 1)
    spec.row_heights[b.row - 1] = 30

    spec.column_widths = {0: 12, 1: 58, **{c: 12 for c in range(2, width)}}
    spec.column_widths[FIRST_FIGURE + 5] = 15
    spec.column_widths[FIRST_FIGURE + 6] = 15
    for c in range(FIRST_FIGURE + len(FIGURE_HEADERS), width):
        spec.column_widths[c] = 15
    return spec


def _figure_styles(b: TabBuilder, area: Area, *, extra: int) -> None:
    styles = {FIRST_FIGURE + k: v for k, v in FIGURE_STYLES.items()}
    for k in range(extra):
        styles[FIRST_FIGURE + len(FIGURE_HEADERS) + k] = "euro"
    styles[1] = "text"
    b.column_styles(area, styles)


def _charts(spec: TabSpec, row: int, axes_area: Area, rollup: Rollup) -> None:
    first, last = axes_area.first_row + 1, axes_area.last_row - 1  # axes only, not the total
    categories = Area(first, 0, last, 0)
    planned = FIRST_FIGURE + 5
    spec.charts.append(Chart(
        kind="column", title="Budget prévu et dépensé par axe (€)",
        series=(Series("Budget prévu", categories, Area(first, planned, last, planned), "2F5597"),
                Series("Dépensé", categories, Area(first, planned + 1, last, planned + 1),
                       "ED7D31")),
        anchor=(row, 1), width_px=560, height_px=320, number_format='#,##0 "€"'))
    split_first = FIRST_FIGURE + len(FIGURE_HEADERS)
    total_row = axes_area.last_row
    spec.charts.append(Chart(
        kind="doughnut", title="Répartition du budget prévu par financement",
        series=(Series("Budget prévu", Area(axes_area.first_row, split_first,
                                            axes_area.first_row, split_first + len(FUNDINGS) - 1),
                       Area(total_row, split_first, total_row, split_first + len(FUNDINGS) - 1)),),
        anchor=(row, 6), width_px=520, height_px=320))
