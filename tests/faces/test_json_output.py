"""The JSON documents: what the commands print matches the published schema, and drift fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from motxl.faces.json_output import SummaryJson, ValidateJson, dumps, json_schemas

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "workbook" / "Programme2023.xlsm"


def _run(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "motxl", *args, "--format", "json"],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_summary_document_follows_its_model_and_keeps_integers():
    data = _run("summary", str(WORKBOOK), "--as-of", "31/10/2023")
    SummaryJson.model_validate(data)
    assert data["as_of"] == "2023-10-31" and data["as_of_source"] == "option"
    assert isinstance(data["totals"]["actions"], int)
    # the axes add up to the totals in the printed document itself
    for name in ("actions", "budget_planned", "days_planned"):
        assert sum(a[name] for a in data["axes"]) == pytest.approx(data["totals"][name])


def test_validate_document_follows_its_model():
    data = _run("validate", str(WORKBOOK))
    ValidateJson.model_validate(data)
    assert data["counts"]["error"] == sum(f["severity"] == "error" for f in data["findings"])


def test_a_drifted_document_is_refused():
    data = _run("validate", str(WORKBOOK))
    with pytest.raises(ValidationError):
        dumps("validate", {**data, "unexpected": 1})
    broken = json.loads(json.dumps(data))
    broken["findings"][0]["severity"] = "fatal"
    with pytest.raises(ValidationError):
        dumps("validate", broken)


def test_published_schemas_are_current():
    for kind, schema in json_schemas().items():
        committed = json.loads((ROOT / "docs" / "json" / f"{kind}.schema.json").read_text("utf-8"))
        assert committed == schema, f"docs/json/{kind}.schema.json is stale: run " \
                                    "python scripts/json_schemas.py"
