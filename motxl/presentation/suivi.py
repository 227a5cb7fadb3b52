"""The Suivi tab: one row per action with its figures and flags, traffic lights, a filter table."""

from __future__ import annotations

import datetime as dt

from motxl.core.model import Action, Programme
from motxl.presentation.builder import TabBuilder
from motxl.presentation.names import SUIVI
from motxl.presentation.spec import (Area, ConditionalFormat, PrintSetup, Table, TabSpec)
from motxl.presentation.synthese import situation_line

HEADER = ["Axe", "Objectif", "Sous-objectif", "Libellé", "Responsable", "Financement",
          "Statut", "Échéance", "Jours prévus", "Jours réalisés", "Budget prévu (€)",
          "Dépensé (€)", "Taux budget", "En retard", "En attente", "Dépassement",
          "Non démarrée", "Ligne"]
WIDTHS = [6, 9, 12, 60, 16, 14, 12, 12, 10, 10, 14, 14, 10, 10, 10, 12, 11, 7]
STYLES = {3: "text", 7: "date", 8: "days", 9: "days", 10: "euro", 11: "euro", 12: "percent",
          13: "center", 14: "center", 15: "center", 16: "center", 17: "integer"}
YES = "Oui"


def flags(action: Action, today: dt.date) -> dict[str, bool]:
    """The monitoring flags of an action (documented in the README)."""
    done = action.status in ("Réalisé", "Abandonné")
    over = ((action.spent_actual or 0) > (action.budget_planned or 0)
            or (action.days_actual or 0) > (action.days_planned or 0))
    started = bool(action.days_actual or action.spent_actual)
    return {
        "late": action.deadline is not None and action.deadline < today and not done,
        "pending": action.pending,
        "over": over,
        "not_started": action.status == "À lancer" or (action.status is None and not started),
    }


def _row(action: Action, today: dt.date) -> list:
    f = flags(action, today)
    rate = (action.spent_actual or 0) / action.budget_planned if action.budget_planned else None
    return [action.axis, action.objective or "", action.sub_objective or "", action.label,
            action.person or "", action.funding or "", action.status or "", action.deadline,
            action.days_planned, action.days_actual, action.budget_planned, action.spent_actual,
            rate, *(YES if f[k] else "" for k in ("late", "pending", "over", "not_started")),
            action.row]


def suivi_tab(programme: Programme, *, now: dt.datetime, source_name: str,
              title: str = "Programme de travail — Suivi des actions") -> TabSpec:
    today = now.date()
    spec = TabSpec(SUIVI, tab_color="548235")
    b = TabBuilder(spec)
    b.line([title], "title", merge_to=len(HEADER) - 1)
    b.line([situation_line(now, source_name) + f" — {len(programme.actions)} actions"],
           "subtitle", merge_to=len(HEADER) - 1)
    b.line(["Rouge : en retard ou en dépassement · orange : en attente · vert : réalisée · "
            "gris : abandonnée. Filtrez avec les flèches de l'en-tête."], "note",
           merge_to=len(HEADER) - 1)
    area = b.table(HEADER, [_row(a, today) for a in programme.actions])
    b.column_styles(area, STYLES)
    spec.column_widths = dict(enumerate(WIDTHS))
    spec.row_heights[area.first_row] = 30
    spec.freeze = (area.first_row + 1, 4)
    spec.print_setup = PrintSetup(repeat_rows=(area.first_row, area.first_row))
    if programme.actions:
        spec.tables.append(Table(area, "Suivi_actions"))
        data = Area(area.first_row + 1, 0, area.last_row, area.last_col)
        top = area.first_row + 2  # Excel row number of the first data row

        def col(name: str) -> str:
            from motxl.core.grid import column_letter

            return f"${column_letter(HEADER.index(name) + 1)}{top}"

        spec.conditional_formats += [
            ConditionalFormat(data, f'OR({col("En retard")}="{YES}",{col("Dépassement")}="{YES}")',
                              "red"),
            ConditionalFormat(data, f'{col("En attente")}="{YES}"', "amber"),
            ConditionalFormat(data, f'{col("Statut")}="Réalisé"', "green"),
            ConditionalFormat(data, f'{col("Statut")}="Abandonné"', "grey"),
        ]
    return spec
