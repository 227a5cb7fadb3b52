"""Programme → Rollup: counts, days and euros per level and per funding, status, border, person.

Pending actions ("(en attente)" in the label or status "En attente") are counted in every figure
and also shown apart in ``pending``. Totals reconcile: the axes add up to the programme and so do
the fundings (an action without funding goes to "Non précisé").
"""

from __future__ import annotations

from pydantic import BaseModel

from motxl.core.model import AMOUNT_FIELDS, FUNDINGS, STATUSES, Programme

NO_FUNDING = "Non précisé"
NO_STATUS = "Non renseigné"
NO_PERSON = "Non attribué"
COUNT_FIELDS = ("actions", "pending", *AMOUNT_FIELDS)


class Figures(BaseModel):
    actions: int = 0
    pending: int = 0
    days_planned: float = 0.0
    days_actual: float = 0.0
    budget_planned: float = 0.0
    spent_actual: float = 0.0

    @property
    def days_rate(self) -> float | None:
        return self.days_actual / self.days_planned if self.days_planned else None

    @property
    def budget_rate(self) -> float | None:
        return self.spent_actual / self.budget_planned if self.budget_planned else None

    def as_dict(self) -> dict:
        data = {name: _plain(getattr(self, name)) for name in COUNT_FIELDS}
        data["days_rate"] = _rate(self.days_rate)
        data["budget_rate"] = _rate(self.budget_rate)
        return data


class LevelFigures(Figures):
    code: str
    label: str
    level: int
    funding: str | None = None  # the axis tag, for axes
    by_funding: dict[str, Figures] = {}

    def as_dict(self) -> dict:
        data = {"code": self.code, "label": self.label, "level": self.level}
        if self.level == 1:
            data["funding"] = self.funding
        data.update(super().as_dict())
        return data


class Rollup(BaseModel):
    source: str
    sheet: str
    totals: Figures
    axes: list[LevelFigures]
    objectives: list[LevelFigures]
    sub_objectives: list[LevelFigures]
    by_funding: dict[str, Figures]
    by_status: dict[str, Figures]
    by_border: dict[str, Figures]
    by_person: dict[str, Figures]
    pending: Figures

    def to_json_dict(self) -> dict:
        def groups(mapping: dict[str, Figures]) -> dict:
            return {key: figures.as_dict() for key, figures in mapping.items()}

        return {
            "source": self.source, "sheet": self.sheet,
            "totals": self.totals.as_dict(),
            "axes": [a.as_dict() for a in self.axes],
            "objectives": [o.as_dict() for o in self.objectives],
            "sub_objectives": [s.as_dict() for s in self.sub_objectives],
            "by_funding": groups(self.by_funding), "by_status": groups(self.by_status),
            "by_border": groups(self.by_border), "by_person": groups(self.by_person),
            "pending": self.pending.as_dict(),
        }


def _plain(value: float | int) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 6)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def actions_frame(programme: Programme):
    """One row per action, the columns the roll-up groups on (pandas)."""
    import pandas as pd

    records = [
        {"axis": a.axis, "objective": a.objective, "sub_objective": a.sub_objective,
         "funding": a.funding or NO_FUNDING, "status": a.status or NO_STATUS,
         "person": a.person or NO_PERSON, "borders": a.borders, "pending": int(a.pending),
         "actions": 1, **{name: getattr(a, name) for name in AMOUNT_FIELDS}}
        for a in programme.actions
    ]
    columns = ["axis", "objective", "sub_objective", "funding", "status", "person", "borders",
               "pending", "actions", *AMOUNT_FIELDS]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame[list(AMOUNT_FIELDS)] = frame[list(AMOUNT_FIELDS)].astype("float64").fillna(0.0)
    return frame


def _sums(frame, key: str) -> dict[str, Figures]:
    if frame.empty:
        return {}
    grouped = frame.groupby(key, sort=False)[list(COUNT_FIELDS)].sum()
    return {str(k): Figures(**{f: row[f] for f in COUNT_FIELDS})
            for k, row in zip(grouped.index, grouped.to_dict("records"))}


def _ordered(sums: dict[str, Figures], order: tuple[str, ...], last: str) -> dict[str, Figures]:
    keys = [k for k in order if k in sums] + sorted(k for k in sums if k not in order and k != last)
    if last in sums:
        keys.append(last)
    return {k: sums[k] for k in keys}


def _split(frame, key: str) -> dict[str, dict[str, Figures]]:
    """code → funding → figures, in one groupby."""
    if frame.empty:
        return {}
    grouped = frame.groupby([key, "funding"], sort=False)[list(COUNT_FIELDS)].sum()
    split: dict[str, dict[str, Figures]] = {}
    for (code, funding), row in zip(grouped.index, grouped.to_dict("records")):
        split.setdefault(str(code), {})[str(funding)] = Figures(**row)
    return {code: _ordered(value, FUNDINGS, NO_FUNDING) for code, value in split.items()}


def _levels(programme: Programme, frame) -> dict[int, list[LevelFigures]]:
    """Figures per heading, in sheet order; codes with actions but no heading row (orphans,
    reported by Validate) get a row with an empty label so that the levels still add up."""
    levels: dict[int, list[LevelFigures]] = {}
    for level, key in ((1, "axis"), (2, "objective"), (3, "sub_objective")):
        present = frame.dropna(subset=[key])
        sums, split = _sums(present, key), _split(present, key)
        rows = []
        for heading in programme.headings:
            if heading.level == level:
                rows.append(LevelFigures(code=heading.code, label=heading.label, level=level,
                                         funding=heading.funding,
                                         by_funding=split.get(heading.code, {}),
                                         **sums.get(heading.code, Figures()).model_dump()))
        known = {r.code for r in rows}
        rows += [LevelFigures(code=code, label="", level=level, by_funding=split.get(code, {}),
                              **figures.model_dump())
                 for code, figures in sums.items() if code not in known]
        levels[level] = rows
    return levels


def _total(frame) -> Figures:
    return Figures(**{f: frame[f].sum() for f in COUNT_FIELDS}) if len(frame) else Figures()


def roll_up(programme: Programme) -> Rollup:
    frame = actions_frame(programme)
    levels = _levels(programme, frame)
    borders = frame[["borders", *COUNT_FIELDS]].explode("borders").dropna(subset=["borders"])
    return Rollup(
        source=programme.source, sheet=programme.sheet, totals=_total(frame),
        axes=levels[1], objectives=levels[2], sub_objectives=levels[3],
        by_funding=_ordered(_sums(frame, "funding"), FUNDINGS, NO_FUNDING),
        by_status=_ordered(_sums(frame, "status"), STATUSES, NO_STATUS),
        by_border=dict(sorted(_sums(borders, "borders").items())),
        by_person=_ordered(_sums(frame, "person"), (), NO_PERSON),
        pending=_total(frame[frame["pending"] == 1]),
    )
