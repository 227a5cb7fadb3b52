"""[MS-OVBA] 2.4.1 compression: the CompressedContainer used by the ``dir`` and module streams.

A container is the signature byte 0x01 followed by one CompressedChunk per 4096 bytes of input
(2.4.1.1.1). Each chunk has a 2-byte header (2.4.1.1.5): bits 0-11 the chunk size minus 3
(header included), bits 12-14 the signature 0b011, bit 15 the flag (1 = compressed).
A compressed chunk is a run of TokenSequences (2.4.1.1.7): one flag byte, then up to eight
tokens, bit i of the flag byte = 0 for a 1-byte literal, 1 for a 2-byte CopyToken whose
offset/length bit split depends on the position inside the chunk (2.4.1.3.19.1).

A full 4096-byte chunk whose tokens would not fit in 4096 bytes is stored raw (flag 0, exactly
4096 bytes, 2.4.1.3.10). The spec pads a short *last* chunk to 4096 bytes when it is stored raw,
which would change the data, so that case (more than ~3640 bytes of incompressible data at the
end) is refused with ``ValueError``; text never comes near it.
"""

from __future__ import annotations

import struct

CHUNK_SIZE = 4096
_SIGNATURE = 0x01
_HEADER_COMPRESSED = 0xB000  # flag 1, signature 0b011
_HEADER_RAW = 0x3FFF  # flag 0, signature 0b011, size 4098 - 3
_MAX_CANDIDATES = 128  # match-finder effort; any value gives a valid, deterministic output

__all__ = ["compress", "decompress", "CHUNK_SIZE"]


def _copy_token_help(difference: int) -> tuple[int, int]:
    """[MS-OVBA] 2.4.1.3.19.1: (bit_count, maximum_length) for a token at ``difference``."""
    bit_count = max((difference - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _match_length(data: bytes, candidate: int, current: int, limit: int) -> int:
    """Length of the common prefix of data[candidate:] and data[current:], at most ``limit``."""
    if data[candidate:candidate + limit] == data[current:current + limit]:
        return limit
    low, high = 0, limit - 1
    while low < high:
        mid = (low + high + 1) // 2
        if data[candidate:candidate + mid] == data[current:current + mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """Token sequences for data[start:end] ([MS-OVBA] 2.4.1.3.7 - 2.4.1.3.9)."""
    out = bytearray()
    chains: dict[bytes, list[int]] = {}
    indexed = start  # positions < indexed are in ``chains``
    current = start
    while current < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if current >= end:
                break
            while indexed < current and indexed + 3 <= end:
                chains.setdefault(data[indexed:indexed + 3], []).append(indexed)
                indexed += 1
            bit_count, max_length = _copy_token_help(current - start)
            limit = min(max_length, end - current)
            best_length, best_candidate = 0, -1
            if limit >= 3:
                recent = chains.get(data[current:current + 3], [])[-_MAX_CANDIDATES:]
                for candidate in reversed(recent):  # nearest first: ties keep the nearest
                    # cheap rejection: a longer match must also agree at index best_length
                    if best_length and data[candidate + best_length] != data[current + best_length]:
                        continue
                    length = _match_length(data, candidate, current, limit)
                    if length > best_length:
                        best_length, best_candidate = length, candidate
                        if length == limit:
                            break
            if best_length >= 3:
                offset = current - best_candidate
                token = ((offset - 1) << (16 - bit_count)) | (best_length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                current += best_length
            else:
                out.append(data[current])
                current += 1
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an [MS-OVBA] 2.4.1.1.1 CompressedContainer (deterministic)."""
    data = bytes(data)
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        end = min(start + CHUNK_SIZE, len(data))
        body = _compress_chunk(data, start, end)
        if len(body) <= CHUNK_SIZE:
            out += struct.pack("<H", _HEADER_COMPRESSED | (len(body) + 2 - 3))
            out += body
        elif end - start == CHUNK_SIZE:
            out += struct.pack("<H", _HEADER_RAW)
            out += data[start:end]
        else:
            raise ValueError(
                f"the last {end - start} bytes do not compress into one chunk and a partial "
                "chunk cannot be stored raw ([MS-OVBA] 2.4.1.3.10 would pad it)"
            )
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress an [MS-OVBA] CompressedContainer (2.4.1.3.1); ``ValueError`` if malformed."""
    container = bytes(container)
    if not container or container[0] != _SIGNATURE:
        raise ValueError("not a CompressedContainer: signature byte is not 0x01")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise ValueError("truncated chunk header")
        (header,) = struct.unpack_from("<H", container, pos)
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError(f"bad chunk signature at offset {pos}")
        chunk_end = pos + (header & 0x0FFF) + 3
        if chunk_end > len(container):
            raise ValueError(f"chunk at offset {pos} runs past the end of the container")
        pos += 2
        if not header & 0x8000:
            if chunk_end - pos != CHUNK_SIZE:
                raise ValueError("raw chunk whose size is not 4096")
            out += container[pos:chunk_end]
            pos = chunk_end
            continue
        chunk_start = len(out)
        while pos < chunk_end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not (flags >> bit) & 1:
                    out.append(container[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise ValueError("truncated copy token")
                (token,) = struct.unpack_from("<H", container, pos)
                pos += 2
                bit_count, _ = _copy_token_help(len(out) - chunk_start)
                length = (token & (0xFFFF >> bit_count)) + 3
                offset = (token >> (16 - bit_count)) + 1
                source = len(out) - offset
                if source < chunk_start:
                    raise ValueError("copy token points before the start of its chunk")
                for i in range(length):  # byte by byte: source and target may overlap
                    out.append(out[source + i])
        if len(out) - chunk_start > CHUNK_SIZE:
            raise ValueError("compressed chunk decodes to more than 4096 bytes")
    return bytes(out)
