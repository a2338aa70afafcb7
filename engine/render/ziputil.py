"""A tiny zip writer for thousands of .docx files that differ in one part only.

Every single notice is the same package (styles, fonts, headers …) with its
own ``word/document.xml``. zipfile would compress and checksum the unchanged
parts again for every file; here they are compressed once and copied
(measured: the night's 11,000 single notices, 2.4 s → 0.9 s).
Timestamps are fixed, so the same notice gives the same bytes. :func:`write_zip` writes any other archive
(the exception workbook) the same way, each member deflated as its pieces are made.

Deflate is ISA-L's (python-isal) where it is installed: the same format, at about three times zlib's speed and
a smaller print batch (measured on the bench night's final notices: a notice's page 94 → 30 µs, in the batch
56 → 9 µs and 1,260 → 807 bytes).
"""
from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path
from typing import Iterable

try:
    from isal import isal_zlib as fast_zlib  # its levels are 0–3: 1 is used
except ImportError:  # a platform without its wheel: zlib writes the same format, slower
    fast_zlib = zlib  # type: ignore[misc]

_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00
_LIMIT = 0xFFFFFFFF  # no zip64 here: a part must stay under 4 GiB
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHI")  # a central directory record up to its local header's offset
_OFFSET = struct.Struct("<I")


def _local_header(name: bytes, crc: int, deflated_size: int, size: int) -> bytes:
    """A member's local header, its name included."""
    flags = 0 if name.isascii() else 0x800  # (bit 11: the name is UTF-8)
    return _LOCAL.pack(0x04034B50, 20, flags, 8, _DOS_TIME, _DOS_DATE, crc, deflated_size, size, len(name), 0) + name


def _end_record(count: int, directory_size: int, directory_offset: int) -> bytes:
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, directory_size, directory_offset, 0)


def _central_record(name: bytes, crc: int, deflated_size: int, size: int) -> bytes:
    """A member's central directory record up to the offset of its local header (the offset, then the name,
    follow it)."""
    flags = 0 if name.isascii() else 0x800
    return _CENTRAL.pack(0x02014B50, 20, 20, flags, 8, _DOS_TIME, _DOS_DATE, crc, deflated_size, size, len(name),
                         0, 0, 0, 0, 0)


def _deflate(data: bytes, level: int, lib=zlib) -> bytes:
    c = lib.compressobj(level, lib.DEFLATED, -15)
    return c.compress(data) + c.flush()


class PackageWriter:
    def __init__(self, parts: dict[str, bytes], dynamic: str, level: int = 6):
        self.dynamic = dynamic
        self.entries: list[tuple[bytes, int, bytes, int] | None] = []  # name, crc, deflated, size
        for name, data in parts.items():
            if name == dynamic:
                self.entries.append(None)
            else:
                self.entries.append((name.encode("utf-8"), zlib.crc32(data), _deflate(data, level), len(data)))
        self._layout = _Layout(self.entries, dynamic.encode("utf-8")) if self.entries.count(None) == 1 else None

    def write(self, path: Path, document: bytes) -> None:
        """A package whose dynamic part is ``document``."""
        self.write_deflated(path, _deflate(document, 1, fast_zlib), fast_zlib.crc32(document), len(document))

    def write_deflated(self, path: Path, deflated: bytes, crc: int, size: int) -> None:
        """A package whose dynamic part is already deflated (raw deflate) and checksummed; written with one
        call (measured: 32 writes a file cost the night's 11,000 notices about 0.4 s)."""
        if size > _LIMIT or len(deflated) > _LIMIT:
            raise ValueError("文书过大（超过 4 GiB）")
        if self._layout is not None:
            write_file(path, self._layout.archive(deflated, crc, size))
            return
        dynamic = (self.dynamic.encode("utf-8"), crc, deflated, size)
        write_file(path, b"".join(_zip_pieces([entry or dynamic for entry in self.entries])))


