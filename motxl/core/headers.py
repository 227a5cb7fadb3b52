"""Find the header row and map programme fields to columns by their header text."""

from __future__ import annotations

from dataclasses import dataclass

from motxl.core.grid import Grid, column_letter
from motxl.core.text import fold
from motxl.errors import MotxlError

HEADER_SEARCH_ROWS = 30

#: field → (exact folded names, folded prefixes). Folding ignores case, accents, spaces, signs.
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "code": (("axe", "code"), ()),
    "label": (("libelle",), ("programme",)),
    "person": (("responsable",), ()),
    "funding": (("financement",), ()),
    "days_planned": (("joursprevus",), ()),
    "budget_planned": (("budgetprevu",), ("budgetprevu",)),
    "days_actual": (("joursrealises",), ()),
    "spent_actual": (("depensesrealisees",), ("depensesrealisees",)),
    "status": (("statut",), ()),
    "deadline": (("echeance",), ()),
    "comment": (("commentaire", "commentaires"), ()),
}

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


def field_of(header: object) -> str | None:
    """The field a header cell names, or None."""
    if not isinstance(header, str):
        return None
    key = fold(header)
    if not key:
        return None
    for name, (exact, prefixes) in FIELDS.items():
        if key in exact or any(key.startswith(p) for p in prefixes):
            return name
    return None


@dataclass(frozen=True)
class HeaderRow:
    row: int
    columns: dict[str, int]  # field → 1-based column index
    texts: dict[str, str]  # field → header text as written


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
        if "code" in found and "label" in found:
            for name, cols in found.items():
                if len(cols) > 1:
                    cells = " et ".join(f"{column_letter(c)}{row_number}" for c in cols)
                    raise MotxlError(
                        f"La feuille « {grid.sheet} » a deux colonnes « {HEADER_TEXT[name]} » "
                        f"({cells}) : renommez ou supprimez l'une des deux."
                    )
            columns = {name: cols[0] for name, cols in found.items()}
            texts = {name: str(grid.value(row_number, col)) for name, col in columns.items()}
            return HeaderRow(row_number, columns, texts)
    raise MotxlError(
        f"La feuille « {grid.sheet} » n'a pas d'en-tête de programme dans ses "
        f"{HEADER_SEARCH_ROWS} premières lignes : il faut une colonne « Axe » (ou « Code ») "
        "et une colonne « Libellé » (ou « PROGRAMME … »)."
    )
