"""[MS-OVBA] 2.4.1 compression, checked against oletools' independent decompressor."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import pytest
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from motxl.build.ovba_compression import compress, decompress

XLWINGS_BAS = Path(xlwings.__file__).parent / "xlwings.bas"
RAW_HEADER = 0x3FFF


def roundtrip(data: bytes) -> bytes:
    """Compress, check both decompressors give ``data`` back, return the container."""
    container = compress(data)
    assert container[0] == 0x01
    assert decompress_stream(bytearray(container)) == data
    assert decompress(container) == data
    return container


def chunk_headers(container: bytes) -> list[int]:
    """Walk the chunk headers of a container (sizes from the headers themselves)."""
    headers, pos = [], 1
    while pos < len(container):
        (header,) = struct.unpack_from("<H", container, pos)
        headers.append(header)
        pos += (header & 0x0FFF) + 3
    assert pos == len(container)
    return headers


def text_like(size: int) -> bytes:
    words = [b"Dim ", b"x", b" As Long", b"\r\n", b"    ", b"If ", b"Then", b"End Sub", b"'"]
    rng = random.Random(size)
    out = bytearray()
    while len(out) < size:
        out += rng.choice(words) + bytes([rng.randrange(65, 91)])
    return bytes(out[:size])


def random_bytes(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4095, 4096, 4097, 8192, 8193])
def test_roundtrip_text_sizes(size: int) -> None:
    container = roundtrip(text_like(size))
    headers = chunk_headers(container)
    assert len(headers) == -(-size // 4096)
    assert all(h & 0x8000 and (h >> 12) & 0b111 == 0b011 for h in headers)


def test_empty_is_signature_only() -> None:
    assert roundtrip(b"") == b"\x01"


def test_one_byte_exact_encoding() -> None:
    # chunk = 2-byte header + flag byte + literal = 4 bytes, so size field 4 - 3 = 1;
    # header 0x0001 | signature 0b011 << 12 | compressed flag 0x8000 = 0xB001
    assert roundtrip(b"A") == bytes([0x01, 0x01, 0xB0, 0x00, 0x41])


@pytest.mark.parametrize("size", [1, 4096, 8192, 3 * 4096 + 1000, 2 * 4096 + 3640])
def test_roundtrip_incompressible(size: int) -> None:
    data = random_bytes(size)
    headers = chunk_headers(roundtrip(data))
    full, tail = divmod(size, 4096)
    assert headers[:full] == [RAW_HEADER] * full  # full random chunks are stored raw
    if tail:
        assert headers[-1] & 0x8000  # the last partial chunk is always compressed


def test_chunk_at_the_raw_threshold() -> None:
    """Around the point where tokens stop fitting in 4096 bytes: largest compressed chunk
    (size field 0xFFF, 4096 data bytes), then raw chunks; each followed by a second chunk."""
    base = random_bytes(4096, seed=5)
    headers = set()
    for literals in range(3560, 3620):  # random bytes, then a repeat of them to fill the chunk
        data = base[:literals] + (base[:literals] * 2)[: 4096 - literals] + b"tail"
        container = roundtrip(data)
        (first,) = struct.unpack_from("<H", container, 1)
        headers.add(first)
        assert first == RAW_HEADER or (first & 0x8000 and container[1 + (first & 0xFFF) + 3:])
    assert 0xBFFF in headers and RAW_HEADER in headers


def test_incompressible_partial_last_chunk_is_refused() -> None:
    # 4000 literals need 4000 + 500 flag bytes > 4096, and a partial chunk cannot be raw
    with pytest.raises(ValueError, match="partial"):
        compress(random_bytes(4096 + 4000))


def test_highly_repetitive() -> None:
    for data in (bytes(100_000), b"ab" * 30_000, b"Sub Hello()\r\nEnd Sub\r\n" * 2000):
        container = roundtrip(data)
        assert len(container) < len(data) // 10


def test_repetitive_text_is_smaller() -> None:
    data = b'    RunPython "import motxl; motxl.run()"\r\n' * 200
    assert len(roundtrip(data)) < len(data) // 10


def test_xlwings_module_roundtrip() -> None:
    data = XLWINGS_BAS.read_bytes()
    data.decode("cp1252")
    container = roundtrip(data)
    assert len(container) < len(data) * 0.6


@pytest.mark.parametrize("position", [16, 17, 32, 33, 64, 65, 128, 129, 256, 257, 512, 513,
                                      1024, 1025, 2048, 2049, 4000])
def test_copy_token_bit_split_boundaries(position: int) -> None:
    """A copy token right at each change of the offset/length bit split (2.4.1.3.19.1)."""
    prefix = bytes((i * 7 + i // 256) & 0xFF for i in range(position))  # no early 3-byte repeat
    data = prefix + prefix[:40] + b"end"
    container = roundtrip(data)
    assert len(container) < len(data)  # the 40 repeated bytes became a copy token


SPEC_EXAMPLES = [
    # [MS-OVBA] 3.2.1 No Compression Example
    (b"abcdefghijklmnopqrstuv.",
     "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"),
    # [MS-OVBA] 3.2.2 Normal Compression Example
    (b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
     "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20"
     " 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"),
]


@pytest.mark.parametrize(("plain", "expected"), SPEC_EXAMPLES)
def test_spec_examples(plain: bytes, expected: str) -> None:
    """The spec's examples decode to their input, and our compressor gives the same bytes."""
    container = bytes.fromhex(expected)
    assert decompress(container) == plain
    assert decompress_stream(bytearray(container)) == plain
    assert compress(plain) == container


@pytest.mark.parametrize("bad", [b"", b"\x02", b"\x01\x00\x00", b"\x01\xff\xbf\x00"])
def test_decompress_rejects_malformed(bad: bytes) -> None:
    with pytest.raises(ValueError):
        decompress(bad)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=10_000))
def test_property_roundtrip_random_bytes(data: bytes) -> None:
    try:
        container = compress(data)
    except ValueError:
        assert len(data) % 4096 > 3640  # only an incompressible, long, partial tail is refused
        return
    assert decompress_stream(bytearray(container)) == data
    assert decompress(container) == data


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"ab", b"abc", b"\r\n", b"    ", b"End If", b"\x00"]),
                max_size=3000))
def test_property_roundtrip_repetitive(parts: list[bytes]) -> None:
    data = b"".join(parts)
    roundtrip(data)

