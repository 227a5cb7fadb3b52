"""The names of the tabs motxl owns in the programme workbook, and the one rule that says
whether a sheet name is one of them.

A user types ``Synthese``, ``synthèse `` or ``SYNTHÈSE`` for ``Synthèse``: sheet names are
compared by ``core.text.fold`` (case, accents, spaces and punctuation ignored). The file
refresh, the Excel buttons and the reports all go through ``find_tab`` / ``own_tab``.
"""

from __future__ import annotations

from typing import Iterable

from motxl.core.text import fold

__all__ = ["SYNTHESE", "SUIVI", "CONTROLES", "OWN_TABS", "MARK_NAME", "tab_key", "find_tab",
           "own_tab"]

SYNTHESE = "Synthèse"
SUIVI = "Suivi"
CONTROLES = "Contrôles"
OWN_TABS = (SYNTHESE, SUIVI, CONTROLES)
#: The motxl mark: a sheet-scoped defined name motxl puts on every tab it writes, so that a
#: later refresh knows whether it replaces its own tab or a sheet the user made.
MARK_NAME = "motxl_onglet"
MARK_VALUE = '"motxl"'


def tab_key(name: str) -> str:
    """What two sheet names must share to be the same tab."""
    return fold(name)


def find_tab(name: str, existing: Iterable[str]) -> str | None:
    """The sheet of ``existing`` that is tab ``name``: the same name exactly, else the same
    name in another case (Excel forbids two such sheets), else the only sheet with the same
    ``tab_key``; None when there is none, or several and none exact."""
    names = list(existing)
    if name in names:
        return name
    same_case = [n for n in names if n.casefold() == name.casefold()]
    if same_case:
        return same_case[0]
    key = tab_key(name)
    matches = [n for n in names if tab_key(n) == key]
    return matches[0] if len(matches) == 1 else None


def own_tab(sheet: str) -> str | None:
    """The tab of ``OWN_TABS`` that sheet name ``sheet`` stands for, or None."""
    key = tab_key(sheet)
    return next((tab for tab in OWN_TABS if tab_key(tab) == key), None)
