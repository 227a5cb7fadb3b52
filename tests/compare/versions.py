"""Two versions of the seed programme: the second made from the first by a known list of edits.

Every action row of the old version gets an id (its old row number); the edits move rows
around, change them or drop them, and record what a correct comparison must say. The expected
answer comes from this edit list, never from motxl's own parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motxl.workbooks.writing import save_sheets
from tests.excel.programmes import seed_programme_rows

CODE, LABEL, PERSON, FUNDING, DAYS, BUDGET = 0, 1, 2, 3, 4, 5
HEADER_ROW = 3  # the seed's header row (1-based)


@dataclass
class Expected:
    """What the comparison must report, by old row id / new label."""

    statuses: dict[int, str] = field(default_factory=dict)  # old row → status (matched/removed)
    new_codes: dict[int, str] = field(default_factory=dict)  # old row → its code in the new
    fields: dict[int, set[str]] = field(default_factory=dict)  # old row → changed fields
    added: list[str] = field(default_factory=list)  # labels of added actions
    headings: dict[str, str] = field(default_factory=dict)  # old or new code → status


class Version:
    """The seed's rows, each tagged with the old row number of the action it holds."""

    def __init__(self) -> None:
        rows = seed_programme_rows()
        self.rows: list[tuple[int | None, list[Any]]] = []
        self.action_rows: set[int] = set()
        codes_seen: set[str] = set()
        for index, row in enumerate(rows):
            number = index + 1
            is_action = (number > HEADER_ROW and row and row[CODE] is not None
                         and _norm(row[CODE]) in codes_seen)
            if number > HEADER_ROW and row and row[CODE] is not None:
                codes_seen.add(_norm(row[CODE]))
            self.rows.append((number if is_action else None, list(row)))
            if is_action:
                self.action_rows.add(number)
        self.old_rows = [list(r) for _, r in self.rows]
        self.expected = Expected()

    # -- lookups
    def index_of(self, ident: int) -> int:
        return next(i for i, (tag, _) in enumerate(self.rows) if tag == ident)

    def row(self, ident: int) -> list[Any]:
        return self.rows[self.index_of(ident)][1]

    def old(self, ident: int) -> list[Any]:
        return self.old_rows[ident - 1]

    def _last_index_of_code(self, code: str) -> int:
        return max(i for i, (_, r) in enumerate(self.rows)
                   if r and r[CODE] is not None and _norm(r[CODE]) == code)

    # -- edits
    def add(self, code: str, label: str, person: str = "Inès Garnier", days: float = 5,
            budget: float = 3000) -> None:
        at = self._last_index_of_code(code) + 1
        self.rows.insert(at, (None, [code, label, person, None, days, budget, None, None,
                                     "À lancer", None, None]))
        self.expected.added.append(label)

    def remove(self, ident: int) -> None:
        del self.rows[self.index_of(ident)]
        self.expected.statuses[ident] = "removed"

    def move(self, ident: int, code: str) -> None:
        _, row = self.rows.pop(self.index_of(ident))
        row[CODE] = code
        self.rows.insert(self._last_index_of_code(code) + 1, (ident, row))
        self.expected.statuses[ident] = "moved"
        self.expected.new_codes[ident] = code

    def relabel(self, ident: int, label: str) -> None:
        self.row(ident)[LABEL] = label
        self.expected.statuses[ident] = "relabelled"
        self.expected.fields.setdefault(ident, set()).add("label")

    def change(self, ident: int, **values: Any) -> None:
        columns = {"person": PERSON, "funding": FUNDING, "days_planned": DAYS,
                   "budget_planned": BUDGET}
        for name, value in values.items():
            self.row(ident)[columns[name]] = value
            self.expected.fields.setdefault(ident, set()).add(name)
        self.expected.statuses.setdefault(ident, "changed")

    def renumber(self, old: str, new: str) -> None:
        """Objective ``old`` (and its sub-objectives and actions) becomes ``new``."""
        for tag, row in self.rows:
            if not row or row[CODE] is None:
                continue
            code = _norm(row[CODE])
            if code == old or code.startswith(old + "."):
                renamed = new + code[len(old):]
                row[CODE] = renamed
                if tag is not None:
                    self.expected.statuses.setdefault(tag, "moved")
                    self.expected.new_codes[tag] = renamed
                else:
                    self.expected.headings[renamed] = "moved"

    def rename_heading(self, code: str, label: str) -> None:
        row = next(r for _, r in self.rows if r and r[CODE] is not None
                   and _norm(r[CODE]) == code)
        row[LABEL] = label
        self.expected.headings[code] = "renamed"

    def remove_heading(self, code: str) -> None:
        """A sub-objective dropped with its actions."""
        for tag, row in list(self.rows):
            if row and row[CODE] is not None and _norm(row[CODE]) == code:
                self.rows.remove((tag, row))
                if tag is not None:
                    self.expected.statuses[tag] = "removed"
        self.expected.headings[code] = "removed"

    def insert_objective(self, before: str, code: str, label: str, sub_label: str,
                         action: str) -> None:
        at = next(i for i, (_, r) in enumerate(self.rows)
                  if r and r[CODE] is not None and _norm(r[CODE]) == before)
        blank = [None] * 9
        self.rows[at:at] = [(None, [code, label, *blank]),
                            (None, [f"{code}.1", sub_label, *blank]),
                            (None, [f"{code}.1", action, "Inès Garnier", None, 4, 2400, None,
                                    None, "À lancer", None, None])]
        self.expected.headings[code] = "added"
        self.expected.headings[f"{code}.1"] = "added"
        self.expected.added.append(action)

    # -- files
    def new_rows(self) -> list[list[Any]]:
        return [r for _, r in self.rows]

    def new_row_of(self, ident: int) -> int:
        return self.index_of(ident) + 1

    def save(self, folder: Path) -> tuple[Path, Path]:
        old, new = folder / "ancien.xlsx", folder / "nouveau.xlsx"
        save_sheets(old, {"Programme": self.old_rows})
        save_sheets(new, {"Programme": self.new_rows()})
        return old, new

    def unchanged(self) -> set[int]:
        return self.action_rows - set(self.expected.statuses)


def _norm(code: Any) -> str:
    return str(code).strip().rstrip(".")


def edited_seed() -> Version:
    """The pair the tests compare: one edit of each kind the issue names."""
    v = Version()
    v.add("1.2.3", "Préparation d'un colloque sur les hôpitaux transfrontaliers")
    v.remove(44)  # Coordination avec les réseaux nationaux (FNAU, PNR…)
    v.remove(111)  # Autres missions à déterminer
    v.move(66, "2.3.1")  # Cartographie: from objective 2.2 to objective 2.3
    v.move(59, "2.1.2")  # Borders Forum: another sub-objective of the same objective
    v.relabel(7, "Suivi des projets de loi de la mandature 2022-2027 et veille juridique")
    v.relabel(80, "Revue de presse et veille")
    v.change(17, budget_planned=9000, days_planned=15)
    v.change(22, person="Inès Garnier")
    v.rename_heading("2.1.3", "Médiatisation des enjeux transfrontaliers et européens")
    v.remove_heading("1.1.3")  # with its only action, row 14
    # Objectives 3.3 and 3.4 become 3.4 and 3.5; a new objective 3.3 comes before them.
    v.renumber("3.4", "3.5")
    v.renumber("3.3", "3.4")
    v.insert_objective("3.4", "3.3", "COOPERER SUR LA SANTE TRANSFRONTALIERE",
                       "Observatoire des coopérations hospitalières",
                       "Recensement des conventions hospitalières transfrontalières")
    return v
