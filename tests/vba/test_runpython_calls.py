"""Every ``RunPython`` call in the workbook's VBA resolves to a motxl function that takes what
the call passes (xlwings runs the string as Python in the user's interpreter: a typo there is
only seen when a user clicks)."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import zipfile
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser

from motxl.build.workbook import COMPARE_CALL, MACRO_CALLS, VBA_DIR

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "workbook" / "Programme2023.xlsm"
#: RunPython("…") in VBA: the string literal, with VBA's doubled quotes; also
#: RunPython(AvecChemin("…f()", path)), which puts the path's character codes in f's parentheses.
RUN_PYTHON = re.compile(r'RunPython\s*\(?\s*(AvecChemin\(\s*)?"((?:[^"]|"")*)"')
SAMPLE_PATH = "67,58,92,97"  # what AvecChemin makes of C:\a


def run_python_strings(code: str) -> list[str]:
    lines = [line for line in code.splitlines() if not line.lstrip().startswith("'")]
    return [m.group(2).replace('""', '"') for m in RUN_PYTHON.finditer("\n".join(lines))]


def with_path(text: str) -> str:
    """The call as AvecChemin completes it (a call string ending in '()' for these)."""
    return text[:-1] + SAMPLE_PATH + ")" if text == COMPARE_CALL else text


def source_calls() -> list[str]:
    calls: list[str] = []
    for path in sorted(VBA_DIR.glob("*.bas")):
        if path.name != "xlwings.bas":  # xlwings' own module defines RunPython, calls none
            calls += run_python_strings(path.read_text(encoding="utf-8"))
    return calls


def workbook_calls(tmp_path: Path) -> list[str]:
    project = tmp_path / "vbaProject.bin"
    with zipfile.ZipFile(WORKBOOK) as archive:
        project.write_bytes(archive.read("xl/vbaProject.bin"))
    parser = VBA_Parser(str(project), relaxed=False)
    try:
        return [call for _, _, name, code in parser.extract_macros()
                if name != "xlwings.bas" for call in run_python_strings(code)]
    finally:
        parser.close()


def check_call(text: str) -> list[str]:
    """Resolve one RunPython string: imports first, then calls of imported functions."""
    tree = ast.parse(text)
    imported: set[str] = set()
    called: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                assert alias.asname is None, text
                importlib.import_module(alias.name)
                imported.add(alias.name)
            continue
        assert isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call), text
        call = statement.value
        dotted = ast.unparse(call.func)
        module_name, _, function_name = dotted.rpartition(".")
        assert module_name in imported, f"{dotted} called before 'import {module_name}'"
        function = getattr(importlib.import_module(module_name), function_name, None)
        assert callable(function), f"{dotted} does not exist in motxl"
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        inspect.signature(function).bind(*args, **kwargs)  # TypeError if it cannot take them
        called.append(dotted)
    assert called, f"RunPython calls nothing: {text!r}"
    return called


def test_the_sources_call_each_button_function():
    calls = source_calls()
    assert sorted(calls) == sorted([*MACRO_CALLS.values(), COMPARE_CALL])
    resolved = [name for text in calls for name in check_call(with_path(text))]
    assert {"motxl.faces.excel.diagnose", "motxl.faces.excel.refresh_summary",
            "motxl.faces.excel.validate"} <= set(resolved)  # and any button added since
    assert all(name.startswith("motxl.faces.excel.") for name in resolved)


def test_the_committed_workbook_calls_resolve(tmp_path):
    calls = workbook_calls(tmp_path)
    assert sorted(calls) == sorted(source_calls())
    for text in calls:
        check_call(with_path(text))


@pytest.mark.parametrize("text, problem", [
    ("import motxl.faces.excel; motxl.faces.excel.valider()", "does not exist"),
    ("motxl.faces.excel.validate()", "called before"),
    ("import motxl.faces.excel; motxl.faces.excel.validate(1)", "too many"),
])
def test_a_broken_call_is_caught(text, problem):
    with pytest.raises((AssertionError, TypeError), match=problem):
        check_call(text)


def test_vba_quotes_are_undone():
    code = "x = RunPython(\"import a; a.f(\"\"b\"\")\")\n' RunPython(\"not me\")\n"
    assert run_python_strings(code) == ['import a; a.f("b")']


def test_the_path_call_takes_character_codes():
    assert check_call(with_path(COMPARE_CALL)) == ["motxl.faces.excel.compare_with"]
    assert with_path(COMPARE_CALL).endswith("compare_with(67,58,92,97)")
