"""The programme as plain data: headings, actions and the raw rows they came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FUNDINGS = ("Socle", "Sur-mesure", "Marché public")
STATUSES = ("À lancer", "En cours", "Réalisé", "En attente", "Abandonné")
AMOUNT_FIELDS = ("days_planned", "days_actual", "budget_planned", "spent_actual")
LEVEL_NAMES = {1: "axe", 2: "objectif", 3: "sous-objectif"}


class Heading(BaseModel):
    """An axis (level 1), objective (2) or sub-objective (3): the first row carrying its code."""

    code: str
    level: int
    label: str
    row: int
    funding: str | None = None  # from the axis tag [SOCLE] / [SUR-MESURE], axes only


class Action(BaseModel):
    """A row under a heading: the unit that is planned, counted and tracked."""

    row: int
    code: str  # the code of the heading it hangs from
    axis: str
    objective: str | None = None
    sub_objective: str | None = None
    label: str
    person: str | None = None
    funding: str | None = None
    status: str | None = None
    deadline: dt.date | None = None
    comment: str | None = None
    days_planned: float | None = None
    days_actual: float | None = None
    budget_planned: float | None = None
    spent_actual: float | None = None
    borders: list[str] = Field(default_factory=list)
    institutions: list[str] = Field(default_factory=list)
    pending: bool = False


RowKind = Literal["blank", "heading", "action", "unplaced"]


@dataclass(slots=True)
class SourceRow:
    """One sheet row of the programme area, with its raw cells by field, for the checks.

    A plain dataclass, not a pydantic model: it holds raw cell values (any type) and is built
    once per row, so validation would only cost time.
    """

    row: int
    kind: RowKind
    cells: dict[str, Any] = field(default_factory=dict)
    code: str | None = None  # normalised code ('3.3.' → '3.3'), None if absent or invalid


class Programme(BaseModel):
    """The parsed programme sheet. ``columns`` maps field names to column letters."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    source: str = ""
    sheet: str
    header_row: int
    columns: dict[str, str]
    year: int | None = None
    #: where the year was read: option, header, title, sheet, file or none
    year_source: str = "none"
    label_header: str = ""  # the label column's header, as typed
    #: optional field named by two columns or more → their header cells (the first is read)
    duplicate_columns: dict[str, list[str]] = Field(default_factory=dict)
    #: header cell → (its text, the field it looks like) for columns ignored on purpose
    ignored_columns: dict[str, tuple[str, str]] = Field(default_factory=dict)
    last_row: int
    last_column: str
    headings: list[Heading] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    rows: list[SourceRow] = Field(default_factory=list, exclude=True, repr=False)

    @cached_property
    def headings_by_code(self) -> dict[str, Heading]:
        return {h.code: h for h in self.headings}
