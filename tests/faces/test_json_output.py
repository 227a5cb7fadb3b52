"""The JSON documents: what the commands print matches the published schema, and drift fails.

The test suite runs every command with MOTXL_CHECK_JSON=1 (tests/conftest.py): each document
printed by any test is checked against its model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from motxl.faces.json_models import SummaryJson, ValidateJson, json_schemas
from motxl.faces.json_output import dumps

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
    assert os.environ.get("MOTXL_CHECK_JSON") == "1"  # set for the whole suite
    data = _run("validate", str(WORKBOOK))
    with pytest.raises(ValidationError):
        dumps("validate", {**data, "unexpected": 1})
    broken = json.loads(json.dumps(data))
    broken["findings"][0]["severity"] = "fatal"
    with pytest.raises(ValidationError):
        dumps("validate", broken)
    reordered = {"sheet": data["sheet"], **data}  # same fields, another order
    with pytest.raises(ValueError, match="differs from its model"):
        dumps("validate", reordered)


def test_printing_json_does_not_import_pydantic():
    """Users' runs print without pydantic (0.3 s to import); the document is the same."""
    env = {k: v for k, v in os.environ.items() if k != "MOTXL_CHECK_JSON"}
    code = ("import sys; from motxl.faces.cli import main; "
            f"code = main(['summary', r'{WORKBOOK}', '--format', 'json', '--as-of', '31/10/2023']); "
            "assert 'pydantic' not in sys.modules, 'pydantic imported'; sys.exit(code)")
    fast = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, env=env)
    assert fast.returncode == 0, fast.stderr
    checked = subprocess.run([sys.executable, "-m", "motxl", "summary", str(WORKBOOK),
                              "--format", "json", "--as-of", "31/10/2023"],
                             capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
    assert checked.returncode == 0, checked.stderr
    assert fast.stdout == checked.stdout


def test_published_schemas_are_current():
    for kind, schema in json_schemas().items():
        committed = json.loads((ROOT / "docs" / "json" / f"{kind}.schema.json").read_text("utf-8"))
        assert committed == schema, f"docs/json/{kind}.schema.json is stale: run " \
                                    "python scripts/json_schemas.py"


_SCALARS = (st.none() | st.booleans() | st.integers() | st.text()
            | st.floats(allow_nan=True, allow_infinity=True))
_JSON_VALUES = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_the_fast_writer_prints_what_json_dumps_prints(value):
    """json_output writes indented JSON itself (the standard library's indented writer is pure
    Python): same text as json.dumps, whatever the values."""
    from motxl.faces.json_output import _indented

    assert _indented(value, "\n") == json.dumps(value, ensure_ascii=False, indent=2)


def test_keys_that_are_not_text_are_left_to_json_dumps(monkeypatch):
    monkeypatch.delenv("MOTXL_CHECK_JSON", raising=False)  # no model for this document
    data = {"a": {1: "un", None: [1.5, -0.0]}, "b": "é\u2028\x00"}
    assert dumps("x", data) == json.dumps(data, ensure_ascii=False, indent=2)
