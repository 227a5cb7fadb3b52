"""Output tabs described once, as plain data (TabSpec); render adapters draw them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from motxl.core.findings import ValidationReport
from motxl.core.model import Programme
from motxl.core.rollup import Rollup
from motxl.presentation.controles import controles_tab
from motxl.presentation.names import CONTROLES, OWN_TABS, SUIVI, SYNTHESE
from motxl.presentation.spec import TabSpec, page_header, situation_label
from motxl.presentation.suivi import suivi_tab
from motxl.presentation.synthese import synthese_tab

__all__ = ["build_tabs", "OWN_TABS", "SYNTHESE", "SUIVI", "CONTROLES", "TabSpec"]


def build_tabs(programme: Programme, report: ValidationReport, rollup: Rollup, *,
               now: dt.datetime | None = None, source_name: str = "",
               title_prefix: str = "", situation: dt.date | None = None,
               history=None) -> list[TabSpec]:
    """[Synthèse, Suivi, Contrôles] for a programme (or a group of it, with a title prefix).

    Every tab prints the same page header: the situation date (or the programme's year).
    ``history``: the situations recorded so far, (date, total figures) in date order, for the
    Synthèse's chart « Consommation dans le temps ».
    """
    now = (now or dt.datetime.now()).replace(second=0, microsecond=0)
    source_name = source_name or programme.source
    year = f" {programme.year}" if programme.year else ""
    base = f"{title_prefix}Programme de travail{year}"
    tabs = [
        synthese_tab(rollup, now=now, source_name=source_name, title=f"{base} — Synthèse",
                     history=history),
        suivi_tab(programme, now=now, source_name=source_name,
                  title=f"{base} — Suivi des actions"),
        controles_tab(report, now=now, source_name=source_name, title=f"{base} — Contrôles"),
    ]
    header = page_header(situation_label(programme.year, situation))
    for tab in tabs:
        tab.print_setup = replace(tab.print_setup, header=header)
    return tabs
