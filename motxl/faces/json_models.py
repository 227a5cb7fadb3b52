"""The JSON documents the commands print with ``--format json``, described once with pydantic.

These models are the contract that scripts and other tools rely on: ``json_schemas()`` gives
their JSON Schema for the docs (``docs/json/``), and ``check`` compares a printed document
with its model. The commands print with the standard library (``json_output.dumps``), not
through pydantic: importing pydantic alone took 0.3 s, more than the rest of ``motxl validate
--format json`` on the bundled workbook. ``check`` runs whenever MOTXL_CHECK_JSON=1, which the
test suite sets for every command it runs, so a field that drifts fails the tests.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning", "info"]
#: An amount: JSON integers stay integers (744, not 744.0).
Amount = int | float


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FiguresJson(_Document):
    """One roll-up row's figures (see docs/figures.md for what each includes)."""

    actions: int
    pending: int
    abandoned: int
    late: int
    days_planned: Amount
    days_actual: Amount
    budget_planned: Amount
    spent_actual: Amount
    days_abandoned: Amount
    budget_abandoned: Amount
    days_remaining: Amount
    budget_remaining: Amount
    days_rate: float | None
    budget_rate: float | None


class LevelJson(FiguresJson):
    code: str
    label: str
    level: Literal[1, 2, 3]
    funding: str | None = None  # axes only: the [SOCLE] / [SUR-MESURE] tag's funding


class SummaryJson(_Document):
    """``motxl summary --format json``."""

    source: str
    sheet: str
    year: int | None
    year_source: Literal["option", "header", "title", "sheet", "file", "none"]
    as_of: dt.date
    as_of_source: Literal["option", "workbook", "today"]
    totals: FiguresJson
    active: FiguresJson  # without the abandoned actions
    pending: FiguresJson
    axes: list[LevelJson]
    objectives: list[LevelJson]
    sub_objectives: list[LevelJson]
    by_funding: dict[str, FiguresJson]
    by_status: dict[str, FiguresJson]
    by_border: dict[str, FiguresJson]
    by_person: dict[str, FiguresJson]


class FindingJson(_Document):
    rule: str
    severity: Severity
    sheet: str
    cell: str | None
    row: int | None
    column: str | None
    message: str


class ValidateJson(_Document):
    """``motxl validate --format json``."""

    source: str
    sheet: str
    valid: bool
    counts: dict[Severity, int]
    findings: list[FindingJson]


DOCUMENTS: dict[str, type[_Document]] = {"summary": SummaryJson, "validate": ValidateJson}


def check(kind: str, data: dict[str, Any], text: str) -> None:
    """Raise if ``data`` does not follow the model of ``kind`` (pydantic's ValidationError), or
    if ``text`` is not exactly what the model gives (same fields, same order, same values)."""
    document = DOCUMENTS[kind].model_validate(data)
    expected = json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=2)
    if text != expected:
        raise ValueError(f"the {kind} document differs from its model: "
                         f"{_first_difference(text, expected)}")


def _first_difference(text: str, expected: str) -> str:
    for number, (got, want) in enumerate(zip(text.splitlines(), expected.splitlines()), 1):
        if got != want:
            return f"line {number}: {got.strip()!r} instead of {want.strip()!r}"
    return "different lengths"


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every document, by command name."""
    return {kind: model.model_json_schema() for kind, model in DOCUMENTS.items()}
