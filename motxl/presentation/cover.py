"""The cover tab of a group report (« Couverture ») and the index of a batch (« Rapports »).

Pure data, like the other tabs: the render adapters draw them. The index also lists the
relative links to the report files (``FileLink``), which the batch adds when it renders it:
TabSpec's ``Link`` only jumps inside a workbook.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from motxl.core.rollup import Figures, Rollup
from motxl.core.text import strip_markup
from motxl.presentation.builder import TabBuilder
from motxl.presentation.spec import (EURO, Area, Chart, Link, PrintSetup, Series, Table,
                                    TabSpec, page_header, situation_label)

COVER = "Couverture"
INDEX = "Rapports"


@dataclass(frozen=True)
class CoverInfo:
    """What the cover says about the report: its group and where the figures come from."""

    dimension: str  # French name of the grouping: "Axe", "Frontière", "Responsable"...
    group: str  # the group's value: "1", "FR-DE", "Anne Martin"
    title: str  # "Axe 1", "Frontière FR-DE"
    description: str = ""  # the heading's label for an axis or an objective
    source_name: str = ""
    sheet: str = ""
    year: int | None = None
    situation: dt.date | None = None


_AXIS_TAG = re.compile(r"^\s*\[[^\]]*\]\s*")
_LEVEL_PREFIX = re.compile(r"^(?:axe|objectif)?\s*[0-9][0-9.]*\s*[-–—:]\s*", re.IGNORECASE)


def group_label(title: str, description: str) -> str:
    """What a reader calls a group: 'Axe 1 — Donner un cadre et une stratégie…'.

    The heading's label loses its funding tag, its markup and its repeated 'AXE 1 -'; a label
    written in capitals is put in sentence case.
    """
    text = strip_markup(_LEVEL_PREFIX.sub("", _AXIS_TAG.sub("", description or ""))).strip()
    if text.isupper():
        text = text[0] + text[1:].lower()
    return f"{title} — {text}" if text else title


def key_figure_rows(figures: Figures, counts: dict[str, int]) -> list[list[Any]]:
    """[label, value, style] rows of the cover's key figures."""
    return [
        ["Actions", figures.actions, "integer"],
        ["dont en attente", figures.pending, "integer"],
        ["Jours prévus", figures.days_planned, "days"],
        ["Jours réalisés", figures.days_actual, "days"],
        ["Taux de réalisation (jours)", figures.days_rate, "percent"],
        ["Budget prévu (€)", figures.budget_planned, "euro"],
        ["Dépenses réalisées (€)", figures.spent_actual, "euro"],
        ["Taux de consommation (budget)", figures.budget_rate, "percent"],
        ["Erreurs du contrôle", counts.get("error", 0), "integer"],
        ["Avertissements du contrôle", counts.get("warning", 0), "integer"],
    ]


def _breakdown(info: CoverInfo, rollup: Rollup, dimension_key: str):
    """(title, first column header, rows) of the cover's split: by objective for an axis, by
    sub-objective for an objective, by axis otherwise. Only levels holding actions; each row is
    [code, label, actions, days planned, days actual, budget planned, spent]."""
    if dimension_key == "axis":
        levels, title, head = rollup.objectives, "Par objectif", "Objectif"
    elif dimension_key == "objective":
        levels, title, head = rollup.sub_objectives, "Par sous-objectif", "Sous-objectif"
    else:
        levels, title, head = rollup.axes, "Par axe", "Axe"
    rows = []
    for level in levels:
        if level.actions:
            code = f"Axe {level.code}" if level.level == 1 else level.code
            label = group_label("", level.label).lstrip(" —")
            rows.append([code, label, level.actions, level.days_planned,
                         level.days_actual, level.budget_planned, level.spent_actual])
    return title, head, rows


#: Column widths of the cover: labels, values, then figures; the split below the charts puts
#: each level's label beside its code, over columns B..D.
COVER_WIDTHS = {0: 30, 1: 16, 2: 14, 3: 14, 4: 13, 5: 13, 6: 13, 7: 15, 8: 15}
CHART_COL = 4  # charts sit right of the key figures, over columns E..I
ROW_PX = 20  # default row height in pixels
LABEL_COLS = (1, 3)  # the split's label: merged over B..D
#: Status colours of the cover's chart, as the Suivi tab's traffic lights mean them (green
#: done, grey abandoned...). To be read from the shared palette once presentation/ has one.
STATUS_COLORS = {"À lancer": "5B9BD5", "En cours": "2F5597", "Réalisé": "70AD47",
                 "En attente": "FFC000", "Abandonné": "A5A5A5"}
