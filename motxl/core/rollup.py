"""Programme → Rollup: counts, days and euros per level and per funding, status, border, person.

Pending actions ("(en attente)" in the label or status "En attente") are counted in every figure
and also shown apart in ``pending``; abandoned actions likewise, with their planned days and
euros apart in ``days_abandoned`` / ``budget_abandoned`` (``active`` is the programme without
them, "hors abandonnées"). ``*_remaining`` is planned − spent of the row (abandoned actions
included, negative when overspent); rates stay spent ÷ planned. ``late`` counts the actions late
at the situation date (``motxl.core.situation``). Totals reconcile: the axes add up to the
programme and so do the fundings (an action without funding goes to "Non précisé").

The sums are plain Python in one pass over the actions: importing pandas alone takes about
0.2 s, which is most of `motxl summary`'s budget on 10,000 actions, for work a dict does in
20 ms. ``actions_frame`` gives the same data as a DataFrame, and the tests check the roll-up
against a pandas groupby of it.
"""

from __future__ import annotations

from typing import Any

import datetime as dt

from motxl.core.model import AMOUNT_FIELDS, FUNDINGS, STATUSES, Action, Programme
from motxl.core.situation import ABANDONED, is_late

NO_FUNDING = "Non précisé"
NO_STATUS = "Non renseigné"
NO_PERSON = "Non attribué"
COUNT_FIELDS = ("actions", "pending", "abandoned", "late", *AMOUNT_FIELDS, "days_abandoned",
                "budget_abandoned")


class _Record:
    """Equality and repr over the slots: the roll-up's classes are plain slotted classes, not
    dataclasses (``import dataclasses`` and their creation cost start-up time, see model.py)."""

    __slots__ = ()

    def _names(self) -> list[str]:
        return [n for k in reversed(type(self).__mro__) for n in getattr(k, "__slots__", ())]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n) for n in self._names())

    __hash__ = None  # type: ignore[assignment]  # mutable, like a dataclass with eq

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._names())
        return f"{type(self).__name__}({shown})"


class Figures(_Record):
    """Counts, days and euros of a group of actions (see the module docstring)."""

    __slots__ = ("actions", "pending", "abandoned", "late", "days_planned", "days_actual",
                 "budget_planned", "spent_actual", "days_abandoned", "budget_abandoned")

    def __init__(self, *, actions: int = 0, pending: int = 0, abandoned: int = 0, late: int = 0,
                 days_planned: float = 0.0, days_actual: float = 0.0,
                 budget_planned: float = 0.0, spent_actual: float = 0.0,
                 days_abandoned: float = 0.0, budget_abandoned: float = 0.0) -> None:
        self.actions = actions
        self.pending = pending
        self.abandoned = abandoned
        self.late = late
        self.days_planned = days_planned
        self.days_actual = days_actual
        self.budget_planned = budget_planned
        self.spent_actual = spent_actual
        self.days_abandoned = days_abandoned  # planned days of the abandoned actions
        self.budget_abandoned = budget_abandoned  # planned euros of the abandoned actions

    @property
    def days_remaining(self) -> float:
        return self.days_planned - self.days_actual

    @property
    def budget_remaining(self) -> float:
        return self.budget_planned - self.spent_actual

    @property
    def days_rate(self) -> float | None:
        return self.days_actual / self.days_planned if self.days_planned else None

    @property
    def budget_rate(self) -> float | None:
        return self.spent_actual / self.budget_planned if self.budget_planned else None

    def as_dict(self) -> dict:
        data: dict[str, float | int | None] = {
            name: _plain(getattr(self, name)) for name in COUNT_FIELDS}
        data["days_remaining"] = _plain(self.days_remaining)
        data["budget_remaining"] = _plain(self.budget_remaining)
        data["days_rate"] = _rate(self.days_rate)
        data["budget_rate"] = _rate(self.budget_rate)
        return data


class LevelFigures(Figures):
    """The figures of one axis, objective or sub-objective, and their split by funding."""

    __slots__ = ("code", "label", "level", "funding", "by_funding")

    def __init__(self, *, code: str, label: str, level: int, funding: str | None = None,
                 by_funding: dict[str, Figures] | None = None, **figures: Any) -> None:
        super().__init__(**figures)
        self.code = code
        self.label = label
        self.level = level
        self.funding = funding  # the axis tag, for axes
        self.by_funding = by_funding if by_funding is not None else {}

    def as_dict(self) -> dict:
        # the order of the JSON document (faces/json_models.py): figures, then the level's names
        data = super().as_dict()
        data.update(code=self.code, label=self.label, level=self.level,
                    funding=self.funding if self.level == 1 else None)
        return data


