"""A tiny zip writer for thousands of .docx files that differ in one part only.

Every single notice is the same package (styles, fonts, headers …) with its
own ``word/document.xml``. zipfile would compress and checksum the unchanged
parts again for every file; here they are compressed once and copied
(measured: the night's 11,000 single notices, 2.4 s → 0.9 s).
Timestamps are fixed, so the same notice gives the same bytes.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00
_LIMIT = 0xFFFFFFFF  # no zip64 here: a part must stay under 4 GiB


def _deflate(data: bytes, level: int) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
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

    def write(self, path: Path, document: bytes) -> None:
        """A package whose dynamic part is ``document``."""
        self.write_deflated(path, _deflate(document, 1), zlib.crc32(document), len(document))

    def write_deflated(self, path: Path, deflated: bytes, crc: int, size: int) -> None:
        """A package whose dynamic part is already deflated (raw deflate) and checksummed; written with one
        call (measured: 32 writes a file cost the night's 11,000 notices about 0.4 s)."""
        if size > _LIMIT or len(deflated) > _LIMIT:
            raise ValueError("文书过大（超过 4 GiB）")
        pieces: list[bytes] = []
        central: list[bytes] = []
        offset = 0
        for entry in self.entries:
            name, crc_e, data, size_e = entry or (self.dynamic.encode("utf-8"), crc, deflated, size)
            local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, _DOS_TIME, _DOS_DATE, crc_e, len(data), size_e,
                                len(name), 0) + name
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, _DOS_TIME, _DOS_DATE,
                                       crc_e, len(data), size_e, len(name), 0, 0, 0, 0, 0, offset) + name)
            pieces += (local, data)
            offset += len(local) + len(data)
        cd = b"".join(central)
        pieces += (cd, struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), offset, 0))
        path.write_bytes(b"".join(pieces))


class DeflatedPiece:
    """Text deflated on its own and flushed to a byte boundary: pieces deflated apart (in different processes)
    joined end to end are one deflate stream, once the last piece is finished (``final``)."""

    def __init__(self, level: int = 1):
        self._c = zlib.compressobj(level, zlib.DEFLATED, -15)
        self.chunks: list[bytes] = []

    def add(self, data: bytes) -> None:
        self.chunks.append(self._c.compress(data))

    def close(self, final: bool = False) -> bytes:
        self.chunks.append(self._c.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH))
        return b"".join(self.chunks)
