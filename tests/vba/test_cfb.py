"""[MS-CFB] v3 writer, read back by olefile in strict mode and by a small directory walker."""

from __future__ import annotations

import random
import struct

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motxl.build.cfb import build_compound_file, cfb_name_key

NOSTREAM = 0xFFFFFFFF


def open_strict(data: bytes) -> olefile.OleFileIO:
    return olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)


def flatten(tree: dict, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], bytes | None]:
    """Paths of every entry: bytes for a stream, None for a storage."""
    out: dict[tuple[str, ...], bytes | None] = {}
    for name, value in tree.items():
        path = prefix + (name,)
        if isinstance(value, dict):
            out[path] = None
            out.update(flatten(value, path))
        else:
            out[path] = value
    return out


def check_reads_back(tree: dict) -> olefile.OleFileIO:
    data = build_compound_file(tree)
    assert len(data) % 512 == 0
    ole = open_strict(data)
    entries = flatten(tree)
    streams = {p for p, v in entries.items() if v is not None}
    storages = {p for p, v in entries.items() if v is None}
    assert {tuple(p) for p in ole.listdir(streams=True, storages=False)} == streams
    assert {tuple(p) for p in ole.listdir(streams=False, storages=True)} == storages
    for path in streams:
        assert ole.get_type("/".join(path)) == olefile.STGTY_STREAM
        assert ole.openstream("/".join(path)).read() == entries[path]
        assert ole.get_size("/".join(path)) == len(entries[path])
    for path in storages:
        assert ole.get_type("/".join(path)) == olefile.STGTY_STORAGE
    check_directory(data)
    return ole


def check_directory(data: bytes) -> None:
    """Walk the raw directory: header fields, zero times/CLSIDs, sibling trees (2.6.4)."""
    (sig, minor, major, order, shift, mini_shift, n_dir, n_fat, dir_start,
     cutoff) = struct.unpack_from("<8s16xHHHHH6xIII4xI", data, 0)
    assert (sig, minor, major, order, shift, mini_shift) == (
        bytes.fromhex("D0CF11E0A1B11AE1"), 0x3E, 3, 0xFFFE, 9, 6)
    assert (n_dir, cutoff) == (0, 4096)
    fat_sectors = struct.unpack_from("<109I", data, 76)[:n_fat]
    fat = []
    for sector in fat_sectors:
        fat += struct.unpack_from("<128I", data, 512 + sector * 512)
    raw = b""
    sector = dir_start
    while sector != 0xFFFFFFFE:
        raw += data[512 + sector * 512: 1024 + sector * 512]
        sector = fat[sector]
    entries = []
    for offset in range(0, len(raw), 128):
        name_raw, name_len, kind, color, left, right, child, clsid, state, ctime, mtime = (
            struct.unpack_from("<64sHBBIII16sIQQ", raw, offset))
        name = name_raw[:max(name_len - 2, 0)].decode("utf-16-le")
        entries.append((name, kind, color, left, right, child))
        assert clsid == bytes(16) and state == 0 and ctime == 0 and mtime == 0
    assert entries[0][:2] == ("Root Entry", 5) and entries[0][3:5] == (NOSTREAM, NOSTREAM)
    reached = {0}

    def walk(node: int, ancestors: int) -> tuple[list[str], int]:
        """In-order names and black height of a sibling tree; checks red-black rules."""
        if node == NOSTREAM:
            return [], 1
        assert node not in reached
        reached.add(node)
        name, kind, color, left, right, child = entries[node]
        if color == 0:  # red: no red child
            for kid in (left, right):
                assert kid == NOSTREAM or entries[kid][2] == 1
        left_names, left_black = walk(left, ancestors + 1)
        right_names, right_black = walk(right, ancestors + 1)
        assert left_black == right_black
        if kind == 1:
            check_siblings(child)
        return left_names + [name] + right_names, left_black + color

    def check_siblings(top: int) -> None:
        assert top == NOSTREAM or entries[top][2] == 1  # the root of a tree is black
        names, _ = walk(top, 0)
        keys = [cfb_name_key(n) for n in names]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)

    check_siblings(entries[0][5])
    unused = [i for i, e in enumerate(entries) if e[1] == 0]
    assert reached | set(unused) == set(range(len(entries)))
    assert all(entries[i][3:] == (NOSTREAM, NOSTREAM, NOSTREAM) for i in unused)


