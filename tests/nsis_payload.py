"""Reading an NSIS installer back without makensis: its version strings and its packed files."""

from __future__ import annotations

import lzma
import struct

# NSIS's first header: flags, then this signature, then the header and data lengths.
FIRST_HEADER = b"\xef\xbe\xad\xdeNullsoftInst"


def stub(installer: bytes) -> bytes:
    """The Windows executable ahead of the packed data (PE headers, resources, manifest)."""
    return installer[: installer.index(FIRST_HEADER)]


def solid_lzma_blocks(installer: bytes) -> list[bytes]:
    """The blocks of a `SetCompressor /SOLID lzma` installer: the script's compiled header
    first, then each packed file (identical files once), each stored as a length and bytes."""
    start = installer.index(FIRST_HEADER) + len(FIRST_HEADER) + 8
    props, dict_size = installer[start], struct.unpack_from("<I", installer, start + 1)[0]
    lzma1 = {
        "id": lzma.FILTER_LZMA1,
        "dict_size": dict_size,
        "lc": props % 9,
        "lp": props // 9 % 5,
        "pb": props // 45,
    }
    stream = lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=[lzma1]).decompress(
        installer[start + 5 :]
    )
    blocks, position = [], 0
    while position + 4 <= len(stream):
        (length,) = struct.unpack_from("<I", stream, position)
        blocks.append(stream[position + 4 : position + 4 + length])
        position += 4 + length
    assert position == len(stream), "the stream must end on a block boundary"
    return blocks


def utf16(text: str) -> bytes:
    """How a Unicode installer stores text (strings, version resources): UTF-16LE."""
    return text.encode("utf-16-le")
