"""The Synthèse tab: what a director reads first.

Per axis (with the programme total and the total without abandoned actions), two charts, the
detail by objective and sub-objective (Excel row outline, opened to the objectives), abandoned
actions apart, the split by funding, border and status, and the load per person. Every figure
table has the same columns; the euros planned are also split by funding ("Non précisé" when
some money has no funding), and the split adds up to the row's budget.
"""

from __future__ import annotations

import math

from motxl.core.model import FUNDINGS
from motxl.core.rollup import NO_FUNDING, Figures, LevelFigures, Rollup
from motxl.core.situation import Situation
from motxl.core.text import border_name, without_funding_tag
from motxl.presentation.builder import TabBuilder, page_breaks
from motxl.presentation.names import SYNTHESE
from motxl.presentation.palette import funding_colour, status_colour
from motxl.presentation.spec import Area, Chart, Outline, PrintSetup, Series, TabSpec

FIGURE_HEADERS = ["Actions", "dont en attente", "En retard", "Jours prévus", "Jours réalisés",
                  "Reste (jours)", "Taux jours", "Budget prévu (€)", "Dépensé (€)", "Reste (€)",
                  "Taux budget"]
# Styles of the figure columns, as offsets from the first figure column.
FIGURE_STYLES = {0: "integer", 1: "integer", 2: "integer", 3: "days", 4: "days", 5: "days",
                 6: "percent", 7: "euro", 8: "euro", 9: "euro", 10: "percent"}
PLANNED, SPENT = 7, 8  # offsets of the euro columns the charts read
FIRST_FIGURE = 2  # columns A (code / key) and B (label) come first
CHART_ROWS = 18
LABEL_WIDTH = 48
HEADER = "&L&8Mission Opérationnelle Transfrontalière&R&8{situation}"


def figure_values(f: Figures) -> list:
    return [f.actions, f.pending, f.late, f.days_planned, f.days_actual, f.days_remaining,
            f.days_rate, f.budget_planned, f.spent_actual, f.budget_remaining, f.budget_rate]


def situation_line(situation: Situation, source_name: str) -> str:
    return f"{situation.label} — source : {source_name}"


def page_header(situation: Situation) -> str:
    """The printed page header: the situation date, never the print date."""
    return HEADER.format(situation=situation.label)


def split_fundings(rollup: Rollup) -> list[str]:
    """The fundings of the split columns: the three known ones, and "Non précisé" when some
    money (or some action) has no funding."""
    return [*FUNDINGS, *([NO_FUNDING] if NO_FUNDING in rollup.by_funding else [])]


def _split(by_funding: dict[str, Figures], fundings: list[str]) -> list:
    return [by_funding[f].budget_planned if f in by_funding else 0.0 for f in fundings]


def _label_height(label: str) -> float | None:
    """Points a wrapped label takes in the label column (an estimate, as the renderers')."""
    lines = math.ceil(len(label) * 0.9 / (LABEL_WIDTH - 1)) if label else 1
    return 15.0 * lines if lines > 1 else None


