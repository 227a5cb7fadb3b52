"""Programme × 2 → Changes: which action of the old version is which action of the new one.

Directors ask what changed between two versions (draft and voted, mid-year revision, last
year's and this year's): the answer is per action, not per cell. The matching is one-to-one,
deterministic, and done in stages; each stage only sees what earlier stages left unmatched:

1. **exact**: same code and same label (labels compared normalised: case, punctuation and
   spacing ignored, accents kept). Actions sharing code and label are paired in sheet order. Such a pair
   is *unchanged*, or *changed* when a planning field differs (``FIELDS``).
2. **same label elsewhere**: same folded label under another code, paired in sheet order:
   *moved*.
3. **fuzzy, same code**: rapidfuzz's ``fuzz.ratio`` (normalised InDel similarity, 0-100) on the
   labels (lower case, punctuation as spaces); every pair scoring at least ``RELABEL_THRESHOLD``
   is a candidate, and candidates are taken best score first (ties: old sheet order, then new
   sheet order), each action at most once: *relabelled*.
4. **fuzzy, any code**: the same with ``MOVE_THRESHOLD`` (stricter: a moved *and* reworded
   action has less to vouch for it): *moved*, with the label among its changes.
   In both fuzzy stages each old action keeps its ``TOP_CANDIDATES`` best candidates, and
   scores are computed by blocks of ``MAX_CROSS_PAIRS`` at most (bounded memory).
5. What is left is *removed* (old) or *added* (new).

Headings (axes, objectives, sub-objectives) go through the same stages, level by level:
*unchanged*, *moved* (renumbered: same title, another code), *renamed* (same code, title
reworded), *added*, *removed*.

The deltas (per axis, per funding, total) come from ``roll_up`` of each version.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Sequence, TypeVar

from motxl.core.model import Action, Heading, Programme
from motxl.core.rollup import Figures, roll_up

Status = Literal["unchanged", "changed", "moved", "relabelled", "added", "removed"]
HeadingStatus = Literal["unchanged", "moved", "renamed", "added", "removed"]
STATUSES: tuple[Status, ...] = ("unchanged", "changed", "moved", "relabelled", "added",
                                "removed")
#: Compared fields of a matched pair (the label too, but through the matching itself).
FIELDS = ("label", "person", "funding", "status", "deadline", "days_planned", "days_actual",
          "budget_planned", "spent_actual")
#: fuzz.ratio (0-100) from which two labels under the same code are the same action reworded.
RELABEL_THRESHOLD = 70.0
#: fuzz.ratio from which two labels under different codes are the same action moved and reworded.
MOVE_THRESHOLD = 85.0
#: Above this many candidate pairs the fourth stage compares only within the same axis (it is
#: the only stage whose cost grows as old × new: 10,000 unmatched on each side is 10^8 pairs).
MAX_CROSS_PAIRS = 4_000_000
#: Candidates kept per old action in the fuzzy stages (best scores): bounds the work when many
#: labels look alike (two programmes whose labels all follow one pattern).
TOP_CANDIDATES = 5
DELTA_FIELDS = ("actions", "days_planned", "budget_planned")


@dataclass(frozen=True, slots=True)
class Side:
    """An action (or heading) as one version has it."""

    code: str
    label: str
    cell: str  # A1 reference of its label on the programme sheet


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass
class ActionChange:
    status: Status
    old: Action | None
    new: Action | None
    old_side: Side | None
    new_side: Side | None
    similarity: float | None = None  # 0-1; 1.0 for equal (folded) labels
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class HeadingChange:
    status: HeadingStatus
    level: int
    old: Side | None
    new: Side | None
    similarity: float | None = None


@dataclass
class Delta:
    key: str  # axis code, funding name or "Total"
    label: str
    old: Figures
    new: Figures


@dataclass
class Changes:
    old: Programme
    new: Programme
    actions: list[ActionChange]
    headings: list[HeadingChange]
    totals: Delta
    axes: list[Delta]
    fundings: list[Delta]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for change in self.actions:
            counts[change.status] += 1
        return counts

    def of(self, status: Status) -> list[ActionChange]:
        return [c for c in self.actions if c.status == status]

    def to_json_dict(self) -> dict:
        def version(p: Programme) -> dict:
            return {"source": p.source, "sheet": p.sheet, "year": p.year,
                    "actions": len(p.actions)}

        def side(s: Side | None, cell: bool = True) -> dict | None:
            if s is None:
                return None
            data = {"code": s.code, "label": s.label}
            if cell:
                data["cell"] = s.cell
            return data

        def figures(f: Figures) -> dict:
            return {name: _plain(getattr(f, name)) for name in DELTA_FIELDS}

        def delta(d: Delta, key: str) -> dict:
            return {key: d.key, "label": d.label, "old": figures(d.old), "new": figures(d.new)}

        return {
            "old": version(self.old), "new": version(self.new), "counts": self.counts,
            "actions": [{"status": c.status, "old": side(c.old_side), "new": side(c.new_side),
                         "similarity": c.similarity,
                         "changes": [{"field": f.field, "old": _json_value(f.old),
                                      "new": _json_value(f.new)} for f in c.changes]}
                        for c in self.actions],
            "headings": [{"status": h.status, "level": h.level, "old": side(h.old, False),
                          "new": side(h.new, False), "similarity": h.similarity}
                         for h in self.headings],
            "deltas": {"totals": {"old": figures(self.totals.old),
                                  "new": figures(self.totals.new)},
                       "axes": [delta(d, "code") for d in self.axes],
                       "fundings": [delta(d, "funding") for d in self.fundings]},
        }


def _plain(value: float | int) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 6)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return _plain(value)
    return value


# -- matching ----------------------------------------------------------------------------------

T = TypeVar("T")


def _fuzzy_text(label: str) -> str:
    """Lower case, every character that is not a letter or digit as a space (rapidfuzz)."""
    from rapidfuzz import utils

    return utils.default_process(label)


def _pair_in_order(old: Sequence[int], new: Sequence[int], key_old: Callable[[int], Any],
                   key_new: Callable[[int], Any]) -> list[tuple[int, int]]:
    """Pairs (old index, new index) of equal keys, the n-th old with the n-th new."""
    waiting: dict[Any, list[int]] = {}
    for j in new:
        waiting.setdefault(key_new(j), []).append(j)
    cursor: dict[Any, int] = {}
    pairs = []
    for i in old:
        key = key_old(i)
        candidates = waiting.get(key)
        if not candidates:
            continue
        k = cursor.get(key, 0)
        if k < len(candidates):
            pairs.append((i, candidates[k]))
            cursor[key] = k + 1
    return pairs


def _best_pairs(old: list[int], new: list[int], old_text: list[str], new_text: list[str],
                threshold: float, group_old: Callable[[int], Any],
                group_new: Callable[[int], Any]) -> list[tuple[int, int, float]]:
    """One-to-one pairs within groups, best score first, each score ≥ threshold."""
    import numpy as np
    from rapidfuzz import fuzz, process

    groups: dict[Any, tuple[list[int], list[int]]] = {}
    for i in old:
        groups.setdefault(group_old(i), ([], []))[0].append(i)
    for j in new:
        groups.setdefault(group_new(j), ([], []))[1].append(j)
    candidates: list[tuple[float, int, int]] = []
    for olds, news in groups.values():
        if not olds or not news:
            continue
        choices = [new_text[j] for j in news]
        keep = min(TOP_CANDIDATES, len(news))
        step = max(1, MAX_CROSS_PAIRS // len(news))  # bounded memory: a block of old rows
        for start in range(0, len(olds), step):
            block = olds[start:start + step]
            scores = process.cdist([old_text[i] for i in block], choices, scorer=fuzz.ratio,
                                   score_cutoff=threshold, dtype=np.float32, workers=-1)
            if keep < len(news):  # each old action keeps its best few candidates
                best = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
            else:
                best = np.broadcast_to(np.arange(len(news)), scores.shape)
            for r, columns in enumerate(best.tolist()):
                row = scores[r]
                for c in columns:
                    if row[c] >= threshold:
                        candidates.append((-float(row[c]), block[r], news[c]))
    candidates.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for score, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((i, j, round(-score / 100, 4)))
    return pairs


@dataclass
class _Match:
    pairs: list[tuple[int, int, str, float]]  # old index, new index, stage, similarity
    removed: list[int]
    added: list[int]


def match(old_labels: list[str], old_codes: list[str], new_labels: list[str],
          new_codes: list[str], *, relabel: float = RELABEL_THRESHOLD,
          move: float = MOVE_THRESHOLD) -> _Match:
    """The staged matching (module docstring) on plain lists; stages 'exact', 'label',
    'relabel', 'move'."""
    old_text = [_fuzzy_text(label) for label in old_labels]
    new_text = [_fuzzy_text(label) for label in new_labels]
    old_fold = [" ".join(text.split()) for text in old_text]
    new_fold = [" ".join(text.split()) for text in new_text]
    left_old = list(range(len(old_labels)))
    left_new = list(range(len(new_labels)))
    pairs: list[tuple[int, int, str, float]] = []

    def take(found: list[tuple[int, int, float]], stage: str) -> None:
        nonlocal left_old, left_new
        pairs.extend((i, j, stage, s) for i, j, s in found)
        done_old, done_new = {p[0] for p in found}, {p[1] for p in found}
        left_old = [i for i in left_old if i not in done_old]
        left_new = [j for j in left_new if j not in done_new]

    take([(i, j, 1.0) for i, j in _pair_in_order(
        left_old, left_new, lambda i: (old_codes[i], old_fold[i]),
        lambda j: (new_codes[j], new_fold[j]))], "exact")
    take([(i, j, 1.0) for i, j in _pair_in_order(
        left_old, left_new, lambda i: old_fold[i], lambda j: new_fold[j])], "label")
    if left_old and left_new:
        take(_best_pairs(left_old, left_new, old_text, new_text, relabel,
                         lambda i: old_codes[i], lambda j: new_codes[j]), "relabel")
        if left_old and left_new:
            if len(left_old) * len(left_new) <= MAX_CROSS_PAIRS:
                def group_old(i: int) -> str:
                    return ""

                def group_new(j: int) -> str:
                    return ""
            else:
                def group_old(i: int) -> str:
                    return old_codes[i].split(".")[0]

                def group_new(j: int) -> str:
                    return new_codes[j].split(".")[0]
            take(_best_pairs(left_old, left_new, old_text, new_text, move, group_old,
                             group_new), "move")
    pairs.sort(key=lambda p: (p[1], p[0]))
    return _Match(pairs, left_old, left_new)


# -- the comparison ----------------------------------------------------------------------------

def _cell(programme: Programme, row: int) -> str:
    return f"{programme.columns.get('label', 'B')}{row}"


def _side(programme: Programme, item: Action | Heading) -> Side:
    return Side(item.code, item.label, _cell(programme, item.row))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def field_changes(old: Action, new: Action) -> list[FieldChange]:
    a = [getattr(old, name) for name in FIELDS]
    b = [getattr(new, name) for name in FIELDS]
    if a == b:  # most pairs: nothing to look at field by field
        return []
    return [FieldChange(name, x, y) for name, x, y in zip(FIELDS, a, b) if not _same(x, y)]


_ACTION_STATUS = {"label": "moved", "relabel": "relabelled", "move": "moved"}
_HEADING_STATUS: dict[str, HeadingStatus] = {"exact": "unchanged", "label": "moved",
                                             "relabel": "renamed", "move": "moved"}


def compare(old: Programme, new: Programme) -> Changes:
    """Match the headings, then the actions under their matched headings (module doc)."""
    headings, code_map = _headings(old, new)
    found = match([a.label for a in old.actions],
                  [code_map.get(a.code, a.code) for a in old.actions],
                  [a.label for a in new.actions], [a.code for a in new.actions])
    actions: list[ActionChange] = []
    for i, j, stage, similarity in found.pairs:
        a, b = old.actions[i], new.actions[j]
        changes = field_changes(a, b)
        status: Status
        if a.code != b.code:
            status = "moved"
        elif stage == "exact":
            status = "changed" if changes else "unchanged"
        else:
            status = _ACTION_STATUS[stage]  # type: ignore[assignment]
        actions.append(ActionChange(status, a, b, _side(old, a), _side(new, b), similarity,
                                    changes))
    removed = [ActionChange("removed", old.actions[i], None, _side(old, old.actions[i]), None)
               for i in found.removed]
    for j in found.added:
        b = new.actions[j]
        actions.append(ActionChange("added", None, b, None, _side(new, b)))
    actions.sort(key=lambda c: c.new.row if c.new else 0)
    return Changes(old=old, new=new, actions=_order(actions, removed), headings=headings,
                   **_deltas(old, new))


def _order(matched: list[ActionChange], removed: list[ActionChange]) -> list[ActionChange]:
    """New sheet order; each removed action after the matched one that preceded it in the old
    sheet (or first)."""
    if not removed:
        return matched
    after: dict[int, list[ActionChange]] = {}
    old_rows = sorted((c.old.row, k) for k, c in enumerate(matched) if c.old is not None)
    keys = [row for row, _ in old_rows]
    for change in removed:
        assert change.old is not None
        pos = bisect.bisect_left(keys, change.old.row) - 1
        after.setdefault(old_rows[pos][1] if pos >= 0 else -1, []).append(change)
    result = list(after.get(-1, []))
    for k, change in enumerate(matched):
        result.append(change)
        result.extend(after.get(k, []))
    return result


def _headings(old: Programme, new: Programme) -> tuple[list[HeadingChange], dict[str, str]]:
    """The heading changes, and where each old heading code went (a removed heading's code
    maps to a code no new heading has, so that its actions are not taken for those of a new
    heading that took its number)."""
    result: list[tuple[tuple[int, int], HeadingChange]] = []
    code_map: dict[str, str] = {}
    for level in (1, 2, 3):
        olds = [h for h in old.headings if h.level == level]
        news = [h for h in new.headings if h.level == level]
        found = match([h.label for h in olds], [_mapped(h.code, code_map) for h in olds],
                      [h.label for h in news], [h.code for h in news])
        for i, j, stage, similarity in found.pairs:
            a, b = olds[i], news[j]
            code_map[a.code] = b.code
            status = "moved" if a.code != b.code else _HEADING_STATUS[stage]
            if status == "unchanged" and a.label != b.label:
                status = "renamed"
            result.append(((b.row, 0), HeadingChange(status, level, _side(old, a),
                                                     _side(new, b), similarity)))
        for i in found.removed:
            code_map[olds[i].code] = "\x00" + olds[i].code
            result.append(((olds[i].row, 1), HeadingChange("removed", level,
                                                           _side(old, olds[i]), None)))
        for j in found.added:
            result.append(((news[j].row, 0), HeadingChange("added", level, None,
                                                           _side(new, news[j]))))
    result.sort(key=lambda item: (_code_key((item[1].new or item[1].old).code),  # type: ignore
                                  item[0]))
    return [change for _, change in result], code_map


def _mapped(code: str, code_map: dict[str, str]) -> str:
    """A heading's code with its parent's new code (3.3.2 → 3.4.2 when 3.3 became 3.4)."""
    parent, _, last = code.rpartition(".")
    return f"{code_map[parent]}.{last}" if parent and parent in code_map else code


def _code_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


def _deltas(old: Programme, new: Programme) -> dict:
    a, b = roll_up(old), roll_up(new)
    old_axes = {x.code: x for x in a.axes}
    new_axes = {x.code: x for x in b.axes}
    codes = sorted(set(old_axes) | set(new_axes), key=_code_key)
    axes = [Delta(code, (new_axes.get(code) or old_axes[code]).label,
                  old_axes.get(code) or Figures(), new_axes.get(code) or Figures())
            for code in codes]
    names = list(a.by_funding) + [k for k in b.by_funding if k not in a.by_funding]
    fundings = [Delta(name, name, a.by_funding.get(name) or Figures(),
                      b.by_funding.get(name) or Figures()) for name in names]
    return {"totals": Delta("Total", "Programme", a.totals, b.totals), "axes": axes,
            "fundings": fundings}
