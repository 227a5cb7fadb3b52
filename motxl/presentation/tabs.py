"""``build_tabs``: the Synthèse, Suivi and Contrôles tabs of a programme, as TabSpecs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from motxl.core.findings import ValidationReport
from motxl.core.model import Programme
from motxl.core.rollup import Rollup
from motxl.core.situation import Situation, resolve
from motxl.presentation.controles import controles_tab
from motxl.presentation.spec import TabSpec, page_header, situation_label
from motxl.presentation.suivi import suivi_tab
from motxl.presentation.synthese import synthese_tab

__all__ = ["build_tabs"]


def build_tabs(programme: Programme, report: ValidationReport, rollup: Rollup, *,
               situation: Situation | dt.date | None = None, now: dt.datetime | None = None,
               source_name: str = "", title_prefix: str = "",
               links: bool = True, history=None) -> list[TabSpec]:
    """[Synthèse, Suivi, Contrôles] for a programme (or a group of it, with a title prefix),
    as of ``situation``: else the rollup's date, else the day of ``now`` (the clock).
    ``links``: Suivi links to the programme sheet (False for reports, which do not hold it).
    ``history``: the situations recorded so far, (date, total figures) in date order, for the
    Synthèse's chart « Consommation dans le temps »."""
    if situation is None:
        today = (now or dt.datetime.now()).date()
        situation = resolve(rollup.as_of, None, today=today)
    elif not isinstance(situation, Situation):  # a date given by the caller
        situation = Situation(situation, "option")
    source_name = source_name or programme.source
    year = f" {programme.year}" if programme.year else ""
    base = f"{title_prefix}Programme de travail{year}"
    tabs = [
        synthese_tab(rollup, situation=situation, source_name=source_name,
                     title=f"{base} — Synthèse", history=history),
        suivi_tab(programme, situation=situation, source_name=source_name,
                  title=f"{base} — Suivi des actions", links=links),
        controles_tab(report, situation=situation, source_name=source_name,
                      title=f"{base} — Contrôles"),
    ]
    header = page_header(situation_label(programme.year, situation.date))
    for tab in tabs:
        tab.print_setup = replace(tab.print_setup, header=header)
    return tabs