OTHER_COLOR = "BFBFBF"
#: A group this small gets one compact page: no charts, its actions listed on the cover.
COMPACT_ACTIONS = 2


def cover_tab(info: CoverInfo, rollup: Rollup, counts: dict[str, int], *, now: dt.datetime,
              contents: Sequence[str] = (), dimension_key: str = "",
              actions: Sequence[Sequence[Any]] = ()) -> TabSpec:
    """The cover: title, group, source, date, key figures, contents, splits and charts.

    Charts only compare two things or more. With ``actions`` (rows of ACTION_HEADER: the
    group is small) the cover is one compact page: the actions themselves, no split, no chart.
    """
    spec = TabSpec(COVER, tab_color="1F3864")
    b = TabBuilder(spec)
    last_col = len(COVER_WIDTHS) - 1
    year = f" {info.year}" if info.year else ""
    b.line([f"Rapport — {info.title}"], "title", merge_to=last_col)
    spec.row_heights[0] = 24
    b.line([f"Programme de travail{year} de la Mission Opérationnelle Transfrontalière"],
           "subtitle", merge_to=last_col)
    description = group_label("", info.description).lstrip(" —")  # no tag, no "AXE 1 -"
    if description:
        row = b.line([description], "section", "text", merge_to=last_col)
        lines = -(-len(description) * 5 // (4 * sum(COVER_WIDTHS.values())))
        spec.row_heights[row] = 17 * max(1, min(lines, 6))
    b.skip()

    charts_top = b.row
    b.line(["Informations"], "section")
    about = [["Regroupement", info.dimension], ["Groupe", info.group],
             ["Classeur source", info.source_name], ["Feuille", info.sheet],
             *([["Situation au", f"{rollup.as_of:%d/%m/%Y}"]] if rollup.as_of else []),
             ["Produit le", f"{now:%d/%m/%Y à %H:%M}"]]
    about_area = b.table(["Rubrique", "Valeur"], about)
    for row in range(about_area.first_row, about_area.last_row + 1):  # long values: B..D
        spec.merges.append(Area(row, 1, row, 3))
        b.style(Area(row, 2, row, 3), "header" if row == about_area.first_row else "cell")
    b.style(Area(about_area.first_row + 1, 0, about_area.last_row, 0), "axis")
    b.skip()

    b.line(["Chiffres clés"], "section")
    figure_rows = key_figure_rows(rollup.totals, counts)
    figures_area = b.table(["Indicateur", "Valeur"], [r[:2] for r in figure_rows])
    b.style(Area(figures_area.first_row + 1, 0, figures_area.last_row, 0), "axis")
    for offset, (_, _, style) in enumerate(figure_rows, start=1):
        b.style(Area(figures_area.first_row + offset, 1, figures_area.first_row + offset, 1),
                style)
    if counts.get("error"):
        b.style(Area(figures_area.last_row - 1, 1, figures_area.last_row - 1, 1), "error")
    b.skip()

    if contents:
        b.line(["Sommaire"], "section")
        for name in contents:
            row = b.line([name, _CONTENTS.get(name, "")])
            spec.links.append(Link(row, 0, name, name, "A1"))
            b.style(Area(row, 0, row, 0), "link")
            b.style(Area(row, 1, row, 1), "subtitle")
        b.skip()

    if actions:
        b.line(["Actions"], "section")
        area = b.table(ACTION_HEADER, [list(r) for r in actions])
        b.column_styles(area, {1: "text", 4: "center", 5: "days", 6: "days", 7: "euro",
                               8: "euro"})
        for row in range(area.first_row + 1, area.last_row + 1):
            label = spec.value_at(row, 1) or ""
            spec.merges.append(Area(row, LABEL_COLS[0], row, LABEL_COLS[1]))
            spec.row_heights[row] = 15 * max(1, min(6, -(-len(str(label)) * 11 // 10 // 50)))
        spec.merges.append(Area(area.first_row, LABEL_COLS[0], area.first_row, LABEL_COLS[1]))
        spec.row_heights[area.first_row] = 30
        spec.column_widths = dict(COVER_WIDTHS)
        spec.print_setup = PrintSetup(one_page=True, header=page_header(
            situation_label(info.year, info.situation)))
        spec.selected = (0, 0)
        return spec

    status_rows = [[status, f.actions, f.days_planned, f.budget_planned]
                   for status, f in rollup.by_status.items() if f.actions]
    status_area = None
    if status_rows:
        b.line(["Par statut"], "section")
        status_area = b.table(["Statut", "Actions", "Jours prévus", "Budget prévu (€)"],
                              status_rows)
        b.column_styles(status_area, {1: "integer", 2: "days", 3: "euro"})
        b.skip()

    doughnut_px, column_px = 260, 280
    title, head, rows = _breakdown(info, rollup, dimension_key)
    doughnut = status_area is not None and len(status_rows) >= 2
    columns = len(rows) >= 2
    split_area = None
    if rows:
        charts_end = charts_top + (doughnut_px * doughnut + column_px * columns) // ROW_PX + 2
        b.skip(max(0, charts_end - b.row))  # the split spans all columns: below the charts
        b.line([title], "section")
        split_area = b.table([head, "Libellé", "", "", "Actions", "Jours prévus",
                              "Jours réalisés", "Budget prévu (€)", "Dépensé (€)"],
                             [[r[0], r[1], None, None, *r[2:]] for r in rows])
        b.column_styles(split_area, {1: "text", 4: "integer", 5: "days", 6: "days", 7: "euro",
                                     8: "euro"})
        for row in range(split_area.first_row, split_area.last_row + 1):
            spec.merges.append(Area(row, LABEL_COLS[0], row, LABEL_COLS[1]))
            label = str(spec.value_at(row, 1) or "")
            if row > split_area.first_row:
                spec.row_heights[row] = 15 * max(1, min(6, -(-len(label) * 11 // 10 // 50)))
        spec.row_heights[split_area.first_row] = 30

    if doughnut and status_area is not None:
        first, last = status_area.first_row + 1, status_area.last_row
        spec.charts.append(Chart(
            kind="doughnut", title="Actions par statut",
            series=(Series("Actions", Area(first, 0, last, 0), Area(first, 1, last, 1),
                           point_colors=tuple(STATUS_COLORS.get(str(r[0]), OTHER_COLOR)
                                              for r in status_rows)),),
            anchor=(charts_top, CHART_COL), width_px=560, height_px=doughnut_px))
    if columns and split_area is not None:
        first, last = split_area.first_row + 1, split_area.last_row
        categories = Area(first, 0, last, 0)
        spec.charts.append(Chart(
            kind="column", title=f"Budget prévu et dépensé — {title.lower()}",
            series=(Series("Budget prévu", categories, Area(first, 7, last, 7), "2F5597"),
                    Series("Dépensé", categories, Area(first, 8, last, 8), "ED7D31")),
            anchor=(charts_top + (doughnut_px // ROW_PX + 1 if doughnut else 0), CHART_COL),
            width_px=560, height_px=column_px, number_format=EURO))

    spec.column_widths = dict(COVER_WIDTHS)
    spec.print_setup = PrintSetup(one_page=True,
                                  header=page_header(situation_label(info.year, info.situation)))
    spec.selected = (0, 0)
    return spec


#: The compact cover's list of actions (label merged over B..D).
ACTION_HEADER = ["Code", "Libellé", "", "", "Statut", "Jours prévus", "Jours réalisés",
                 "Budget prévu (€)", "Dépensé (€)"]


def action_rows(actions) -> list[list[Any]]:
    """The compact cover's rows for a few actions (core Action objects)."""
    return [[a.code, strip_markup(a.label), None, None, a.status or "", a.days_planned or 0.0,
             a.days_actual or 0.0, a.budget_planned or 0.0, a.spent_actual or 0.0]
            for a in actions]

_CONTENTS = {  # short: the text runs over the next columns, left of the charts
    "Synthèse": "totaux par axe, financement, statut",
    "Suivi": "une ligne par action, ses alertes",
    "Contrôles": "remarques du contrôle",
}


@dataclass(frozen=True)
class FileLink:
    """A hyperlink to another file, relative to the index's folder."""

    row: int
    col: int
    target: str
    text: str


@dataclass
class IndexEntry:
    dimension: str  # French name of the grouping
    group: str
    title: str
    file: str
    description: str = ""
    pdf: str | None = None
    figures: dict = field(default_factory=dict)  # Figures.as_dict()
    counts: dict = field(default_factory=dict)  # findings per severity
    written: dt.datetime | None = None
    source: str = ""


INDEX_HEADER = ["Regroupement", "Groupe", "Rapport", "PDF", "Actions",
                "Jours prévus", "Jours réalisés", "Taux jours", "Budget prévu (€)",
                "Dépensé (€)", "Taux budget", "Erreurs", "Avertissements", "Produit le",
                "Source"]
FILE_COL, PDF_COL = 2, 3
INDEX_STYLES = {1: "text", 4: "integer", 5: "days", 6: "days", 7: "percent", 8: "euro",
                9: "euro", 10: "percent", 11: "integer", 12: "integer", 13: "date"}
INDEX_WIDTHS = [14, 46, 20, 20, 9, 12, 12, 10, 15, 15, 10, 9, 14, 12, 24]
BORDER_NOTE = ("Les rapports par frontière ne couvrent que les actions étiquetées d'une "
               "frontière (« FR-DE / … », « OM / … ») : les autres actions n'y figurent pas, "
               "et une action à deux frontières compte dans les deux.")


def index_tab(entries: Sequence[IndexEntry], *, now: dt.datetime,
              folder: str = "") -> tuple[TabSpec, list[FileLink]]:
    """The index of the reports in a folder, and the links from its rows to the files."""
    spec = TabSpec(INDEX, tab_color="1F3864")
    b = TabBuilder(spec)
    width = len(INDEX_HEADER)
    b.line(["Rapports du programme de travail"], "title", merge_to=width - 1)
    where = f" dans « {folder} »" if folder else ""
    b.line([f"{len(entries)} rapport(s){where} — index mis à jour le {now:%d/%m/%Y à %H:%M}. "
            "Cliquez sur un nom de fichier pour l'ouvrir."], "subtitle", merge_to=width - 1)
    b.skip()
    rows, links = [], []
    for entry in entries:
        f = entry.figures
        rows.append([entry.dimension, group_label(entry.title, entry.description), entry.file,
                     entry.pdf or "",
                     f.get("actions", 0), f.get("days_planned", 0.0), f.get("days_actual", 0.0),
                     f.get("days_rate"), f.get("budget_planned", 0.0), f.get("spent_actual", 0.0),
                     f.get("budget_rate"), entry.counts.get("error", 0),
                     entry.counts.get("warning", 0), entry.written, entry.source])
    area = b.table(INDEX_HEADER, rows)
    styles = dict(INDEX_STYLES)
    b.column_styles(area, styles)
    b.column_styles(area, {FILE_COL: "link", PDF_COL: "link"})
    for offset, entry in enumerate(entries, start=1):
        row = area.first_row + offset
        links.append(FileLink(row, FILE_COL, entry.file, entry.file))
        if entry.pdf:
            links.append(FileLink(row, PDF_COL, entry.pdf, entry.pdf))
    if rows:
        spec.tables.append(Table(area, "Liste_des_rapports"))
    if any(entry.dimension == "Frontière" for entry in entries):
        b.skip()
        b.line([BORDER_NOTE], "note", merge_to=width - 1)
        spec.row_heights[b.row - 1] = 30
    widths = list(INDEX_WIDTHS)
    for col, names in ((FILE_COL, [e.file for e in entries]),
                       (PDF_COL, [e.pdf or "" for e in entries])):  # whole names, never cut
        widths[col] = max([widths[col], *(len(name) + 2 for name in names)])
    for offset, entry in enumerate(entries, start=1):  # long group labels wrap
        label = str(rows[offset - 1][1])
        lines = -(-len(label) // (INDEX_WIDTHS[1] - 2))
        if lines > 1:
            spec.row_heights[area.first_row + offset] = 15 * min(lines, 4)
    spec.column_widths = dict(enumerate(widths))
    spec.row_heights[area.first_row] = 30
    spec.freeze = (area.first_row + 1, FILE_COL)
    spec.print_setup = PrintSetup(repeat_rows=(area.first_row, area.first_row),
                                  header=page_header("Rapports du programme de travail"))
    spec.selected = (area.first_row + 1, FILE_COL) if rows else (0, 0)
    return spec, links
