"""The xlwings Lite variant: the generated files are current, and each script of the
generated ``main.py`` runs through xlwings' remote engine with only Lite's packages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from motxl.presentation import CONTROLES, OWN_TABS, SYNTHESE
from tests.excel.programmes import (BOOK_NAME, FIXED_NOW, WORKBOOK, sheet_cells, spec_cells,
                                    workbook_names)
from tests.excel.remote_engine import Replay, file_sheets, workbook_payload
from tests.excel.test_excel_face import file_tabs

ROOT = Path(__file__).resolve().parents[2]
LITE_DIR = ROOT / "workbook" / "lite"
RUNNER = Path(__file__).with_name("lite_run.py")
sys.path.insert(0, str(ROOT / "scripts"))
import make_lite  # noqa: E402

#: Lite script → tabs it writes (the comparison button adds its row here when it has one).
SCRIPTS = {"valider": (CONTROLES,), "actualiser_la_synthese": OWN_TABS, "diagnostic": ()}


def test_generated_files_are_current():
    assert make_lite.run(["--check"]) == 0, "run: python scripts/make_lite.py"
    assert (LITE_DIR / "requirements.txt").read_text() == "xlwings==0.37.8\n"
    assert [s[0] for s in make_lite.SCRIPTS] == list(SCRIPTS)


def test_the_lite_path_leaves_out_heavy_and_native_packages():
    files = {p.relative_to(make_lite.PACKAGE).as_posix() for p in make_lite.lite_files()}
    assert "faces/lite.py" in files and "render/xlwings_live.py" in files
    assert not any(f.startswith(("workbooks/", "build/")) for f in files)
    assert "render/xlsxwriter_file.py" not in files and "faces/cli.py" not in files


@pytest.fixture(scope="module")
def payload(tmp_path_factory) -> tuple[dict, Path]:
    data = workbook_payload(file_sheets(WORKBOOK), name=BOOK_NAME, names=workbook_names())
    path = tmp_path_factory.mktemp("lite") / "payload.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data, path


def run_script(script: str, payload_path: Path, tmp_path: Path) -> dict:
    out = tmp_path / f"{script}.json"
    proc = subprocess.run([sys.executable, str(RUNNER), str(LITE_DIR / "main.py"),
                           str(payload_path), script, str(out), FIXED_NOW.isoformat()],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_each_lite_script_writes_its_tabs(script, payload, tmp_path):
    data, path = payload
    result = run_script(script, path, tmp_path)
    assert result["blocked_loaded"] == []
    assert result["motxl_files"] and all(".zip" in f for f in result["motxl_files"]), \
        "motxl must come from main.py's archive"
    replay = Replay(data, result["actions"])
    alert, = replay.funcs("alert")
    message = alert["args"][0]
    assert not message.startswith("Erreur inattendue"), message
    assert message in result["messages"]  # also printed to Lite's output pane
    tabs = file_tabs(WORKBOOK)
    for name in SCRIPTS[script]:
        assert sheet_cells(replay.cells[name]) == spec_cells(tabs[name]), name
    if script == "actualiser_la_synthese":
        synthese = replay.names.index(SYNTHESE)
        series = [(a["args"][0], a["args"][1], a["args"][2].get("name"),
                   a["args"][2].get("fill_color"))
                  for a in replay.funcs("setChartSeries") if a["sheet_position"] == synthese]
        expected = [(s.name, f"#{s.color}".lower() if s.color and chart.kind in ("column", "bar")
                     else None) for chart in tabs[SYNTHESE].charts for s in chart.series]
        assert [(name, colour and colour.lower()) for *_, name, colour in series] == expected
