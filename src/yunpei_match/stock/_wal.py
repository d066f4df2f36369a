"""SQLite's write-ahead log, read to tell a write cut short from damage.

SQLite replays a log frame by frame and stops, without a word, at the first frame whose salts or
checksum do not match: to it a damaged frame and a torn write look alike, and every transaction
from the damaged frame on is dropped, acknowledged or not. The journal never lets SQLite reuse
a log: it turns automatic checkpoints off and checkpoints with ``TRUNCATE`` itself (see
:mod:`yunpei_match.stock.journal`), so frames are only ever appended and a crash can leave nothing
but a short last frame. A *complete* frame that fails its check is therefore damage.

The layout (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header (magic,
version, page size, checkpoint number, two salts, two checksums of its first 24 bytes), then
frames of a 24-byte header (page number, database size in a commit frame, the two salts, two
checksums running on from the frame before over its first 8 bytes and its page) and a page.
Header fields are big-endian; the checksums add 32-bit words in the order the magic names.
"""

from __future__ import annotations

import struct
from pathlib import Path

__all__ = ["damage"]

_MAGIC = 0x377F0682  # the low bit set: checksums over big-endian words
_VERSION = 3007000


def damage(path: Path) -> str | None:
    """What is damaged in the log at ``path``; None when it is absent, sound or only torn."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if len(data) < 32:  # the header itself was being written: no frame can follow it
        return None
    magic, version, page_size, _, *salts_and_sums = struct.unpack(">8I", data[:32])
    if magic & ~1 != _MAGIC or version != _VERSION:
        return "its header is not a SQLite log's"
    order = ">" if magic & 1 else "<"
    sums = _checksum(data[:24], (0, 0), order)
    if sums != tuple(salts_and_sums[2:]):
        return "its header fails its checksum"
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"its header gives a page size of {page_size}"
    size = 24 + page_size
    frames = (len(data) - 32) // size  # a shorter rest is a write cut short
    for number in range(frames):
        frame = data[32 + number * size : 32 + (number + 1) * size]
        sums = _checksum(frame[:8] + frame[24:], sums, order)
        if struct.unpack(">4I", frame[8:24]) != (*salts_and_sums[:2], *sums):
            return (
                f"frame {number + 1} of {frames} fails its salt or checksum; SQLite would drop it "
                "and every frame after it"
            )
    return None


def _checksum(data: bytes, sums: tuple[int, int], order: str) -> tuple[int, int]:
    first, second = sums
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for even, odd in zip(words[::2], words[1::2], strict=True):
        first = (first + even + second) & 0xFFFFFFFF
        second = (second + odd + first) & 0xFFFFFFFF
    return first, second
