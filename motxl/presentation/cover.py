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
from motxl.presentation.spec import (Area, Chart, Link, PrintSetup, Series, Table, TabSpec,
                                    page_header, situation_label)

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
    sub-objective for an objective, by axis otherwise. Only levels holding actions."""
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
            rows.append([code, level.label, level.actions, level.days_planned,
                         level.days_actual, level.budget_planned, level.spent_actual])
    return title, head, rows


#: Column widths of the cover: labels, values, figures, then the labels of the split.
COVER_WIDTHS = {0: 30, 1: 16, 2: 14, 3: 14, 4: 15, 5: 15, 6: 56}
CHART_COL = 4  # charts sit right of the key figures, over columns E..G
ROW_PX = 20  # default row height in pixels


def cover_tab(info: CoverInfo, rollup: Rollup, counts: dict[str, int], *, now: dt.datetime,
              contents: Sequence[str] = (), dimension_key: str = "") -> TabSpec:
    """The cover: title, group, source, date, key figures, contents, splits and two charts."""
    spec = TabSpec(COVER, tab_color="1F3864")
    b = TabBuilder(spec)
    last_col = len(COVER_WIDTHS) - 1
    year = f" {info.year}" if info.year else ""
    b.line([f"Rapport — {info.title}"], "title", merge_to=last_col)
    spec.row_heights[0] = 24
    b.line([f"Programme de travail{year} de la Mission Opérationnelle Transfrontalière"],
           "subtitle", merge_to=last_col)
    if info.description:
        row = b.line([info.description], "section", "text", merge_to=last_col)
        lines = -(-len(info.description) * 5 // (4 * sum(COVER_WIDTHS.values())))
        spec.row_heights[row] = 17 * max(1, min(lines, 6))
    b.skip()

    charts_top = b.row
    b.line(["Informations"], "section")
    about = [["Regroupement", info.dimension], ["Groupe", info.group],
             ["Classeur source", info.source_name], ["Feuille", info.sheet],
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
    split_area = None
    if rows:
        charts_end = charts_top + (doughnut_px + column_px) // ROW_PX + 2
        b.skip(max(0, charts_end - b.row))  # the split spans all columns: below the charts
        b.line([title], "section")
        split_area = b.table([head, "Actions", "Jours prévus", "Jours réalisés",
                              "Budget prévu (€)", "Dépensé (€)", "Libellé"],
                             [[r[0], *r[2:], r[1]] for r in rows])
        b.column_styles(split_area, {1: "integer", 2: "days", 3: "days", 4: "euro", 5: "euro",
                                     6: "text"})
        spec.row_heights[split_area.first_row] = 30

    if status_area is not None:
        first, last = status_area.first_row + 1, status_area.last_row
        spec.charts.append(Chart(
            kind="doughnut", title="Actions par statut",
            series=(Series("Actions", Area(first, 0, last, 0), Area(first, 1, last, 1)),),
            anchor=(charts_top, CHART_COL), width_px=600, height_px=doughnut_px))
    if split_area is not None:
        first, last = split_area.first_row + 1, split_area.last_row
        categories = Area(first, 0, last, 0)
        spec.charts.append(Chart(
            kind="column", title=f"Budget prévu et dépensé — {title.lower()} (€)",
            series=(Series("Budget prévu", categories, Area(first, 4, last, 4), "2F5597"),
                    Series("Dépensé", categories, Area(first, 5, last, 5), "ED7D31")),
            anchor=(charts_top + doughnut_px // ROW_PX + 1, CHART_COL), width_px=600,
            height_px=column_px, number_format='#,##0 "€"'))

    spec.column_widths = dict(COVER_WIDTHS)
    spec.print_setup = PrintSetup(header=page_header(situation_label(info.year, info.situation)))
    spec.selected = (0, 0)
    return spec


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


INDEX_HEADER = ["Regroupement", "Groupe", "Libellé", "Rapport", "PDF", "Actions",
                "Jours prévus", "Jours réalisés", "Taux jours", "Budget prévu (€)",
                "Dépensé (€)", "Taux budget", "Erreurs", "Avertissements", "Produit le",
                "Source"]
FILE_COL, PDF_COL = 3, 4
INDEX_STYLES = {2: "text", 5: "integer", 6: "days", 7: "days", 8: "percent", 9: "euro",
                10: "euro", 11: "percent", 12: "integer", 13: "integer", 14: "date"}
INDEX_WIDTHS = [14, 22, 40, 34, 22, 9, 12, 12, 10, 15, 15, 10, 9, 14, 12, 24]


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
        rows.append([entry.dimension, entry.group, entry.description, entry.file,
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
    spec.column_widths = dict(enumerate(INDEX_WIDTHS))
    spec.row_heights[area.first_row] = 30
    spec.freeze = (area.first_row + 1, 3)
    spec.print_setup = PrintSetup(repeat_rows=(area.first_row, area.first_row),
                                  header=page_header("Rapports du programme de travail"))
    spec.selected = (area.first_row + 1, FILE_COL) if rows else (0, 0)
    return spec, links
