"""Find the header row and map programme fields to columns by their header text.

A header names a field when its whole normalised text (case, accents, spaces and signs ignored,
an optional unit such as ``(€)`` or ``(j)`` removed) is one of the field's names: never by
prefix, so ``Budget prévu 2022 (€)`` or ``Budget prévu TTC (€)`` beside ``Budget prévu (€)``
are other columns, ignored. The names are listed once here (``FIELDS``); docs/rules.md repeats
them for users.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from motxl.core.grid import Grid, column_letter
from motxl.core.text import fold
from motxl.errors import MotxlError

HEADER_SEARCH_ROWS = 30

#: field → the folded names that mean it (the first is what motxl writes, folded).
FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("axe", "code"),
    "label": ("libelle", "libelledelaction", "intitule", "intituledelaction"),
    "person": ("responsable", "responsables"),
    "funding": ("financement",),
    "days_planned": ("joursprevus", "nombredejoursprevus"),
    "budget_planned": ("budgetprevu",),
    "days_actual": ("joursrealises", "nombredejoursrealises"),
    "spent_actual": ("depensesrealisees",),
    "status": ("statut",),
    "deadline": ("echeance", "datedecheance"),
    "comment": ("commentaire", "commentaires"),
}
#: The label header may also be the programme's title: PROGRAMME, PROGRAMME 2023,
#: PROGRAMME 2023 - projet, Programme de travail 2023.
_PROGRAMME_LABEL = re.compile(r"^programme(?:detravail)?(?:20\d\d)?(?:projet)?$")
#: A unit at the end of a header, removed before matching: (€), (EUR), (euros), (j), (jours).
_UNIT = re.compile(r"\s*\(\s*(?:€|eur|euros?|j|jours?)\s*\)\s*$", re.IGNORECASE)
_LOOKUP = {name: field_name for field_name, names in FIELDS.items() for name in names}
#: Fields a sheet cannot do without (a second such column makes the file unusable).
REQUIRED = ("code", "label")

#: The header text motxl writes for each field (the workbook and the reports use these).
HEADER_TEXT = {
    "code": "Axe",
    "label": "PROGRAMME 2023 - projet",
    "person": "Responsable",
    "funding": "Financement",
    "days_planned": "Jours prévus",
    "budget_planned": "Budget prévu (€)",
    "days_actual": "Jours réalisés",
    "spent_actual": "Dépenses réalisées (€)",
    "status": "Statut",
    "deadline": "Échéance",
    "comment": "Commentaire",
}


def header_key(header: str) -> str:
    """'Budget prévu (€)' → 'budgetprevu'; 'Jours prévus (j)' → 'joursprevus'."""
    return fold(_UNIT.sub("", header))


def field_of(header: object) -> str | None:
    """The field a header cell names, or None."""
    if not isinstance(header, str):
        return None
    key = header_key(header)
    if not key:
        return None
    name = _LOOKUP.get(key)
    if name is None and _PROGRAMME_LABEL.match(key):
        return "label"
    return name


def near_field(header: object) -> str | None:
    """The field whose name a header not recognised starts with (``Budget prévu 2022 (€)``
    → budget_planned): such a column is ignored, and Validate says so."""
    if not isinstance(header, str) or field_of(header) is not None:
        return None
    key = header_key(header)
    for name, names in FIELDS.items():
        if name != "label" and any(key.startswith(n) for n in names if len(n) > 4):
            return name
    return None


class HeaderRow(NamedTuple):
    row: int
    columns: dict[str, int]  # field → 1-based column index (the first, when named twice)
    texts: dict[str, str]  # field → header text as written
    #: optional field named twice or more → the cells naming it ('F1', 'K1'), first one read
    duplicates: dict[str, list[str]]
    #: cell → (header text, field it looks like), for columns ignored though near a field name
    near: dict[str, tuple[str, str]]


def find_header(grid: Grid) -> HeaderRow:
    """The first row (within the first 30 of the sheet) holding both a code and a label header."""
    last = min(len(grid.rows), HEADER_SEARCH_ROWS - grid.first_row + 1)
    for offset in range(max(last, 0)):
        row_number = grid.first_row + offset
        found: dict[str, list[int]] = {}
        for c, value in enumerate(grid.rows[offset]):
            name = field_of(value)
            if name:
                found.setdefault(name, []).append(grid.first_col + c)
        if "code" not in found or "label" not in found:
            continue
        duplicates: dict[str, list[str]] = {}
        for name, cols in found.items():
            if len(cols) < 2:
                continue
            cells = [f"{column_letter(c)}{row_number}" for c in cols]
            if name in REQUIRED:
                shown = " et ".join(f"{cell} « {grid.value(row_number, c)} »"
                                    for cell, c in zip(cells, cols))
                raise MotxlError(
                    f"La feuille « {grid.sheet} » a deux colonnes « {HEADER_TEXT[name]} » "
                    f"({shown}) : renommez ou supprimez l'une des deux.")
            duplicates[name] = cells
        near: dict[str, tuple[str, str]] = {}
        for c, value in enumerate(grid.rows[offset]):
            close = near_field(value)
            if close:
                near[f"{column_letter(grid.first_col + c)}{row_number}"] = (str(value), close)
        columns = {name: cols[0] for name, cols in found.items()}
        texts = {name: str(grid.value(row_number, col)) for name, col in columns.items()}
        return HeaderRow(row_number, columns, texts, duplicates, near)
    raise MotxlError(
        f"La feuille « {grid.sheet} » n'a pas d'en-tête de programme dans ses "
        f"{HEADER_SEARCH_ROWS} premières lignes : il faut une colonne « Axe » (ou « Code ») "
        "et une colonne « Libellé » (ou « PROGRAMME … »)."
    )