def synthese_tab(rollup: Rollup, *, situation: Situation, source_name: str,
                 title: str = "Programme de travail — Synthèse", history=None) -> TabSpec:
    spec = TabSpec(SYNTHESE, tab_color="2F5597")
    b = TabBuilder(spec)
    fundings = split_fundings(rollup)
    split_headers = [f"{f} (€)" for f in fundings]  # planned euros by funding
    width = FIRST_FIGURE + len(FIGURE_HEADERS) + len(split_headers)
    keep: list[tuple[int, int]] = []  # section title .. first rows: never split by a page
    heights: dict[int, float] = {}
    b.line([title], "title", merge_to=width - 1)
    b.line([situation_line(situation, source_name)], "subtitle", merge_to=width - 1)
    b.skip()
    spec.print_setup = PrintSetup(repeat_rows=(0, 1), header=page_header(situation))

    def section(text: str) -> int:
        row = b.line([text], "section")
        return row

    def labelled(rows: list[list], area: Area) -> None:
        for i, values in enumerate(rows):
            height = _label_height(str(values[1] or ""))
            if height:
                heights[area.first_row + 1 + i] = height

    # 1. One row per axis, the programme total (and without the abandoned actions).
    start = section("Vue d'ensemble par axe")
    header = ["Code", "Libellé", *FIGURE_HEADERS, *split_headers]
    rows = [[f"Axe {a.code}", without_funding_tag(a.label), *figure_values(a),
             *_split(a.by_funding, fundings)] for a in rollup.axes]
    total_split = _split(rollup.by_funding, fundings)
    rows.append(["Total", "Programme", *figure_values(rollup.totals), *total_split])
    active = rollup.totals.abandoned > 0
    if active:
        rows.append(["Total", "hors actions abandonnées", *figure_values(rollup.active),
                     *[t - a for t, a in zip(total_split, _abandoned_split(rollup, fundings))]])
    axes_area = b.table(header, rows)
    labelled(rows, axes_area)
    _figure_styles(b, axes_area, extra=len(split_headers))
    total_row = axes_area.last_row - (1 if active else 0)
    b.style(Area(total_row, 0, axes_area.last_row, width - 1), "total")
    keep.append((start, axes_area.last_row))
    spec.freeze = (axes_area.first_row + 1, 2)
    chart_row = None
    if rollup.axes:
        b.skip()
        chart_row = b.row
        b.skip(CHART_ROWS)

    if history:  # the situations recorded in Historique (motxl.presentation.history)
        from motxl.presentation.history import add_consumption_chart

        add_consumption_chart(spec, b, history)

    # 2. Axis rows, their objectives and sub-objectives beneath (Excel outline).
    b.skip()
    start = section("Détail par objectif et sous-objectif (boutons + et − à gauche pour "
                    "ouvrir ou fermer les sous-objectifs)")
    detail_rows: list[list] = []
    kinds: list[int] = []  # 1 axis, 2 objective, 3 sub-objective
    for axis in rollup.axes:
        detail_rows.append(_level_row(f"Axe {axis.code}", axis, fundings))
        kinds.append(1)
        for objective in rollup.objectives:
            if objective.code.split(".")[0] != axis.code:
                continue
            detail_rows.append(_level_row(objective.code, objective, fundings))
            kinds.append(2)
            for sub in rollup.sub_objectives:
                if sub.code.rsplit(".", 1)[0] == objective.code:
                    detail_rows.append(_level_row(sub.code, sub, fundings))
                    kinds.append(3)
    detail_rows.append(["Total", "Programme", *figure_values(rollup.totals), *total_split])
    detail = b.table(header, detail_rows)
    labelled(detail_rows, detail)
    _figure_styles(b, detail, extra=len(split_headers))
    levels = {}
    for offset, kind in enumerate(kinds):
        row = detail.first_row + 1 + offset
        if kind == 1:
            b.style(Area(row, 0, row, width - 1), "axis")
        else:
            b.style(Area(row, 1, row, 1), "objective" if kind == 2 else "sub_objective")
            levels[row] = kind - 1
    spec.outline = Outline(levels, shown=1)
    b.style(Area(detail.last_row, 0, detail.last_row, width - 1), "total")
    keep.append((start, min(detail.last_row, detail.first_row + 3)))

    # 3. Abandoned actions apart: what was dropped, planned amounts.
    if rollup.totals.abandoned:
        b.skip()
        start = section("Actions abandonnées (montants prévus, comptés dans les totaux "
                        "ci-dessus)")
        rows = [[f"Axe {a.code}", without_funding_tag(a.label), a.abandoned, a.days_abandoned,
                 a.budget_abandoned] for a in rollup.axes if a.abandoned]
        t = rollup.totals
        rows.append(["Total", "Programme", t.abandoned, t.days_abandoned, t.budget_abandoned])
        area = b.table(["Code", "Libellé", "Actions abandonnées", "Jours prévus",
                        "Budget prévu (€)"], rows)
        labelled(rows, area)
        b.column_styles(area, {1: "text", 2: "integer", 3: "days", 4: "euro"})
        b.style(Area(area.last_row, 0, area.last_row, area.last_col), "total")
        keep.append((start, area.last_row))

    # 4. Groupings: the key spans columns A and B (no empty label column), borders get names.
    funding_area = None
    person_chart: tuple[int, Area, int, int] | None = None
    for title_text, key_name, groups, with_total in (
            ("Par financement", "Financement", rollup.by_funding, True),
            ("Par frontière (actions étiquetées seulement)", "Frontière",
             rollup.by_border, False),
            ("Par statut", "Statut", rollup.by_status, True),
            ("Charge par personne", "Responsable", rollup.by_person, True)):
        if not groups:
            continue
        b.skip()
        start = section(title_text)
        if key_name == "Frontière":
            rows = [[key, border_name(key), *figure_values(f)] for key, f in groups.items()]
            area = b.table(["Étiquette", "Frontière", *FIGURE_HEADERS], rows)
        else:
            rows = [[key, None, *figure_values(f)] for key, f in groups.items()]
            if with_total:
                rows.append(["Total", None, *figure_values(rollup.totals)])
            area = b.table([key_name, None, *FIGURE_HEADERS], rows)
            for row in range(area.first_row, area.last_row + 1):
                spec.merges.append(Area(row, 0, row, 1))
        _figure_styles(b, area, extra=0)
        if with_total:
            b.style(Area(area.last_row, 0, area.last_row, area.last_col), "total")
        keep.append((start, min(area.last_row, area.first_row + 3)))
        if key_name == "Financement":
            funding_area = area
        if key_name == "Responsable" and len(groups) > 1:
            b.skip()
            height = max(240, 26 * len(groups) + 80)
            person_chart = (b.row, area, len(groups), height)
            b.skip(math.ceil(height * 0.75 / 15) + 1)
    b.skip()
    note = b.line([
        "Reste = prévu − réalisé (négatif en cas de dépassement) ; les taux sont réalisé ÷ "
        "prévu. Les actions « en attente » et abandonnées sont comptées dans les totaux ; la "
        "ligne « hors actions abandonnées » les retire. « En retard » : échéance passée à la "
        "date de situation, action ni réalisée ni abandonnée. Une action portant plusieurs "
        "frontières compte dans chacune."], "note", merge_to=width - 1)
    spec.row_heights[note] = 45
    if chart_row is not None:
        _charts(spec, chart_row, axes_area, len(rollup.axes), funding_area,
                list(rollup.by_funding))
    if person_chart is not None:
        _person_chart(spec, *person_chart)

    spec.column_widths = {0: 11, 1: LABEL_WIDTH, **{c: 11 for c in range(2, width)}}
    for offset in (PLANNED, SPENT, PLANNED + 2):
        spec.column_widths[FIRST_FIGURE + offset] = 13
    for c in range(FIRST_FIGURE + len(FIGURE_HEADERS), width):
        spec.column_widths[c] = 13
    after_detail = next((first for first, _ in keep if first > detail.last_row), None)
    spec.page_breaks = page_breaks(spec, keep, heights,
                                   force=(after_detail,) if after_detail is not None else ())
    return spec


