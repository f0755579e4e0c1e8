"""A writer of [MS-CFB] compound files, version 3 (512-byte sectors), as vbaProject.bin is.

Small streams (under 4096 bytes) go to the mini stream, the others to regular sectors; each
storage's children form a valid red-black tree; timestamps are zero, so that the same entries
always give the same bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR, MINI_SECTOR, CUTOFF = 512, 64, 4096
ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


@dataclass
class Entry:
    name: str
    data: bytes | None = None  # a stream's bytes; None for a storage
    children: list["Entry"] = field(default_factory=list)
    clsid: bytes = bytes(16)

    @property
    def is_storage(self) -> bool:
        return self.data is None


def compare_key(name: str) -> tuple[int, str]:
    """CFB's order of siblings: shorter names first, then by upper-cased UTF-16 code units."""
    return len(name.encode("utf-16-le")), name.upper()


def _tree(children: list[int], names: dict[int, str]) -> tuple[int, dict[int, tuple[int, int, int]]]:
    """(root, {entry: (left, right, colour)}) of a balanced red-black tree over sibling entries.

    Built by median splits, every level but the deepest is full: the deepest level is coloured
    red and the rest black, so every path holds the same number of black nodes and no red node
    has a red parent."""
    ordered = sorted(children, key=lambda i: compare_key(names[i]))
    full_levels = (len(ordered) + 1).bit_length() - 1
    links: dict[int, tuple[int, int, int]] = {}

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        left, right = build(lo, mid, depth + 1), build(mid + 1, hi, depth + 1)
        links[ordered[mid]] = (left, right, _RED if depth >= full_levels else _BLACK)
        return ordered[mid]

    return build(0, len(ordered), 0), links


def _name_field(name: str) -> tuple[bytes, int]:
    raw = name.encode("utf-16-le") + b"\x00\x00"
    if len(raw) > 64:
        raise ValueError(f"CFB entry name too long: {name!r}")
    return raw.ljust(64, b"\x00"), len(raw)


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i + 1 < count else ENDOFCHAIN


def _pad(data: bytes, size: int) -> bytes:
    return data + bytes(-len(data) % size)


def write_cfb(root_children: list[Entry], root_clsid: bytes = bytes(16)) -> bytes:
    # number the entries depth-first, the root first
    entries: list[Entry] = [Entry("Root Entry", None, root_children, root_clsid)]
    parent_of: dict[int, list[int]] = {}

    def number(index: int) -> None:
        kids = []
        for child in entries[index].children:
            entries.append(child)
            kids.append(len(entries) - 1)
        parent_of[index] = kids
        for k in kids:
            if entries[k].is_storage:
                number(k)

    number(0)
    names = {i: e.name for i, e in enumerate(entries)}

    # the mini stream: small streams, each in whole 64-byte mini sectors
    mini_fat: list[int] = []
    mini = bytearray()
    start_of: dict[int, int] = {}
    for i, e in enumerate(entries):
        if not e.is_storage and len(e.data) < CUTOFF and e.data:
            first, count = len(mini_fat), -(-len(e.data) // MINI_SECTOR)
            mini_fat += [0] * count
            _chain(mini_fat, first, count)
            start_of[i] = first
            mini += _pad(e.data, MINI_SECTOR)

    # regular sectors: the mini stream, large streams, the directory, the mini FAT, then the FAT
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        first, count = len(sectors), -(-len(data) // SECTOR)
        padded = _pad(data, SECTOR)
        sectors.extend(padded[k * SECTOR:(k + 1) * SECTOR] for k in range(count))
        fat.extend([0] * count)
        _chain(fat, first, count)
        return first if count else ENDOFCHAIN

    mini_start = place(bytes(mini))
    for i, e in enumerate(entries):
        if not e.is_storage and len(e.data) >= CUTOFF:
            start_of[i] = place(e.data)

    directory = bytearray()
    links: dict[int, tuple[int, int, int]] = {}
    child_of: dict[int, int] = {}
    for index, kids in parent_of.items():
        root, tree = _tree(kids, names)
        child_of[index] = root
        links |= tree
    for i, e in enumerate(entries):
        name, name_len = _name_field(e.name)
        left, right, colour = links.get(i, (NOSTREAM, NOSTREAM, _BLACK))
        kind = _ROOT if i == 0 else _STORAGE if e.is_storage else _STREAM
        if i == 0:
            start, size = mini_start, len(mini)
        elif e.is_storage:
            start, size = 0, 0
        else:
            start, size = start_of.get(i, ENDOFCHAIN), len(e.data)
        directory += name + struct.pack("<HBBIII", name_len, kind, colour, left, right, child_of.get(i, NOSTREAM))
        directory += e.clsid + struct.pack("<IQQIQ", 0, 0, 0, start, size)
    empty = bytes(64) + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM) + bytes(16) + struct.pack("<IQQIQ", 0, 0, 0, 0, 0)
    while len(directory) % SECTOR:
        directory += empty
    dir_start = place(bytes(directory))
    mini_fat_sectors = -(-len(mini_fat) // (SECTOR // 4))
    mini_fat += [FREESECT] * (mini_fat_sectors * (SECTOR // 4) - len(mini_fat))
    mini_fat_start = place(b"".join(struct.pack("<I", v) for v in mini_fat))

    # the FAT covers every sector, its own included
    fat_sectors = 0
    while fat_sectors * (SECTOR // 4) < len(fat) + fat_sectors:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat_start = len(sectors)
    fat += [FATSECT] * fat_sectors
    fat += [FREESECT] * (fat_sectors * (SECTOR // 4) - len(fat))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    sectors.extend(fat_bytes[k * SECTOR:(k + 1) * SECTOR] for k in range(fat_sectors))

    difat = [fat_start + k for k in range(fat_sectors)] + [FREESECT] * (109 - fat_sectors)
    header = _SIGNATURE + bytes(16) + struct.pack(
        "<HHHHH6sIIIIIIIII", 0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6), 0, fat_sectors, dir_start, 0, CUTOFF,
        mini_fat_start if mini_fat else ENDOFCHAIN, mini_fat_sectors, ENDOFCHAIN, 0,
    ) + b"".join(struct.pack("<I", v) for v in difat)
    assert len(header) == SECTOR
    return header + b"".join(sectors)