def test_one_small_stream() -> None:
    check_reads_back({"PROJECT": b"ID=\"{00000000-0000-0000-0000-000000000000}\"\r\n"})


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 4095, 4096, 4097, 8192])
def test_stream_sizes_around_cutoffs(size: int) -> None:
    data = random.Random(size).randbytes(size)
    check_reads_back({"s": data, "neighbour": b"x" * 100})


def test_mini_and_regular_boundary_together() -> None:
    check_reads_back({"a": b"a" * 4095, "b": b"b" * 4096, "c": b"c" * 4097})


def test_large_stream() -> None:
    big = random.Random(7).randbytes(100_000)
    ole = check_reads_back({"VBA": {"big": big, "small": b"tiny"}})
    assert ole.get_size("VBA/big") == 100_000


def test_nested_storages_and_empty_storage() -> None:
    check_reads_back({
        "PROJECT": b"p",
        "VBA": {"dir": b"d" * 300, "deeper": {"deepest": {"leaf": b"leaf"}}, "empty": {}},
        "Other": {},
    })


def test_many_entries_span_directory_sectors() -> None:
    tree = {f"Stream{i:02d}": bytes([i]) * (i * 97) for i in range(40)}
    tree["Storage"] = {f"Inner{i}": bytes([i]) * 5000 for i in range(9)}
    ole = check_reads_back(tree)
    assert len(ole.direntries) >= 51  # several 4-entry directory sectors


def test_names_ordered_by_length_then_uppercase() -> None:
    assert cfb_name_key("Zz") < cfb_name_key("aaa")
    assert cfb_name_key("abc") == cfb_name_key("ABC")
    assert sorted(["dir", "_VBA_PROJECT", "Module1", "b", "A"], key=cfb_name_key) == [
        "A", "b", "dir", "Module1", "_VBA_PROJECT"]


def test_order_independent() -> None:
    tree = {"b": b"2" * 5000, "a": b"1", "S": {"y": b"y", "x": b"x" * 4096}}
    reordered = {"S": {"x": b"x" * 4096, "y": b"y"}, "a": b"1", "b": b"2" * 5000}
    assert build_compound_file(tree) == build_compound_file(reordered)


@pytest.mark.parametrize("tree", [
    {"": b"x"},
    {"a" * 32: b"x"},
    {"a/b": b"x"},
    {"dir": b"1", "DIR": b"2"},
])
def test_rejects_bad_names(tree: dict) -> None:
    with pytest.raises(ValueError):
        build_compound_file(tree)


def test_rejects_non_bytes() -> None:
    with pytest.raises(TypeError):
        build_compound_file({"a": "text"})  # type: ignore[dict-item]


names = st.text(alphabet="abcXYZ_019é", min_size=1, max_size=31)
trees = st.recursive(
    st.binary(max_size=6000),
    lambda children: st.dictionaries(names, children, max_size=6),
    max_leaves=25,
).filter(lambda t: isinstance(t, dict))


def _no_case_duplicates(tree: dict) -> bool:
    keys = [cfb_name_key(k) for k in tree]
    return len(keys) == len(set(keys)) and all(
        _no_case_duplicates(v) for v in tree.values() if isinstance(v, dict))


@settings(max_examples=60, deadline=None)
@given(trees.filter(_no_case_duplicates))
def test_property_random_trees_read_back(tree: dict) -> None:
    check_reads_back(tree)
