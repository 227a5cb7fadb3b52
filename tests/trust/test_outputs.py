"""What the commands print stays right whatever the programme holds: the user's text is never
taken for markup, a long run of blank rows does not bury the findings, JSON is strict JSON."""

from __future__ import annotations

import json
import time

import pytest

from motxl.core.checks import validate
from motxl.core.grid import Grid
from motxl.core.parse import parse_programme
from tests.conftest import HEADER
from tests.trust import builders as b
from tests.trust.corpus import MARKUP_ROWS
from tests.trust.harness import run_main




def test_report_table_shows_names_holding_markup(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTXL_DEBUG", "1")
    path = b.programme(tmp_path / "crochets.xlsx", rows=MARKUP_ROWS)
    code, out, err = run_main("report", path, "--by", "person", "-o", tmp_path / "rapports")
    assert code == 0 and "[/i]Anne" in out, err


def test_a_run_of_blank_rows_is_one_finding():
    rows = [list(HEADER), ["1", "[SOCLE] AXE"], ["1", "Action", "Anne", "Socle", 1]]
    rows += [[None] * len(HEADER)] * 5_000 + [["1", "Action loin", "Anne", "Socle", 1]]
    report = validate(parse_programme(Grid("Programme", rows)))
    blank = [f for f in report.findings if f.rule == "blank-row"]
    assert 1 <= len(blank) <= 3, len(blank)


def test_validate_text_output_of_a_large_programme_is_quick(tmp_path):
    """1,000 actions with a finding each: the text output stays well under a second or two."""
    rows = [["1", "[SOCLE] AXE"]] + [["1", f"Action {i}", "Anne", "Socle", -1]
                                     for i in range(1_000)]
    path = b.programme(tmp_path / "mille.xlsx", rows=rows)
    start = time.perf_counter()
    code, out, err = run_main("validate", path)
    assert code == 1 and err == ""
    assert time.perf_counter() - start < 10


def _strict(text: str):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_summary_json_is_strict_json_even_for_huge_amounts(tmp_path):
    rows = [["1", "[SOCLE] AXE"], ["1", "A", "Anne", "Socle", 1, 1e308],
            ["1", "B", "Anne", "Socle", 1, 1e308]]
    path = b.programme(tmp_path / "enorme.xlsx", rows=rows)
    code, out, err = run_main("summary", path, "--format", "json")
    assert code == 0, err
    _strict(out)


@pytest.mark.parametrize("name", ["nombres-non-finis", "formules-erreurs", "caracteres-controle",
                                  "libelles-formules", "crochets-markup"])
def test_json_outputs_are_strict_json(name, corpus, tmp_path):
    from tests.trust.corpus import BY_NAME

    path = corpus(BY_NAME[name])
    for command in ("validate", "summary"):
        code, out, err = run_main(command, path, "--format", "json")
        assert code in (0, 1), err
        _strict(out)


@pytest.mark.parametrize("command", ["validate", "summary"])
def test_terminal_escapes_from_the_workbook_do_not_reach_the_terminal(command, tmp_path):
    rows = [["1", "[SOCLE] AXE"], [None, "Action \x1b[2J\x1b]0;titre\x07 fin"],
            ["1", "B", "\x1b[31mAnne", "Socle", 1]]
    path = b.programme(tmp_path / "echappements.xlsx", rows=rows)
    code, out, err = run_main(command, path)
    assert code in (0, 1), err
    assert "\x1b" not in out


def test_messages_from_the_workbook_stay_on_one_printable_line():
    from motxl.faces.cli import one_line

    assert one_line("feuille « a\nb\x1b[2J\u202egnp » : x") == "feuille « a b [2J gnp » : x"
    assert one_line("Programme été 🌍 « ok »") == "Programme été 🌍 « ok »"


def test_memory_error_is_one_french_line_that_says_what_to_do(tmp_path, monkeypatch):
    import motxl.workbooks.reading as reading

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(reading, "read_programme", exhausted)
    path = b.programme(tmp_path / "p.xlsx")
    code, out, err = run_main("validate", path)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "mémoire insuffisante" in err and "relancez" in err


def test_numbers_that_are_not_finite_are_num_errors_naming_their_cells(corpus):
    """NaN and 1e999 in E4 and F4 (no Excel writes them): each is a cell-error #NUM! on its
    cell, not an amount."""
    from motxl.core.checks import validate
    from motxl.workbooks.reading import read_programme
    from tests.trust.corpus import BY_NAME

    report = validate(read_programme(corpus(BY_NAME["nombres-non-finis"])))
    errors = {f.cell: f.message for f in report.findings if f.rule == "cell-error"}
    assert set(errors) >= {"E4", "F4"}
    assert all("#NUM!" in errors[cell] for cell in ("E4", "F4"))
    assert not any(f.cell in ("E4", "F4") for f in report.findings if f.rule != "cell-error")