def _level_row(code: str, level: LevelFigures, fundings: list[str]) -> list:
    return [code, without_funding_tag(level.label), *figure_values(level),
            *_split(level.by_funding, fundings)]


def _abandoned_split(rollup: Rollup, fundings: list[str]) -> list[float]:
    return [rollup.by_funding[f].budget_abandoned if f in rollup.by_funding else 0.0
            for f in fundings]


def _figure_styles(b: TabBuilder, area: Area, *, extra: int) -> None:
    styles = {FIRST_FIGURE + k: v for k, v in FIGURE_STYLES.items()}
    for k in range(extra):
        styles[FIRST_FIGURE + len(FIGURE_HEADERS) + k] = "euro"
    styles[1] = "text"
    b.column_styles(area, styles)


def _charts(spec: TabSpec, row: int, axes_area: Area, axes: int, funding_area: Area | None,
            names: list[str]) -> None:
    first, last = axes_area.first_row + 1, axes_area.first_row + axes  # the axes only
    categories = Area(first, 0, last, 0)
    planned = FIRST_FIGURE + PLANNED
    spec.charts.append(Chart(
        kind="column", title="Budget prévu et dépensé par axe",
        series=(Series("Budget prévu", categories, Area(first, planned, last, planned), "2F5597"),
                Series("Dépensé", categories, Area(first, planned + 1, last, planned + 1),
                       "ED7D31")),
        anchor=(row, 1), width_px=560, height_px=320, number_format='#,##0 "€"'))
    fundings = len(names)
    if funding_area is None or fundings < 2:
        return
    top, bottom = funding_area.first_row + 1, funding_area.first_row + fundings
    colours = tuple(funding_colour(name) for name in names)
    spec.charts.append(Chart(
        kind="doughnut", title="Répartition du budget prévu par financement",
        series=(Series("Budget prévu", Area(top, 0, bottom, 0),
                       Area(top, planned, bottom, planned), point_colors=colours),),
        anchor=(row, 6), width_px=520, height_px=320))


def _person_chart(spec: TabSpec, row: int, area: Area, people: int, height: int) -> None:
    first, last = area.first_row + 1, area.first_row + people
    categories = Area(first, 0, last, 0)
    planned, spent = FIRST_FIGURE + 3, FIRST_FIGURE + 4
    spec.charts.append(Chart(
        kind="bar", title="Charge par personne : jours prévus et réalisés",
        series=(Series("Jours prévus", categories, Area(first, planned, last, planned), "2F5597"),
                Series("Jours réalisés", categories, Area(first, spent, last, spent),
                       status_colour("Réalisé"))),
        anchor=(row, 1), width_px=760, height_px=height))
