"""A minimal, deterministic [MS-CFB] version 3 compound-file writer.

``build_compound_file(tree)`` takes a dict whose keys are entry names and whose values are
``bytes`` (a stream) or another such dict (a storage), and returns the file's bytes:

    build_compound_file({"PROJECT": b"...", "VBA": {"dir": b"...", "Module1": b"..."}})

Layout ([MS-CFB] 2.2): 512-byte header, then the FAT sectors, the directory, the mini FAT, the
mini stream and the regular streams, each as one contiguous sector chain. Streams shorter than
4096 bytes live in the mini stream (64-byte mini sectors, 2.5); the others in 512-byte sectors.
Siblings form a balanced binary search tree ordered by the CFB rule (shorter name first, then
upper-case UTF-16 comparison, 2.6.4), coloured as a valid red-black tree. All CLSIDs, state bits
and timestamps are zero, and entries are sorted, so equal trees give identical bytes whatever
the dict order. Limits: names of 1-31 UTF-16 code units without ``/ \\ : !``; at most 109 FAT
sectors (about 6.8 MB), since no DIFAT sector is written.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Union

Tree = dict[str, Union[bytes, "Tree"]]

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_HEADER_DIFAT = 109
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1

__all__ = ["build_compound_file", "cfb_name_key"]


def cfb_name_key(name: str) -> tuple[int, tuple[int, ...]]:
    """Sort key of sibling names, [MS-CFB] 2.6.4: length first, then upper-case code units."""
    raw = name.encode("utf-16-le", "surrogatepass")
    units = struct.unpack(f"<{len(raw) // 2}H", raw)
    upper = tuple(ord(chr(u).upper()) if len(chr(u).upper()) == 1 else u for u in units)
    return len(units), upper


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list["_Entry"] = field(default_factory=list)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN


def _check_name(name: str) -> None:
    units = len(name.encode("utf-16-le")) // 2
    if not 1 <= units <= 31 or any(c in name for c in "/\\:!") or "\x00" in name:
        raise ValueError(f"invalid compound-file entry name: {name!r}")


def _collect(tree: Tree, name: str, kind: int) -> _Entry:
    entry = _Entry(name, kind)
    seen: set[tuple[int, tuple[int, ...]]] = set()
    for child_name, value in sorted(tree.items(), key=lambda item: cfb_name_key(item[0])):
        _check_name(child_name)
        key = cfb_name_key(child_name)
        if key in seen:
            raise ValueError(f"duplicate entry name (case-insensitive): {child_name!r}")
        seen.add(key)
        if isinstance(value, dict):
            entry.children.append(_collect(value, child_name, _STORAGE))
            entry.children[-1].start = 0  # [MS-CFB] 2.6.3: zero for a storage
        elif isinstance(value, (bytes, bytearray, memoryview)):
            entry.children.append(_Entry(child_name, _STREAM, bytes(value)))
        else:
            raise TypeError(f"{child_name!r}: expected bytes or dict, got {type(value).__name__}")
    return entry


def _number(root: _Entry) -> list[_Entry]:
    """Give directory ids in pre-order (root = 0), siblings in sorted order."""
    entries: list[_Entry] = []

    def visit(entry: _Entry) -> None:
        entry.sid = len(entries)
        entries.append(entry)
        for child in entry.children:
            visit(child)

    visit(root)
    return entries


def _link(parent: _Entry) -> None:
    """Turn each storage's sorted children into a balanced red-black tree ([MS-CFB] 2.6.4).

    A median split keeps every leaf within one level of the deepest; nodes on the deepest
    level are red when the tree is not perfect, all others black, so each path from the root
    to a leaf crosses the same number of black nodes and no red node has a red child.
    """
    kids = parent.children

    def depth(count: int) -> int:
        return count.bit_length()

    full = len(kids) + 1 == 1 << depth(len(kids))
    deepest = depth(len(kids)) - 1

    def build(low: int, high: int, level: int) -> int:
        if low >= high:
            return NOSTREAM
        mid = (low + high) // 2
        node = kids[mid]
        node.left = build(low, mid, level + 1)
        node.right = build(mid + 1, high, level + 1)
        node.color = _RED if (level == deepest and level > 0 and not full) else _BLACK
        return node.sid

    parent.child = build(0, len(kids), 0)
    for kid in kids:
        if kid.kind == _STORAGE:
            _link(kid)


def _sectors(size: int, unit: int) -> int:
    return (size + unit - 1) // unit


def _dir_entry(entry: _Entry, size: int) -> bytes:
    name = entry.name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), entry.kind, entry.color, entry.left, entry.right, entry.child,
        b"\x00" * 16, 0, 0, 0, entry.start, size,
    )


_EMPTY_DIR_ENTRY = struct.pack(
    "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\x00" * 16, 0, 0, 0, 0, 0
)


def build_compound_file(tree: Tree) -> bytes:
    """Serialise ``tree`` (name -> bytes stream | dict storage) as a CFB v3 file."""
    root = _collect(tree, "Root Entry", _ROOT)
    entries = _number(root)
    _link(root)
    streams = [e for e in entries if e.kind == _STREAM]
    small = [e for e in streams if 0 < len(e.data) < MINI_CUTOFF]
    large = [e for e in streams if len(e.data) >= MINI_CUTOFF]

    mini_fat: list[int] = []
    mini_stream = bytearray()
    for entry in small:
        count = _sectors(len(entry.data), MINI_SECTOR)
        entry.start = len(mini_fat)
        mini_fat += list(range(len(mini_fat) + 1, len(mini_fat) + count)) + [ENDOFCHAIN]
        mini_stream += entry.data.ljust(count * MINI_SECTOR, b"\x00")

    n_dir = _sectors(len(entries), SECTOR // 128)
    n_minifat = _sectors(len(mini_fat) * 4, SECTOR)
    n_ministream = _sectors(len(mini_stream), SECTOR)
    n_large = sum(_sectors(len(e.data), SECTOR) for e in large)
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + n_dir + n_minifat + n_ministream + n_large:
        n_fat += 1
    if n_fat > _HEADER_DIFAT:
        raise ValueError("compound file too large for a header-only DIFAT (about 6.8 MB)")

    fat: list[int] = [FATSECT] * n_fat
    body = bytearray()

    def chain(data: bytes) -> int:
        """Append ``data`` as one contiguous chain; return its first sector (or ENDOFCHAIN)."""
        count = _sectors(len(data), SECTOR)
        if not count:
            return ENDOFCHAIN
        first = len(fat)
        fat.extend(list(range(first + 1, first + count)) + [ENDOFCHAIN])
        body.extend(bytes(data).ljust(count * SECTOR, b"\x00"))
        return first

    # The directory comes first in ``body`` but its contents depend on later starts:
    dir_start = len(fat)
    fat.extend(list(range(dir_start + 1, dir_start + n_dir)) + [ENDOFCHAIN])
    body.extend(bytes(n_dir * SECTOR))
    minifat_start = chain(b"".join(struct.pack("<I", v) for v in mini_fat).ljust(
        n_minifat * SECTOR, b"\xff"))
    root.start = chain(bytes(mini_stream))
    for entry in large:
        entry.start = chain(entry.data)

    directory = bytearray()
    for entry in entries:
        size = len(mini_stream) if entry.kind == _ROOT else len(entry.data)
        directory += _dir_entry(entry, size if entry.kind != _STORAGE else 0)
    directory = directory.ljust(n_dir * SECTOR, b"\x00")
    for offset in range(len(entries) * 128, n_dir * SECTOR, 128):
        directory[offset:offset + 128] = _EMPTY_DIR_ENTRY
    body[0:n_dir * SECTOR] = directory

    fat_bytes = b"".join(struct.pack("<I", v) for v in fat).ljust(n_fat * SECTOR, b"\xff")
    difat = list(range(n_fat)) + [FREESECT] * (_HEADER_DIFAT - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        _SIGNATURE, b"\x00" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\x00" * 6,
        0, n_fat, dir_start, 0, MINI_CUTOFF,
        minifat_start, n_minifat, ENDOFCHAIN, 0,
    ) + struct.pack(f"<{_HEADER_DIFAT}I", *difat)
    assert len(header) == SECTOR
    return header + fat_bytes + bytes(body)