def write_file(path: Path, data: bytes) -> None:
    """``path.write_bytes(data)`` without Python's file object around the descriptor (measured: 78–102 → 61–68 µs
    a file on disk; a night writes 11,000 notices)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class _Layout:
    """The archive :func:`_zip_pieces` makes of ``entries`` with one dynamic entry (None among them), with all
    that does not depend on that entry made once: the other parts' headers and data, the central directory
    records of the parts before it. Per archive only the dynamic part's two headers, the offsets of the parts
    after it and the end record are packed (the same bytes as :func:`_zip_pieces`; measured: 31 packs an
    archive were a fifth of writing a notice's package)."""

    def __init__(self, entries: list[tuple[bytes, int, bytes, int] | None], name: bytes):
        at = entries.index(None)
        fixed_before = [e for e in entries[:at] if e is not None]
        fixed_after = [e for e in entries[at + 1:] if e is not None]
        before = _zip_pieces(fixed_before) if fixed_before else []
        self.name = name
        # the parts before the dynamic one: their local headers and data, and their central records, as written
        self.head = b"".join(before[:2 * len(fixed_before)]) if fixed_before else b""
        self.central_head = before[2 * len(fixed_before)] if fixed_before else b""
        # the parts after it: local headers and data (no offsets in them); central records cut at the offset
        after = _zip_pieces(fixed_after) if fixed_after else []
        self.tail = b"".join(after[:2 * len(fixed_after)]) if fixed_after else b""
        self.after: list[tuple[bytes, int, bytes]] = []  # (record up to its offset, offset within the tail, name)
        offset = 0
        for name_after, crc, data, size in fixed_after:
            self.after.append((_central_record(name_after, crc, len(data), size), offset, name_after))
            offset += _LOCAL.size + len(name_after) + len(data)
        self.count = len(entries)

    def archive(self, data: bytes, crc: int, size: int) -> bytes:
        name = self.name
        local = _local_header(name, crc, len(data), size)
        start = len(self.head)  # the dynamic part's offset
        tail_at = start + len(local) + len(data)
        central = [self.central_head, _central_record(name, crc, len(data), size), _OFFSET.pack(start), name]
        for record, offset, name_after in self.after:
            central += (record, _OFFSET.pack(tail_at + offset), name_after)
        end = tail_at + len(self.tail)
        if end > _LIMIT:
            raise ValueError("文件过大（超过 4 GiB）")
        cd = b"".join(central)
        return b"".join((self.head, local, data, self.tail, cd,
                         _end_record(self.count, len(cd), end)))


def _zip_pieces(entries: list[tuple[bytes, int, bytes, int]]) -> list[bytes]:
    """A zip archive of deflated entries (name, CRC-32, deflated bytes, size), in pieces to be joined."""
    pieces: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, crc, data, size in entries:
        local = _local_header(name, crc, len(data), size)
        central.append(_central_record(name, crc, len(data), size) + _OFFSET.pack(offset) + name)
        pieces += (local, data)
        offset += len(local) + len(data)
    if offset > _LIMIT:
        raise ValueError("文件过大（超过 4 GiB）")
    cd = b"".join(central)
    pieces += (cd, _end_record(len(central), len(cd), offset))
    return pieces


def write_zip(path: Path, members: Iterable[tuple[str, Iterable[bytes]]], level: int = 1) -> None:
    """A zip archive of ``members`` (name, its bytes in chunks), each deflated as its chunks come (by ISA-L where
    it is installed: the exception workbook's sheets, 0.26 → 0.1 s on the bench night, against zipfile's zlib)."""
    entries = []
    for name, chunks in members:
        c = fast_zlib.compressobj(level, fast_zlib.DEFLATED, -15)
        crc, size, out = 0, 0, []
        for chunk in chunks:
            crc, size = fast_zlib.crc32(chunk, crc), size + len(chunk)
            out.append(c.compress(chunk))
        out.append(c.flush())
        data = b"".join(out)
        if size > _LIMIT or len(data) > _LIMIT:
            raise ValueError("文件过大（超过 4 GiB）")
        entries.append((name.encode("utf-8"), crc, data, size))
    with path.open("wb") as fh:
        for piece in _zip_pieces(entries):
            fh.write(piece)


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A + B from A's, B's and B's length (zlib's crc32_combine, which Python's zlib lacks)."""
    if fast_zlib is not zlib:
        return fast_zlib.crc32_combine(crc1, crc2, len2)
    return _crc32_combine(crc1, crc2, len2)


def _gf2_times(matrix: list[int], vec: int) -> int:
    total, i = 0, 0
    while vec:
        if vec & 1:
            total ^= matrix[i]
        vec >>= 1
        i += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def _crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """zlib's crc32.c, in Python: crc1 advanced over len2 zero bytes, then xor crc2."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four zero bits
    while True:
        even = _gf2_square(odd)  # the first square puts the operator for one zero byte in even
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


class DeflatedPiece:
    """Text deflated on its own and flushed to a byte boundary: pieces deflated apart (in different processes)
    joined end to end are one deflate stream, once the last piece is finished (``final``)."""

    def __init__(self, level: int = 1):
        self._c = fast_zlib.compressobj(level, fast_zlib.DEFLATED, -15)
        self.chunks: list[bytes] = []

    def add(self, data: bytes | memoryview) -> None:
        self.chunks.append(self._c.compress(data))

    def close(self, final: bool = False) -> bytes:
        self.chunks.append(self._c.flush(fast_zlib.Z_FINISH if final else fast_zlib.Z_SYNC_FLUSH))
        return b"".join(self.chunks)
