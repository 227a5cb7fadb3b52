"""The programme as plain data: headings, actions and the raw rows they came from.

Records are ``typing.NamedTuple`` (immutable, built in C-speed ``__new__``), not pydantic
models nor dataclasses: the parser already gives every field its type, and at start-up
importing pydantic took half of `motxl validate`, ``import dataclasses`` 12 ms (it loads
``inspect``) and each dataclass 1.3 ms to create, against 0.2 ms for a NamedTuple. See
docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Literal, NamedTuple

FUNDINGS = ("Socle", "Sur-mesure", "Marché public")
STATUSES = ("À lancer", "En cours", "Réalisé", "En attente", "Abandonné")
AMOUNT_FIELDS = ("days_planned", "days_actual", "budget_planned", "spent_actual")
LEVEL_NAMES = {1: "axe", 2: "objectif", 3: "sous-objectif"}


class Heading(NamedTuple):
    """An axis (level 1), objective (2) or sub-objective (3): the first row carrying its code."""

    code: str
    level: int
    label: str
    row: int
    funding: str | None = None  # from the axis tag [SOCLE] / [SUR-MESURE], axes only


class Action(NamedTuple):
    """A row under a heading: the unit that is planned, counted and tracked.

    The parser builds it with positional arguments (speed): change the order of the fields
    only together with ``parse._actions``."""

    row: int
    code: str  # the code of the heading it hangs from
    axis: str
    label: str
    objective: str | None = None
    sub_objective: str | None = None
    person: str | None = None
    funding: str | None = None
    status: str | None = None
    deadline: dt.date | None = None
    comment: str | None = None
    days_planned: float | None = None
    days_actual: float | None = None
    budget_planned: float | None = None
    spent_actual: float | None = None
    # The default list is shared by every action built without one: never mutate it (the
    # parser gives each action its own list).
    borders: list[str] = []
    institutions: list[str] = []
    pending: bool = False


RowKind = Literal["blank", "heading", "action", "unplaced"]


class SourceRow(NamedTuple):
    """One sheet row of the programme area, with its raw cells, for the checks.

    ``values`` holds the raw cell values (any type) of the programme's fields, in the order of
    ``Programme.field_index``: a tuple, not a dict, because there is one per row (100,000 rows:
    50 MB less).
    """

    row: int
    kind: RowKind
    values: tuple[Any, ...]
    code: str | None = None  # normalised code ('3.3.' → '3.3'), None if absent or invalid
    #: the row's Excel errors and formulas without result, any column: letter → value
    errors: dict[str, Any] | None = None


class Programme:
    """The parsed programme sheet. ``columns`` maps field names to column letters.

    The parser gives the actions as a function that builds them (``build_actions``), called
    the first time ``actions`` is read: the checks read the source rows only, so `validate`
    never builds them (a third of the parse at 100,000 actions).
    """

    __slots__ = ("source", "sheet", "header_row", "columns", "year", "year_source",
                 "label_header", "duplicate_columns", "ignored_columns", "last_row",
                 "last_column", "headings", "_actions", "_build_actions", "rows",
                 "field_index", "person_variants", "title_cells", "_headings_by_code",
                 "_action_rows")

    def __init__(self, *, sheet: str, header_row: int, columns: dict[str, str], last_row: int,
                 last_column: str, source: str = "", year: int | None = None,
                 year_source: str = "none", label_header: str = "",
                 duplicate_columns: dict[str, list[str]] | None = None,
                 ignored_columns: dict[str, tuple[str, str]] | None = None,
                 headings: list[Heading] | None = None, actions: list[Action] | None = None,
                 rows: list[SourceRow] | None = None,
                 field_index: dict[str, int] | None = None,
                 person_variants: dict[str, dict[str, list[int]]] | None = None,
                 title_cells: dict[tuple[int, int], Any] | None = None,
                 build_actions: Callable[[], list[Action]] | None = None,
                 action_rows: list[SourceRow] | None = None) -> None:
        self.source = source
        self.sheet = sheet
        self.header_row = header_row
        self.columns = columns
        self.year = year
        #: where the year was read: option, header, title, sheet, file or none
        self.year_source = year_source
        self.label_header = label_header  # the label column's header, as typed
        #: optional field named by two columns or more → their header cells (the first is read)
        self.duplicate_columns = duplicate_columns if duplicate_columns is not None else {}
        #: header cell → (its text, the field it looks like) for columns ignored on purpose
        self.ignored_columns = ignored_columns if ignored_columns is not None else {}
        self.last_row = last_row
        self.last_column = last_column
        self.headings = headings if headings is not None else []
        if actions is None and build_actions is None:
            actions = []
        self._actions: list[Action] | None = actions
        self._build_actions = build_actions if actions is None else None
        self.rows = rows if rows is not None else []
        #: field → its position in each ``SourceRow.values``
        self.field_index = field_index if field_index is not None else {}
        #: people written several ways: their key → each spelling as typed → its rows
        self.person_variants = person_variants if person_variants is not None else {}
        #: the filled cells above the header row, by (row, column), 1-based: the title area,
        #: where the workbook keeps its situation date (DateSituation)
        self.title_cells = title_cells if title_cells is not None else {}
        self._headings_by_code: dict[str, Heading] | None = None
        #: the parser's list of the actions' source rows (else derived from ``rows``)
        self._action_rows = action_rows

    @property
    def actions(self) -> list[Action]:
        if self._actions is None:
            assert self._build_actions is not None
            self._actions, self._build_actions = self._build_actions(), None
        return self._actions

    @property
    def action_rows(self) -> list[SourceRow]:
        """The source rows of the actions, in sheet order (what several checks read)."""
        if self._action_rows is None:
            self._action_rows = [source for source in self.rows if source.kind == "action"]
        return self._action_rows

    @property
    def headings_by_code(self) -> dict[str, Heading]:
        if self._headings_by_code is None:
            self._headings_by_code = {h.code: h for h in self.headings}
        return self._headings_by_code

    def __repr__(self) -> str:
        return (f"Programme(source={self.source!r}, sheet={self.sheet!r}, "
                f"headings={len(self.headings)}, actions={len(self.actions)})")
