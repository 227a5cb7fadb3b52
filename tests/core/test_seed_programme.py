"""The programme the user handed over, read verbatim: structure and Validate's exact findings."""

import json
from collections import Counter

from motxl.core.checks import validate
from motxl.workbooks.reading import read_programme


def test_seed_structure(seed_workbook):
    programme = read_programme(seed_workbook)
    levels = Counter(h.level for h in programme.headings)
    assert (levels[1], levels[2], levels[3]) == (3, 11, 25)
    assert len(programme.actions) == 83
    assert Counter(a.axis for a in programme.actions) == {"1": 27, "2": 28, "3": 28}
    assert programme.header_row == 3
    assert programme.year == 2023


def test_seed_actions_under_objective_1_4(seed_workbook):
    programme = read_programme(seed_workbook)
    under_1_4 = [a for a in programme.actions if a.code == "1.4"]
    assert len(under_1_4) == 3
    assert all(a.objective == "1.4" and a.sub_objective is None for a in under_1_4)


def test_seed_tags_and_funding(seed_workbook):
    programme = read_programme(seed_workbook)
    fundings = Counter(a.funding for a in programme.actions)
    assert fundings == {"Socle": 55, "Sur-mesure": 24, "Marché public": 4}
    borders = Counter(b for a in programme.actions for b in a.borders)
    assert set(borders) == {"FR-DE", "FR-IT", "FR-ES", "OM", "FR-LU", "FR-BE", "FR-CH",
                            "FR-IT-MC"}
    institutions = Counter(i for a in programme.actions for i in a.institutions)
    assert institutions == {"PE": 2, "CE": 1, "CoR": 1}
    pending = [a.row for a in programme.actions if a.pending]
    assert pending == [106, 121]


def test_seed_findings_exact(seed_workbook):
    report = validate(read_programme(seed_workbook))
    assert report.valid
    assert report.flatten(["severity", "rule", "cell"]) == [
        ["warning", "label-markup", "B103"],
        ["warning", "label-markup", "B106"],
        ["warning", "code-trailing-dot", "A112"],
        ["warning", "label-markup", "B121"],
        ["warning", "label-markup", "B122"],
        ["info", "blank-row", "A27"],
        ["info", "blank-row", "A52"],
        ["info", "blank-row", "A77"],
        ["info", "blank-row", "A101"],
        ["info", "blank-row", "A109"],
    ]


def test_seed_validate_json_shape(seed_workbook, cli):
    result = cli("validate", seed_workbook, "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["valid"] is True and data["sheet"] == "Programme"
    assert data["counts"] == {"error": 0, "warning": 5, "info": 5}
    first = data["findings"][0]
    assert set(first) == {"rule", "severity", "sheet", "cell", "row", "column", "message"}
    trailing = [f for f in data["findings"] if f["rule"] == "code-trailing-dot"]
    assert trailing == [{"rule": "code-trailing-dot", "severity": "warning",
                         "sheet": "Programme", "cell": "A112", "row": 112, "column": "A",
                         "message": trailing[0]["message"]}]
    assert "3.3." in trailing[0]["message"]


def test_seed_validate_text(seed_workbook, cli):
    result = cli("validate", seed_workbook)
    assert result.code == 0
    assert "VALIDE : 0 erreur(s), 5 avertissement(s), 5 information(s)." in result.out
