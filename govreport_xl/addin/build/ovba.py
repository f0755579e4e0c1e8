"""The two algorithms of [MS-OVBA] a VBA project needs: the compressed container (2.4.1) that
holds the dir stream and every module's source, and the data encryption (2.4.3) that hides the
project's protection, password and visibility flags in the PROJECT stream.

Written from the specification; the tests round-trip the specification's own examples.
"""

from __future__ import annotations

import struct

CHUNK = 4096  # decompressed bytes per chunk
_SIGNATURE = 0x01
_RAW_HEADER = struct.pack("<H", (CHUNK - 1) | 0x3000)  # a stored chunk: flag 0, size field 0xFFF


# --- 2.4.1 compression ---------------------------------------------------------------------------


def _bit_count(position: int) -> int:
    """Offset bits of a copy token at `position` bytes into its decompressed chunk (2.4.1.3.19.1)."""
    return max((position - 1).bit_length(), 4)


def _match(data: bytes, start: int, current: int, end: int, seen: dict) -> tuple[int, int]:
    """(offset, length) of the longest earlier match within the chunk; length 0 if under 3.
    Candidates are tried nearest first, so of equally long matches the nearest wins, as in the
    specification's search (2.4.1.3.19.4). Only candidates that share the next three bytes can
    reach the minimum length, so only those are tried."""
    bits = _bit_count(current - start)
    max_length = (0xFFFF >> bits) + 3
    best_length, best_offset = 0, 0
    for candidate in reversed(seen.get(data[current:current + 3], ())):
        length = 0
        while current + length < end and length < max_length and data[candidate + length] == data[current + length]:
            length += 1
        if length > best_length:
            best_length, best_offset = length, current - candidate
    return (best_offset, best_length) if best_length >= 3 else (0, 0)


def _compress_chunk(data: bytes, start: int) -> bytes:
    """One CompressedChunk of data[start:start + 4096].

    A chunk whose tokens would not fit in 4096 bytes is stored raw (2.4.1.3.10). The
    specification pads a stored chunk to 4096 bytes, so a short final chunk would come back
    longer than it went in; it is written unpadded instead, and readers that stop at the end
    of the container (oletools, ours) return exactly the bytes written. Only a final chunk of
    more than 3640 bytes that hardly compresses reaches that case: VBA source never does."""
    end = min(start + CHUNK, len(data))
    out = bytearray()
    seen: dict[bytes, list[int]] = {}  # three bytes -> where they start, in order

    def advance(frm: int, to: int) -> None:
        for p in range(frm, to):
            seen.setdefault(data[p:p + 3], []).append(p)

    current = start
    while current < end:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if current >= end:
                break
            offset, length = _match(data, start, current, end, seen)
            if length:
                bits = _bit_count(current - start)
                out += struct.pack("<H", ((offset - 1) << (16 - bits)) | (length - 3))
                flags |= 1 << bit
            else:
                out.append(data[current])
                length = 1
            advance(current, current + length)
            current += length
        out[flag_index] = flags
    if len(out) > CHUNK:  # incompressible (never for VBA source): stored as it is
        return _RAW_HEADER + data[start:end]
    return struct.pack("<H", (len(out) + 2 - 3) | 0xB000) + bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer (2.4.1.1.1) of `data`."""
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data, start)
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """The decompressed bytes of a CompressedContainer (2.4.1.3.1)."""
    if not container or container[0] != _SIGNATURE:
        raise ValueError("not a compressed container: the signature byte is not 0x01")
    out = bytearray()
    pos = 1
    while pos < len(container):
        (header,) = struct.unpack_from("<H", container, pos)
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0x7 != 0b011:
            raise ValueError(f"bad chunk signature at byte {pos}")
        end = min(pos + size, len(container))
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:  # a stored chunk
            out += container[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags & (1 << bit):
                    out.append(container[pos])
                    pos += 1
                    continue
                (token,) = struct.unpack_from("<H", container, pos)
                pos += 2
                bits = _bit_count(len(out) - chunk_start)
                offset = (token >> (16 - bits)) + 1
                length = (token & (0xFFFF >> bits)) + 3
                if offset > len(out) - chunk_start:
                    raise ValueError("copy token reaches before its chunk")
                for _ in range(length):  # byte by byte: a copy may overlap what it writes
                    out.append(out[-offset])
    return bytes(out)


# --- 2.4.3 data encryption -----------------------------------------------------------------------


def project_key(project_id: str) -> int:
    """ProjKey: the sum of the bytes of the project's CLSID string, modulo 256."""
    return sum(project_id.encode("ascii")) & 0xFF


def encrypt(data: bytes, project_id: str, seed: int) -> str:
    """The hex text of an Encrypted Data Structure (2.4.3.1) for CMG, DPB and GC.

    The seed (and the ignored bytes it implies) are arbitrary by the specification; the caller
    passes a fixed one so that building the same add-in twice gives the same bytes."""
    version, key = 2, project_key(project_id)
    out = bytearray([seed, seed ^ version, seed ^ key])
    unencrypted1, encrypted1, encrypted2 = key, seed ^ key, seed ^ version

    def put(byte: int) -> None:
        nonlocal unencrypted1, encrypted1, encrypted2
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte

    for _ in range((seed & 6) // 2):
        put(0)  # IgnoredEnc: any value will do
    for byte in struct.pack("<I", len(data)) + data:
        put(byte)
    return out.hex().upper()


def decrypt(text: str) -> tuple[int, int, bytes]:
    """(version, project key, data) of an Encrypted Data Structure's hex text (2.4.3.3)."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    version, key = seed ^ version_enc, seed ^ key_enc
    unencrypted1, encrypted1, encrypted2 = key, key_enc, version_enc
    plain = bytearray()
    for enc in raw[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", plain, ignored)
    data = bytes(plain[ignored + 4:ignored + 4 + length])
    if len(data) != length:
        raise ValueError("encrypted data shorter than its length")
    return version, key, data
