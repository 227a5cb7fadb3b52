"""The Suivi tab: one row per action with its figures, its state and its flags at the situation
date, coloured by state (one action, one colour), in a filter table.

The state and its precedence are ``motxl.core.situation``'s; the colours are the palette's.
Each flag keeps its own column, so that a reader can filter on "late" even where the row is
amber because the action is pending.
"""

from __future__ import annotations

from motxl.core.grid import column_letter
from motxl.core.model import Action, Programme
from motxl.core.situation import STATE_LABELS, STATE_ORDER, Situation, flags
from motxl.core.text import without_funding_tag
from motxl.presentation.builder import TabBuilder
from motxl.presentation.names import SUIVI
from motxl.presentation.palette import STATE_TONES, NEUTRAL, tone_name
from motxl.presentation.spec import (MAX_LINKS, Area, ConditionalFormat, Link, PrintSetup, Table,
                                     TabSpec)
from motxl.presentation.synthese import page_header, situation_line

FLAG_HEADERS = ["En retard", "Échéance proche", "En attente", "Dépassement", "Non démarrée"]
FLAG_KEYS = ("late", "due_soon", "pending", "over", "not_started")
HEADER = ["Axe", "Objectif", "Sous-objectif", "Libellé", "Responsable", "Financement",
          "Statut", "Échéance", "Jours prévus", "Jours réalisés", "Budget prévu (€)",
          "Dépensé (€)", "Taux budget", "État", *FLAG_HEADERS, "Ligne"]
WIDTHS = [6, 9, 12, 56, 16, 14, 12, 12, 10, 10, 13, 13, 9, 15, 9, 11, 10, 12, 11, 7]
STYLES = {3: "text", 7: "date", 8: "days", 9: "days", 10: "euro", 11: "euro", 12: "percent",
          13: "center", 14: "center", 15: "center", 16: "center", 17: "center", 18: "center",
          19: "integer"}
YES = "Oui"
LEGEND_LINK = " ; « Ligne » mène à la ligne du programme."
LEGEND = ("Couleur de la ligne = son état, dans cet ordre de priorité : gris abandonnée · orange "
          "en attente · rouge en retard ou en dépassement · vert réalisée · orange échéance "
          "proche (30 jours) · bleu non démarrée. Chaque indicateur a aussi sa colonne : filtrez "
          "avec les flèches de l'en-tête")


def _row(action: Action, situation: Situation) -> list:
    f = flags(action, situation.date)
    rate = (action.spent_actual or 0) / action.budget_planned if action.budget_planned else None
    return [action.axis, action.objective or "", action.sub_objective or "",
            without_funding_tag(action.label), action.person or "", action.funding or "",
            action.status or "", action.deadline, action.days_planned, action.days_actual,
            action.budget_planned, action.spent_actual, rate, STATE_LABELS[f.state],
            *(YES if getattr(f, k) else "" for k in FLAG_KEYS), action.row]


def suivi_tab(programme: Programme, *, situation: Situation, source_name: str,
              title: str = "Programme de travail — Suivi des actions",
              links: bool = True) -> TabSpec:
    """``links``: the « Ligne » cells link to the programme sheet (not in reports, which have
    no programme sheet: a cell that looks like a link must be one)."""
    spec = TabSpec(SUIVI, tab_color="548235")
    b = TabBuilder(spec)
    b.line([title], "title", merge_to=len(HEADER) - 1)
    b.line([situation_line(situation, source_name) + f" — {len(programme.actions)} actions"],
           "subtitle", merge_to=len(HEADER) - 1)
    legend = b.line([LEGEND + (LEGEND_LINK if links else ".")], "note", merge_to=len(HEADER) - 1)
    spec.row_heights[legend] = 30
    area = b.table(HEADER, [_row(a, situation) for a in programme.actions])
    b.column_styles(area, STYLES)
    spec.column_widths = dict(enumerate(WIDTHS))
    spec.row_heights[area.first_row] = 30
    spec.freeze = (area.first_row + 1, 4)
    spec.print_setup = PrintSetup(repeat_rows=(area.first_row, area.first_row),
                                  header=page_header(situation))
    line_col = HEADER.index("Ligne")
    linked = programme.actions[:MAX_LINKS] if links else []  # Excel's limit a sheet
    for i, action in enumerate(linked):
        row = area.first_row + 1 + i
        spec.links.append(Link(row, line_col, str(action.row), programme.sheet,
                               f"A{action.row}"))
    if linked:
        b.style(Area(area.first_row + 1, line_col, area.first_row + len(linked), line_col),
                "link")
    if programme.actions:
        spec.tables.append(Table(area, "Suivi_actions"))
        data = Area(area.first_row + 1, 0, area.last_row, area.last_col)
        state = f"${column_letter(HEADER.index('État') + 1)}{area.first_row + 2}"
        for key in STATE_ORDER:  # one rule per state: the state column holds one value
            tone = STATE_TONES[key]
            if tone != NEUTRAL:
                spec.conditional_formats.append(ConditionalFormat(
                    data, f'{state}="{STATE_LABELS[key]}"', tone_name(tone)))
    return spec
