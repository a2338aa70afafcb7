"""A tiny zip writer for thousands of .docx files that differ in one part only.

Every single notice is the same package (styles, fonts, headers …) with its
own ``word/document.xml``. zipfile would compress and checksum the unchanged
parts again for every file; here they are compressed once and copied.
Timestamps are fixed, so the same notice gives the same bytes.

The print batch's document is compressed in pieces, by the worker processes
that rendered them (each piece a raw deflate stream ending on a full flush,
so pieces can be joined, as pigz does), and its CRC-32 is combined from the
pieces' CRCs.
"""
from __future__ import annotations

import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00
_LIMIT = 0xFFFFFFFF  # no zip64 here: a part must stay under 4 GiB


def _deflate(data: bytes, level: int) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


# ---------------------------------------------------------------- CRC-32 of joined pieces

def _gf2_times(matrix: list[int], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine, which Python does not expose)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
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


@dataclass(frozen=True)
class Piece:
    """A piece of a deflate stream: compressed bytes in a file (or in memory), with the plain text's CRC and length."""

    crc: int
    size: int
    path: Path | None = None
    data: bytes = b""


class PieceWriter:
    """Compresses text into a file as a joinable deflate piece."""

    def __init__(self, path: Path, level: int = 1):
        self.path, self.crc, self.size = path, 0, 0
        self._z = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._fh = path.open("wb")

    def write(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self._fh.write(self._z.compress(data))

    def close(self) -> Piece:
        self._fh.write(self._z.flush(zlib.Z_FULL_FLUSH))
        self._fh.close()
        return Piece(self.crc, self.size, self.path)


def piece(data: bytes, last: bool = False) -> Piece:
    z = zlib.compressobj(1, zlib.DEFLATED, -15)
    return Piece(zlib.crc32(data), len(data), None, z.compress(data) + z.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH))


class PackageWriter:
    def __init__(self, parts: dict[str, bytes], dynamic: str, level: int = 6):
        self.dynamic = dynamic
        self.entries: list[tuple[bytes, int, bytes, int] | None] = []  # name, crc, deflated, size
        for name, data in parts.items():
            if name == dynamic:
                self.entries.append(None)
            else:
                self.entries.append((name.encode("utf-8"), zlib.crc32(data), _deflate(data, level), len(data)))

    def write(self, path: Path, document: bytes) -> None:
        """A package whose dynamic part is ``document``."""
        self.write_pieces(path, [piece(document, last=True)])

    def write_pieces(self, path: Path, pieces: list[Piece]) -> None:
        """A package whose dynamic part is the join of ``pieces`` (the last one finished with Z_FINISH)."""
        crc, size = 0, 0
        for p in pieces:
            crc = p.crc if size == 0 else crc32_combine(crc, p.crc, p.size)
            size += p.size
        csize = sum(p.path.stat().st_size if p.path else len(p.data) for p in pieces)
        if size > _LIMIT or csize > _LIMIT:
            raise ValueError("打印批次过大（超过 4 GiB），请分批生成")
        central, offset = [], 0
        with path.open("wb") as fh:
            for entry in self.entries:
                name, crc_e, data, size_e = entry or (self.dynamic.encode("utf-8"), crc, None, size)
                length = len(data) if data is not None else csize
                local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, _DOS_TIME, _DOS_DATE, crc_e, length, size_e,
                                    len(name), 0) + name
                central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, _DOS_TIME, _DOS_DATE,
                                           crc_e, length, size_e, len(name), 0, 0, 0, 0, 0, offset) + name)
                fh.write(local)
                if data is not None:
                    fh.write(data)
                else:
                    for p in pieces:
                        if p.path is None:
                            fh.write(p.data)
                        else:
                            with p.path.open("rb") as src:
                                shutil.copyfileobj(src, fh, 1 << 20)
                offset += len(local) + length
            cd = b"".join(central)
            fh.write(cd)
            fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), offset, 0))