class Rollup(_Record):
    """Every figure of the Synthèse: totals, levels, and groups by funding, status, border and
    person."""

    __slots__ = ("source", "sheet", "totals", "axes", "objectives", "sub_objectives",
                 "by_funding", "by_status", "by_border", "by_person", "pending", "active",
                 "as_of")

    def __init__(self, *, source: str, sheet: str, totals: Figures, axes: list[LevelFigures],
                 objectives: list[LevelFigures], sub_objectives: list[LevelFigures],
                 by_funding: dict[str, Figures], by_status: dict[str, Figures],
                 by_border: dict[str, Figures], by_person: dict[str, Figures],
                 pending: Figures, active: Figures | None = None,
                 as_of: dt.date | None = None) -> None:
        self.source = source
        self.sheet = sheet
        self.totals = totals
        self.axes = axes
        self.objectives = objectives
        self.sub_objectives = sub_objectives
        self.by_funding = by_funding
        self.by_status = by_status
        self.by_border = by_border
        self.by_person = by_person
        self.pending = pending
        # the programme without its abandoned actions
        self.active = active if active is not None else Figures()
        self.as_of = as_of  # the situation date the late counts are taken at

    def to_json_dict(self) -> dict:
        def groups(mapping: dict[str, Figures]) -> dict:
            return {key: figures.as_dict() for key, figures in mapping.items()}

        return {  # in the order of the JSON document (faces/json_models.py)
            "source": self.source, "sheet": self.sheet,
            "totals": self.totals.as_dict(), "active": self.active.as_dict(),
            "pending": self.pending.as_dict(),
            "axes": [a.as_dict() for a in self.axes],
            "objectives": [o.as_dict() for o in self.objectives],
            "sub_objectives": [s.as_dict() for s in self.sub_objectives],
            "by_funding": groups(self.by_funding), "by_status": groups(self.by_status),
            "by_border": groups(self.by_border), "by_person": groups(self.by_person),
        }


def _plain(value: float | int) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 6)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _values(action: Action, as_of: dt.date | None) -> tuple[float, ...]:
    """The action's contribution, in COUNT_FIELDS order."""
    days = action.days_planned or 0.0
    budget = action.budget_planned or 0.0
    dropped = action.status == ABANDONED
    late = as_of is not None and is_late(action, as_of)
    return (1, int(action.pending), int(dropped), int(late), days, action.days_actual or 0.0,
            budget, action.spent_actual or 0.0, days if dropped else 0.0,
            budget if dropped else 0.0)


_INT_FIELDS = frozenset(("actions", "pending", "abandoned", "late"))

#: The contributions (``_values``) of the actions of one group, summed column by column at
#: the end: appending a tuple a group is C code, adding ten numbers a group was not (1.2 s of
#: 1.9 s at 100,000 actions).
Contributions = list[tuple[float, ...]]


def _figures(rows: Contributions | None) -> Figures:
    if not rows:
        return Figures()
    values: dict[str, Any] = {name: int(total) if name in _INT_FIELDS else float(total)
                              for name, total in zip(COUNT_FIELDS, map(sum, zip(*rows)))}
    return Figures(**values)


def _as_kwargs(figures: Figures) -> dict[str, Any]:
    return {name: getattr(figures, name) for name in COUNT_FIELDS}


def _ordered(sums: dict[str, Contributions], order: tuple[str, ...], last: str
             ) -> dict[str, Figures]:
    keys = [k for k in order if k in sums] + sorted(k for k in sums if k not in order and k != last)
    if last in sums:
        keys.append(last)
    return {k: _figures(sums[k]) for k in keys}


class _Sums:
    """The contributions per key, and per key and funding (lists, not models: fast)."""

    def __init__(self) -> None:
        self.by_key: dict[str, Contributions] = {}
        self.split: dict[str, dict[str, Contributions]] = {}

    def add(self, key: str, funding: str, values: tuple[float, ...]) -> None:
        if key not in self.by_key:
            self.by_key[key] = []
            self.split[key] = {}
        self.by_key[key].append(values)
        self.split[key].setdefault(funding, []).append(values)


