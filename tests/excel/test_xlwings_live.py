"""The xlwings adapter's own rules: grouping styles keeps the TabSpec's result, addresses,
text protection, links."""

from __future__ import annotations

from dataclasses import fields

from hypothesis import given, settings
from hypothesis import strategies as st

from motxl.presentation.spec import STYLES, Area, Link, Style, StyleRange, TabSpec
from motxl.render.xlwings_live import (MAX_ADDRESS, addresses, coalesce, column_runs,
                                       excel_text, group_styles, link_formula, row_runs)

STYLE_NAMES = sorted(STYLES)
FIELDS = [f.name for f in fields(Style)]


def cells(area: Area):
    return {(r, c) for r in range(area.first_row, area.last_row + 1)
            for c in range(area.first_col, area.last_col + 1)}


def apply(result: dict, area: Area, style: Style) -> None:
    for cell in cells(area):
        props = result.setdefault(cell, {})
        for name in FIELDS:
            if getattr(style, name) is not None:
                props[name] = getattr(style, name)


areas = st.builds(lambda r, c, h, w: Area(r, c, r + h, c + w),
                  st.integers(0, 6), st.integers(0, 4), st.integers(0, 3), st.integers(0, 3))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(areas, st.sampled_from(STYLE_NAMES)), max_size=25))
def test_grouped_styles_give_the_same_cells_as_the_spec(ranges):
    spec = TabSpec("T", styles=[StyleRange(area, name) for area, name in ranges])
    expected: dict = {}
    for style_range in spec.styles:
        apply(expected, style_range.area, STYLES[style_range.style])
    grouped: dict = {}
    for group in group_styles(spec):
        for area in coalesce(group.areas):
            apply(grouped, area, STYLES[group.style])
    assert grouped == expected


def test_same_style_ranges_share_one_group_when_nothing_in_between_conflicts():
    spec = TabSpec("T", styles=[
        StyleRange(Area(0, 0, 0, 5), "axis"), StyleRange(Area(1, 0, 1, 5), "euro"),
        StyleRange(Area(3, 0, 3, 5), "axis"), StyleRange(Area(1, 0, 5, 0), "total"),
        StyleRange(Area(5, 0, 5, 5), "axis")])
    groups = [(g.style, len(g.areas)) for g in group_styles(spec)]
    # 'total' sets bold and fill like 'axis' and overlaps row 5: the last 'axis' stays after it
    assert groups == [("axis", 2), ("euro", 1), ("total", 1), ("axis", 1)]


@given(st.lists(areas, max_size=30))
def test_coalesce_keeps_the_same_cells(parts):
    before = set().union(*(cells(a) for a in parts)) if parts else set()
    after = coalesce(parts)
    after_cells = set().union(*(cells(a) for a in after)) if after else set()
    assert after_cells == before
    assert len(after) <= len(set(parts))


def test_addresses_stay_under_excels_limit():
    parts = [f"A{r}:M{r}" for r in range(1, 200, 2)]
    chunks = addresses(parts)
    assert all(len(chunk) <= MAX_ADDRESS for chunk in chunks)
    assert ",".join(chunks).split(",") == parts
    assert addresses(parts, multi_area=False) == parts


def test_runs():
    assert column_runs([0, 1, 2, 4, 7, 8]) == ["A:C", "E:E", "H:I"]
    assert row_runs([3, 4, 10]) == ["4:5", "11:11"]


def test_text_that_excel_would_convert_gets_the_text_prefix():
    for text in ("=SUM(A1)", "+33 1 23", "-", "@x", "#REF!", "1.1", "3.3.", "12/03/2023",
                 "15 mars", "50%", "VRAI", "false", "'quoted"):
        assert excel_text(text) == "'" + text
    for text in ("Socle", "Axe", "Marché public", "", "Non précisé", "FR-DE"):
        assert excel_text(text) == text


def test_link_formula_quotes_sheet_and_text():
    link = Link(0, 3, 'B"12', "L'onglet", "B12")
    assert link_formula(link) == '=HYPERLINK("#\'L\'\'onglet\'!B12","B""12")'
