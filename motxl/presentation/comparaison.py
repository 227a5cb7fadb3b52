"""The Comparaison tab: what changed between two versions of the programme.

First the deltas (per axis, per funding, total: old, new, difference in red or green), then one
filterable table per kind of change (added, removed, moved, relabelled, changed) with the old
and new values side by side, then the headings that changed. Unchanged actions are only counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from motxl.core.compare import ActionChange, Changes, Delta, FieldChange
from motxl.core.grid import column_letter
from motxl.presentation.builder import TabBuilder
from motxl.presentation.spec import (Area, ConditionalFormat, PrintSetup, Table, TabSpec,
                                    page_header)

COMPARAISON = "Comparaison"
STATUS_FR = {"unchanged": "Inchangées", "changed": "Modifiées", "moved": "Déplacées",
             "relabelled": "Reformulées", "added": "Ajoutées", "removed": "Supprimées"}
HEADING_STATUS_FR = {"unchanged": "inchangé", "moved": "renuméroté", "renamed": "renommé",
                     "added": "ajouté", "removed": "supprimé"}
LEVEL_FR = {1: "Axe", 2: "Objectif", 3: "Sous-objectif"}
FIELD_FR = {"label": "Libellé", "person": "Responsable", "funding": "Financement",
            "status": "Statut", "deadline": "Échéance", "days_planned": "Jours prévus",
            "days_actual": "Jours réalisés", "budget_planned": "Budget prévu",
            "spent_actual": "Dépensé"}
#: Why each list is there, under its title.
LIST_NOTES = {
    "added": "Actions de la nouvelle version sans équivalent dans l'ancienne.",
    "removed": "Actions de l'ancienne version sans équivalent dans la nouvelle.",
    "moved": "Même action sous un autre code (libellé identique, ou très proche : voir la "
             "similarité).",
    "relabelled": "Même code, libellé reformulé (similarité à partir de 70 %).",
    "changed": "Même code et même libellé ; un ou plusieurs champs ont changé.",
}
LIST_ORDER = ("added", "removed", "moved", "relabelled", "changed")
DELTA_HEADER = ["Axe", "Libellé", "Actions (anc.)", "Actions (nouv.)", "Écart actions",
                "Jours prévus (anc.)", "Jours prévus (nouv.)", "Écart jours",
                "Budget prévu (anc.)", "Budget prévu (nouv.)", "Écart budget"]
DELTA_STYLES = {2: "integer", 3: "integer", 4: "integer", 5: "days", 6: "days", 7: "days",
                8: "euro", 9: "euro", 10: "euro"}
LIST_HEADER = ["Code", "Libellé", "Ancien code", "Similarité", "Jours prévus (anc.)",
               "Jours prévus (nouv.)", "Budget prévu (anc.)", "Budget prévu (nouv.)",
               "Dépensé (anc.)", "Dépensé (nouv.)", "Statut", "Ancien libellé",
               "Autres changements"]
LIST_STYLES = {1: "text", 3: "percent", 4: "days", 5: "days", 6: "euro", 7: "euro", 8: "euro",
               9: "euro", 11: "text", 12: "text"}
SHOWN_FIELDS = {"label", "days_planned", "budget_planned", "spent_actual"}  # in their columns
WIDTHS = [14, 50, 11, 11, 12, 12, 13, 13, 12, 12, 11, 40, 40]


def version_line(label: str, changes_side) -> str:
    year = f", programme {changes_side.year}" if changes_side.year else ""
    name = str(changes_side.source).replace("\\", "/").rsplit("/", 1)[-1]
    return (f"{label} : {name} (feuille « {changes_side.sheet} »{year}, "
            f"{len(changes_side.actions)} actions)")


def value_text(value: Any) -> str:
    if value is None:
        return "(vide)"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "\u202f").replace(".", ",")
    return str(value)


def other_changes(changes: list[FieldChange]) -> str:
    return " ; ".join(f"{FIELD_FR[c.field]} : {value_text(c.old)} → {value_text(c.new)}"
                      for c in changes if c.field not in SHOWN_FIELDS)


def _list_row(change: ActionChange) -> list:
    old, new = change.old, change.new
    main = new or old
    assert main is not None
    relabelled = old is not None and new is not None and old.label != new.label
    return [main.code, main.label,
            old.code if old is not None and new is not None and old.code != new.code else "",
            change.similarity if change.status in ("moved", "relabelled") else None,
            old.days_planned if old else None, new.days_planned if new else None,
            old.budget_planned if old else None, new.budget_planned if new else None,
            old.spent_actual if old else None, new.spent_actual if new else None,
            main.status or "", old.label if relabelled and old else "",
            other_changes(change.changes)]


def _delta_row(key: str, delta: Delta, label: str | None = None) -> list:
    o, n = delta.old, delta.new
    return [key, delta.label if label is None else label, o.actions, n.actions, n.actions - o.actions, o.days_planned,
            n.days_planned, n.days_planned - o.days_planned, o.budget_planned, n.budget_planned,
            n.budget_planned - o.budget_planned]


def _delta_table(spec: TabSpec, b: TabBuilder, title: str, key_name: str,
                 rows: list[list]) -> None:
    b.line([title], "section")
    header = [key_name, *DELTA_HEADER[1:]]
    area = b.table(header, rows)
    b.column_styles(area, {1: "text", **DELTA_STYLES})
    b.style(Area(area.last_row, 0, area.last_row, area.last_col), "total")
    for col in (4, 7, 10):  # the differences: green up, red down
        cells = Area(area.first_row + 1, col, area.last_row, col)
        ref = f"{column_letter(col + 1)}{area.first_row + 2}"
        spec.conditional_formats.append(ConditionalFormat(cells, f"{ref}>0", "green"))
        spec.conditional_formats.append(ConditionalFormat(cells, f"{ref}<0", "red"))


def comparaison_tab(changes: Changes, *, now: dt.datetime,
                    title: str = "Programme de travail — Comparaison de deux versions"
                    ) -> TabSpec:
    spec = TabSpec(COMPARAISON, tab_color="7030A0")
    b = TabBuilder(spec)
    width = len(LIST_HEADER)
    b.line([title], "title", merge_to=width - 1)
    b.line([version_line("Ancienne version", changes.old)], "subtitle", merge_to=width - 1)
    b.line([version_line("Nouvelle version", changes.new)], "subtitle", merge_to=width - 1)
    b.line([f"Comparaison faite le {now:%d/%m/%Y à %H:%M}"], "subtitle", merge_to=width - 1)
    b.skip()

    counts = changes.counts
    b.line(["Actions par type de changement"], "section")
    area = b.table(["Changement", "Nombre"],
                   [[STATUS_FR[s], counts[s]] for s in STATUS_FR])
    b.column_styles(area, {1: "integer"})
    b.skip()

    _delta_table(spec, b, "Écarts par axe", "Axe",
                 [_delta_row(f"Axe {d.key}", d) for d in changes.axes]
                 + [_delta_row("Total", changes.totals)])
    b.skip()
    _delta_table(spec, b, "Écarts par financement", "Financement",
                 [_delta_row(d.key, d, "") for d in changes.fundings]
                 + [_delta_row("Total", changes.totals)])

    for status in LIST_ORDER:
        listed = changes.of(status)  # type: ignore[arg-type]
        b.skip()
        b.line([f"Actions {STATUS_FR[status].lower()} ({len(listed)})"], "section")
        b.line([LIST_NOTES[status]], "note", merge_to=width - 1)
        if not listed:
            b.line(["Aucune."], "note")
            continue
        area = b.table(LIST_HEADER, [_list_row(c) for c in listed])
        b.column_styles(area, LIST_STYLES)
        spec.tables.append(Table(area, f"Comparaison_{status}"))

    headings = [h for h in changes.headings if h.status != "unchanged"]
    b.skip()
    b.line([f"Axes, objectifs et sous-objectifs modifiés ({len(headings)})"], "section")
    if headings:
        rows = []
        for h in headings:
            main = h.new or h.old
            assert main is not None
            label = main.label
            if h.status == "renamed" and h.old is not None:
                label = f"{main.label}\n(avant : {h.old.label})"
            old_code = h.old.code if h.old is not None and h.new is not None \
                and h.old.code != h.new.code else ""
            rows.append([main.code, label, old_code, LEVEL_FR.get(h.level, ""),
                         HEADING_STATUS_FR[h.status]])
        area = b.table(["Code", "Intitulé", "Ancien code", "Niveau", "Changement"], rows)
        b.column_styles(area, {1: "text"})
        spec.tables.append(Table(area, "Comparaison_rubriques"))
    else:
        b.line(["Aucun."], "note")

    spec.column_widths = dict(enumerate(WIDTHS))
    spec.freeze = (5, 2)
    # The page header names the two versions compared, never the print date.
    old_year, new_year = changes.old.year, changes.new.year
    label = (f"Comparaison {old_year} / {new_year}" if old_year and new_year
             else "Comparaison de deux versions")
    spec.print_setup = PrintSetup(repeat_rows=(0, 0), header=page_header(label))
    return spec