def _levels(programme: Programme, sums: dict[int, _Sums]) -> dict[int, list[LevelFigures]]:
    """Figures per heading, in sheet order; codes with actions but no heading row (orphans,
    reported by Validate) get a row with an empty label so that the levels still add up."""
    levels: dict[int, list[LevelFigures]] = {}
    for level, level_sums in sums.items():
        def row(code: str, label: str, funding: str | None) -> LevelFigures:
            return LevelFigures(code=code, label=label, level=level, funding=funding,
                                by_funding=_ordered(level_sums.split.get(code, {}), FUNDINGS,
                                                    NO_FUNDING),
                                **_as_kwargs(_figures(level_sums.by_key.get(code))))

        rows = [row(h.code, h.label, h.funding) for h in programme.headings if h.level == level]
        known = {r.code for r in rows}
        rows += [row(code, "", None) for code in level_sums.by_key if code not in known]
        levels[level] = rows
    return levels


def roll_up(programme: Programme, as_of: dt.date | None = None) -> Rollup:
    """Plain-Python sums over the actions (see the module docstring for why not pandas);
    ``late`` is counted at ``as_of`` (0 everywhere without it)."""
    totals: Contributions = []
    pending: Contributions = []
    active: Contributions = []
    levels = {1: _Sums(), 2: _Sums(), 3: _Sums()}
    by_funding: dict[str, Contributions] = {}
    by_status: dict[str, Contributions] = {}
    by_border: dict[str, Contributions] = {}
    by_person: dict[str, Contributions] = {}
    for action in programme.actions:
        values = _values(action, as_of)
        funding = action.funding or NO_FUNDING
        totals.append(values)
        if action.status != ABANDONED:
            active.append(values)
        if action.pending:
            pending.append(values)
        levels[1].add(action.axis, funding, values)
        if action.objective:
            levels[2].add(action.objective, funding, values)
        if action.sub_objective:
            levels[3].add(action.sub_objective, funding, values)
        by_funding.setdefault(funding, []).append(values)
        by_status.setdefault(action.status or NO_STATUS, []).append(values)
        by_person.setdefault(action.person or NO_PERSON, []).append(values)
        for border in action.borders:
            by_border.setdefault(border, []).append(values)
    level_rows = _levels(programme, levels)
    return Rollup(
        source=programme.source, sheet=programme.sheet, totals=_figures(totals),
        axes=level_rows[1], objectives=level_rows[2], sub_objectives=level_rows[3],
        by_funding=_ordered(by_funding, FUNDINGS, NO_FUNDING),
        by_status=_ordered(by_status, STATUSES, NO_STATUS),
        by_border=_ordered(by_border, (), ""),
        by_person=_ordered(by_person, (), NO_PERSON),
        pending=_figures(pending), active=_figures(active), as_of=as_of,
    )


def actions_frame(programme: Programme, as_of: dt.date | None = None):
    """The actions as a pandas DataFrame (one row each, amounts 0 when empty), for analysis in
    notebooks. With ``as_of`` (the situation date), the monitoring flags at that date too:
    ``late``, ``due_soon``, ``over``, ``not_started`` and the one colour ``state``."""
    import pandas as pd

    from motxl.core.situation import flags

    records = []
    for a in programme.actions:
        record = {
            "row": a.row, "code": a.code, "axis": a.axis, "objective": a.objective,
            "sub_objective": a.sub_objective, "label": a.label,
            "funding": a.funding or NO_FUNDING, "status": a.status or NO_STATUS,
            "person": a.person or NO_PERSON, "borders": a.borders,
            "institutions": a.institutions, "comment": a.comment, "pending": int(a.pending),
            "deadline": a.deadline, "actions": 1,
            **{name: getattr(a, name) for name in AMOUNT_FIELDS}}
        if as_of is not None:
            state = flags(a, as_of)
            record.update(late=state.late, due_soon=state.due_soon, over=state.over,
                          not_started=state.not_started, state=state.state)
        records.append(record)
    columns = ["row", "code", "axis", "objective", "sub_objective", "label", "funding",
               "status", "person", "borders", "institutions", "comment", "pending", "deadline",
               "actions", *AMOUNT_FIELDS]
    if as_of is not None:
        columns += ["late", "due_soon", "over", "not_started", "state"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame[list(AMOUNT_FIELDS)] = frame[list(AMOUNT_FIELDS)].astype("float64").fillna(0.0)
    return frame
