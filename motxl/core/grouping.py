"""Dimensions, their groups of actions, and each group's sub-programme and findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from motxl.core.findings import ValidationReport
from motxl.core.model import FUNDINGS, STATUSES, Programme
from motxl.core.rollup import NO_FUNDING, NO_PERSON, NO_STATUS
from motxl.core.text import fold





@dataclass(frozen=True)
class Dimension:
    key: str
    noun: str  # French, for people: "Frontière"
    prefix: str  # start of the file names: "Frontiere"


DIMENSIONS: dict[str, Dimension] = {
    "axis": Dimension("axis", "Axe", "Axe"),
    "objective": Dimension("objective", "Objectif", "Objectif"),
    "funding": Dimension("funding", "Financement", "Financement"),
    "border": Dimension("border", "Frontière", "Frontiere"),
    "person": Dimension("person", "Responsable", "Responsable"),
    "status": Dimension("status", "Statut", "Statut"),
}
#: French names accepted on the command line too.
ALIASES = {"axe": "axis", "objectif": "objective", "financement": "funding",
           "frontiere": "border", "responsable": "person", "statut": "status"}


def dimension_key(name: str) -> str:
    """'axis', 'Axe', 'frontière' → the dimension key; ValueError otherwise."""
    key = fold(name)
    if key in DIMENSIONS:
        return key
    if key in ALIASES:
        return ALIASES[key]
    raise ValueError(name)



# --------------------------------------------------------------------------------------------
# Groups and sub-programmes


@dataclass(frozen=True)
class Group:
    dimension: str
    key: str  # the value the actions share: "1", "FR-DE", "Anne Martin"
    title: str  # "Axe 1", "Frontière FR-DE"
    description: str  # the heading's label, for axes and objectives
    name: str  # what the file name is made from: "Axe 1" → Axe-1.xlsx
    rows: tuple[int, ...]  # sheet rows of the group's actions
    span: tuple[int, int] | None = None  # sheet rows of the section, for axes and objectives


def _ordered_keys(keys: Iterable[str], first: Sequence[str], last: str) -> list[str]:
    keys = set(keys)
    rest = sorted((k for k in keys if k not in first and k != last), key=lambda k: (fold(k), k))
    return [k for k in first if k in keys] + rest + ([last] if last in keys else [])


def _section_span(programme: Programme, code: str, level: int) -> tuple[int, int] | None:
    heading = programme.headings_by_code.get(code)
    if heading is None:
        return None
    end = programme.last_row
    for other in programme.headings:
        if other.row > heading.row and other.level <= level:
            end = other.row - 1
            break
    return heading.row, end


def groups_of(programme: Programme, dimension: str) -> list[Group]:
    """The groups of a dimension, in a fixed order, each with at least one action."""
    noun = DIMENSIONS[dimension].noun
    prefix = DIMENSIONS[dimension].prefix
    members: dict[str, list[int]] = {}

    def add(key: str, row: int) -> None:
        members.setdefault(key, []).append(row)

    for action in programme.actions:
        if dimension == "axis":
            add(action.axis, action.row)
        elif dimension == "objective":
            add(action.objective or action.axis, action.row)
        elif dimension == "funding":
            add(action.funding or NO_FUNDING, action.row)
        elif dimension == "border":
            for tag in action.borders:
                add(tag, action.row)
        elif dimension == "person":
            add(action.person or NO_PERSON, action.row)
        elif dimension == "status":
            add(action.status or NO_STATUS, action.row)
        else:
            raise ValueError(dimension)

    groups = []
    if dimension in ("axis", "objective"):
        order = {h.code: i for i, h in enumerate(programme.headings)}
        keys = sorted(members, key=lambda k: (order.get(k, len(order)), k))
        for key in keys:
            heading = programme.headings_by_code.get(key)
            level = heading.level if heading else key.count(".") + 1
            description = heading.label if heading else ""
            if dimension == "objective" and level == 1:
                title = f"Axe {key} — actions hors objectif"
                name = f"{prefix} {key} hors objectif"
            else:
                title = f"{'Axe' if level == 1 else 'Objectif'} {key}"
                name = f"{prefix} {key}"
            groups.append(Group(dimension, key, title, description, name,
                                tuple(members[key]), _section_span(programme, key, level)))
        return groups
    first: Sequence[str] = {"funding": FUNDINGS, "status": STATUSES}.get(dimension, ())
    last = {"funding": NO_FUNDING, "status": NO_STATUS, "person": NO_PERSON}.get(dimension, "")
    for key in _ordered_keys(members, first, last):
        title = f"{noun} {key}" if dimension == "border" else f"{noun} : {key}"
        groups.append(Group(dimension, key, title, "", f"{prefix} {key}", tuple(members[key])))
    return groups


def sub_programme(programme: Programme, rows: Iterable[int], *,
                  with_rows: bool = True) -> Programme:
    """The programme restricted to the actions on ``rows`` and the headings they hang from.

    ``with_rows=False`` leaves out the raw source rows (only the checks read them): less to
    send to a worker process."""
    wanted = set(rows)
    actions = [a for a in programme.actions if a.row in wanted]
    codes = {c for a in actions for c in (a.axis, a.objective, a.sub_objective, a.code) if c}
    headings = [h for h in programme.headings if h.code in codes]
    keep = wanted | {h.row for h in headings}
    return Programme(
        source=programme.source, sheet=programme.sheet, header_row=programme.header_row,
        columns=dict(programme.columns), year=programme.year, last_row=programme.last_row,
        last_column=programme.last_column, headings=headings, actions=actions,
        rows=[r for r in programme.rows if r.row in keep] if with_rows else [])


def group_report(report: ValidationReport, group: Group) -> ValidationReport:
    """The findings on the group's rows (and, for an axis or objective, on its section)."""
    rows = set(group.rows)
    first, last = group.span or (0, -1)
    findings = [f for f in report.findings if f.row in rows or first <= f.row <= last]
    return ValidationReport(source=report.source, sheet=report.sheet, findings=findings)
