"""Times `motxl compare` on two large versions and measures how well it pairs the actions.

Usage:  python bench/bench_compare.py [--actions 10000] [--repeat 3] [--seed 7]

A programme of N actions with the seed's headings and generated French labels (4 to 10 words
from a fixed vocabulary) is written, then a second version is made from it with known edits:
5 % removed, 5 % added, 5 % moved to another sub-objective, 5 % relabelled (one or two words
replaced, inserted or dropped), 10 % with changed figures, and one objective renumbered (its
actions move with it). The truth is the edit list: which old row became which new row.

Printed, with the median of --repeat runs:
  read    reading both files (motxl's reader: python-calamine + parse), the baseline
  compare the matching alone (motxl.core.compare.compare on the two parsed programmes)
  process `motxl compare OLD NEW --format json` as a whole process
and the ratios compare/read and process/read; then the precision and recall of the pairs
(goal: ≥ 0.95 each) and the share of correct statuses. Goal at 10,000 × 10,000: process < 5 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "accompagnement animation appui assistance atelier bassin bilan capitalisation cartographie "
    "charte coopération comité conférence conseil contrat convention diagnostic dialogue "
    "diffusion dispositif données échange élus emploi enquête étude évaluation événement "
    "expertise financement fiche formation forum frontière gouvernance groupe guide "
    "habitat hôpital information ingénierie innovation institution jeunesse journée "
    "juridique lettre logement mobilité méthode mission montage numérique observation "
    "obstacle outil partenariat plateforme politique portail préparation prévention "
    "programme projet publication rapport recherche réseau rencontre ressource santé "
    "schéma séminaire service site solidarité stratégie suivi synthèse territoire transport "
    "travail université veille ville visite webinaire"
).split()
LINKS = "de la du des et pour avec sur en au aux".split()


def label(rng: random.Random) -> str:
    words = []
    for k in range(rng.randint(4, 10)):
        words.append(rng.choice(LINKS) if k % 2 else rng.choice(WORDS))
    words[0] = words[0].capitalize()
    return " ".join(words) + f" {rng.randint(1, 99)}"


def reword(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(rng.randint(1, 2)):
        kind = rng.random()
        at = rng.randrange(1, len(words))
        if kind < 0.4:
            words[at] = rng.choice(WORDS)
        elif kind < 0.8 or len(words) < 6:
            words.insert(at, rng.choice(WORDS))
        else:
            del words[at]
    return " ".join(words)


def versions(actions: int, seed: int):
    """(old rows, new rows, truth: {old row number: new row number}, statuses by old row)."""
    from motxl.workbooks.sample import sample_rows

    rng = random.Random(seed)
    base = sample_rows(actions, seed=seed)
    header, body = base[0], base[1:]
    seen: set[str] = set()
    items = []  # (id or None, row)
    for row in body:
        code = str(row[0]).rstrip(".")
        if code in seen and row[1].startswith("Action "):
            row = list(row)
            row[1] = label(rng)
            items.append((len(items), row))
        else:
            items.append((None, list(row)))
        seen.add(code)
    old_rows = [header] + [list(r) for _, r in items]
    ids = [i for i, _ in items if i is not None]
    hosts = sorted({str(r[0]) for i, r in items if i is not None})
    status = {}
    picked = rng.sample(ids, len(ids) * 30 // 100)
    step = len(picked) // 6
    removed, moved, relabelled, changed = (set(picked[:step]), set(picked[step:2 * step]),
                                           set(picked[2 * step:3 * step]),
                                           set(picked[3 * step:]))
    new_items = []
    for ident, row in items:
        if ident in removed:
            status[ident] = "removed"
            continue
        row = list(row)
        if ident in moved:
            target = rng.choice([h for h in hosts if h != row[0]])
            row[0] = target
            status[ident] = "moved"
        elif ident in relabelled:
            row[1] = reword(row[1], rng)
            status[ident] = "relabelled"
        elif ident in changed:
            row[5] = (row[5] or 0) + 100 * rng.randint(1, 20)
            status[ident] = "changed"
        elif ident is not None:
            status[ident] = "unchanged"
        new_items.append((ident, row))
    # Moved rows go under their new heading: re-sort by code, keeping the order within a code.
    order = {str(r[0]).rstrip("."): k for k, (_, r) in enumerate(items)}
    new_items.sort(key=lambda item: (order[str(item[1][0]).rstrip(".")], item[0] in moved))
    # Added actions, spread over the hosts.
    for _ in range(len(ids) * 5 // 100):
        host = rng.choice(hosts)
        at = max(k for k, (_, r) in enumerate(new_items) if str(r[0]).rstrip(".") == host)
        new_items.insert(at + 1, (None, [host, label(rng), "Personne 01", None, 5, 3000, None,
                                         None, "À lancer", None, None]))
    # One objective renumbered: 2.3 becomes 2.9 (its sub-objectives and actions with it).
    for ident, row in new_items:
        code = str(row[0]).rstrip(".")
        if code == "2.3" or code.startswith("2.3."):
            row[0] = "2.9" + code[3:]
            if ident is not None and status.get(ident) in ("unchanged", "changed"):
                status[ident] = "moved"
    new_rows = [header] + [r for _, r in new_items]
    old_row_of = {ident: k + 2 for k, (ident, _) in enumerate(items) if ident is not None}
    new_row_of = {ident: k + 2 for k, (ident, _) in enumerate(new_items) if ident is not None}
    truth = {old_row_of[i]: new_row_of[i] for i in new_row_of}
    statuses = {old_row_of[i]: s for i, s in status.items()}
    return old_rows, new_rows, truth, statuses


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_time(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from motxl.core.compare import compare
    from motxl.workbooks.reading import read_programme
    from motxl.workbooks.writing import save_sheets

    old_rows, new_rows, truth, statuses = versions(args.actions, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        old_path, new_path = Path(tmp) / "ancien.xlsx", Path(tmp) / "nouveau.xlsx"
        save_sheets(old_path, {"Programme": old_rows})
        save_sheets(new_path, {"Programme": new_rows})
        read_s, (old, new) = median_time(lambda: (read_programme(old_path),
                                                  read_programme(new_path)), args.repeat)
        compare_s, changes = median_time(lambda: compare(old, new), args.repeat)
        cpu_before = _children_cpu()
        process_s, _ = median_time(lambda: subprocess.run(
            [sys.executable, "-m", "motxl", "compare", str(old_path), str(new_path),
             "--format", "json"], check=True, stdout=subprocess.DEVNULL), args.repeat)
        process_cpu = (_children_cpu() - cpu_before) / args.repeat

    found = {c.old.row: c.new.row for c in changes.actions
             if c.old is not None and c.new is not None}
    right = sum(1 for o, n in found.items() if truth.get(o) == n)
    precision = right / len(found) if found else 1.0
    recall = right / len(truth) if truth else 1.0
    by_old = {c.old.row: c.status for c in changes.actions if c.old is not None}
    status_ok = sum(1 for row, s in statuses.items() if by_old.get(row) == s) / len(statuses)
    print(f"{len(old.actions)} × {len(new.actions)} actions "
          f"(truth: {len(truth)} pairs, {sum(1 for s in statuses.values() if s == 'removed')} "
          f"removed, {len(new.actions) - len(truth)} added)")
    print(f"read both files  {read_s:6.2f} s   (baseline)")
    print(f"compare (match)  {compare_s:6.2f} s   ratio {compare_s / read_s:5.2f}")
    print(f"motxl compare    {process_s:6.2f} s   ratio {process_s / read_s:5.2f}   "
          f"goal < 5 s   (CPU {process_cpu:.2f} s: the wall time includes waiting for a "
          "busy machine)")
    print(f"precision {precision:.4f}   recall {recall:.4f}   (goal ≥ 0.95 each)   "
          f"statuses right {status_ok:.4f}")
    print("counts:", changes.counts)


if __name__ == "__main__":
    main()
