"""LibreOffice, a second real client, opens the workbook headless and sees the VBA modules and
each button's macro (tests/workbook/lo_inspect.py runs under the system Python with ``uno``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from motxl.build.workbook import MACRO_CALLS, SHEETS

HERE = Path(__file__).resolve().parent
WORKBOOK = HERE.parents[1] / "workbook" / "Programme2023.xlsm"
SYSTEM_PYTHON = "/usr/bin/python3"


def _libreoffice_missing() -> str | None:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return "LibreOffice (soffice) is not installed"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} is missing"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    if probe.returncode != 0:
        return "the uno module (python3-uno) is missing"
    return None


@pytest.fixture(scope="module")
def seen() -> dict:
    reason = _libreoffice_missing()
    if reason:
        pytest.skip(reason)
    result = subprocess.run([SYSTEM_PYTHON, str(HERE / "lo_inspect.py"), str(WORKBOOK)],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.libreoffice
def test_libreoffice_sees_sheets_and_code_names(seen):
    assert seen["sheets"] == [name for name, _ in SHEETS]
    assert seen["code_names"] == dict(SHEETS)


@pytest.mark.libreoffice
def test_libreoffice_lists_the_vba_modules(seen):
    project = seen["basic_libraries"]["VBAProject"]
    assert set(project) == {"ThisWorkbook", *(code for _, code in SHEETS), "motxl", "xlwings",
                            "Dictionary"}
    assert "Public Function Exists(Key As Variant) As Boolean" in project["Dictionary"]
    for macro, call in MACRO_CALLS.items():
        assert f"Public Sub {macro}()" in project["motxl"]
        assert f'RunPython("{call}")' in project["motxl"]
    assert "Function RunPython(" in project["xlwings"]
    assert "s'exécuter" in project["motxl"]  # code page 1252 text read back as written


@pytest.mark.libreoffice
def test_libreoffice_binds_each_button_to_its_macro(seen):
    buttons = seen["buttons"]
    assert list(buttons) == ["Programme"]
    bound = {b["label"]: [e["script"] for e in b["events"]] for b in buttons["Programme"]}
    assert bound == {
        "Valider": ["vnd.sun.star.script:VBAProject.motxl.Valider"
                    "?language=Basic&location=document"],
        "Actualiser la synthèse": ["vnd.sun.star.script:VBAProject.motxl.ActualiserSynthese"
                                   "?language=Basic&location=document"],
        "Comparer…": ["vnd.sun.star.script:VBAProject.motxl.Comparer"
                      "?language=Basic&location=document"],
        "Diagnostic": ["vnd.sun.star.script:VBAProject.motxl.Diagnostic"
                       "?language=Basic&location=document"],
    }
