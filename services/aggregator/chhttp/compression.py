"""Compression on the ClickHouse HTTP interface: HTTP content codings and ClickHouse's own
block framing.

* HTTP: a request body in ``Content-Encoding`` gzip, deflate, zstd, lz4, xz or bz2 is
  decoded (never past the body limit, so a small bomb cannot fill memory); a response is
  encoded when ``enable_http_compression`` is on and ``Accept-Encoding`` names one of gzip,
  deflate, br, zstd, lz4, xz, bz2 (the client's preference, by q-value then order).
* ``compress=1`` / ``decompress=1``: ClickHouse's native framing, the one the JDBC driver
  uses by default. Each block is a 16-byte CityHash128 (v1.0.2, ClickHouse's) of the rest,
  a method byte (0x82 LZ4, 0x90 ZSTD, 0x02 none), the compressed size including the 9-byte
  header and the decompressed size (UInt32 little-endian each), then the data. Responses are
  LZ4 blocks of at most 1 MiB of input, as ClickHouse writes them; requests may use any of
  the three methods, and their checksums are verified.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import struct
import sys
import zlib
from collections.abc import Callable
from typing import Any

import cramjam
import lz4.block
import lz4.frame
from clickhouse_cityhash.cityhash import CityHash128

from services.aggregator.chhttp.errors import ChError

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

METHOD_NONE = 0x02
METHOD_LZ4 = 0x82
METHOD_ZSTD = 0x90
_HEADER = struct.Struct("<BII")  # method, compressed size (with this header), decompressed size
_BLOCK_INPUT = 1 << 20  # ClickHouse's DBMS_DEFAULT_BUFFER_SIZE
_MAX_BLOCK = 1 << 30  # ClickHouse refuses larger compressed blocks too
_MASK64 = (1 << 64) - 1


def _checksum(block: bytes) -> bytes:
    """CityHash128 of ``block`` as ClickHouse writes it: low 64 bits, then high, little-endian."""
    value = CityHash128(block)
    return struct.pack("<QQ", value >> 64, value & _MASK64)


def native_compress(data: bytes) -> bytes:
    """``data`` in ClickHouse's compressed blocks (LZ4), as a ``compress=1`` response."""
    out = bytearray()
    for start in range(0, len(data), _BLOCK_INPUT) if data else ():
        chunk = data[start:start + _BLOCK_INPUT]
        packed = lz4.block.compress(chunk, store_size=False)
        block = _HEADER.pack(METHOD_LZ4, _HEADER.size + len(packed), len(chunk)) + packed
        out += _checksum(block)
        out += block
    return bytes(out)


def native_decompress(data: bytes, limit: int, verify: bool = True) -> bytes:
    """A ``decompress=1`` request body: ClickHouse's compressed blocks, joined.

    Raises ChError when a checksum differs (unless ``verify`` is off, as with
    http_native_compression_disable_checksumming_on_decompress), a method is unknown, a block
    is cut short, or the result would pass ``limit`` bytes.
    """
    out = bytearray()
    pos = 0
    while pos < len(data):
        if len(data) - pos < 16 + _HEADER.size:
            raise ChError.of("CANNOT_READ_ALL_DATA",
                             "Cannot read all data: a compressed block's header is cut short")
        method, size, plain_size = _HEADER.unpack_from(data, pos + 16)
        if size < _HEADER.size or size > _MAX_BLOCK:
            raise ChError.of("TOO_LARGE_SIZE_COMPRESSED",
                             f"Too large size ({size}) of a compressed block")
        block = data[pos + 16:pos + 16 + size]
        if len(block) < size:
            raise ChError.of("CANNOT_READ_ALL_DATA",
                             "Cannot read all data: a compressed block is cut short")
        if verify and _checksum(block) != data[pos:pos + 16]:
            raise ChError.of("CHECKSUM_DOESNT_MATCH",
                             "Checksum doesn't match: corrupted data in a compressed block")
        if len(out) + plain_size > limit:
            raise _too_large(limit)
        payload = block[_HEADER.size:]
        try:
            if method == METHOD_LZ4:
                plain = lz4.block.decompress(payload, uncompressed_size=plain_size)
            elif method == METHOD_ZSTD:
                plain = zstd.ZstdDecompressor().decompress(payload, max_length=plain_size)
            elif method == METHOD_NONE:
                plain = payload
            else:
                raise ChError.of("UNKNOWN_COMPRESSION_METHOD",
                                 f"Unknown compression method: {method:#x}")
        except (lz4.block.LZ4BlockError, zstd.ZstdError) as exc:
            raise ChError.of("CANNOT_DECOMPRESS", f"Cannot decompress a block: {exc}") from exc
        if len(plain) != plain_size:
            raise ChError.of("CANNOT_DECOMPRESS",
                             "Cannot decompress: a block's size differs from its header's")
        out += plain
        pos += 16 + size
    return bytes(out)


def _too_large(limit: int) -> ChError:
    return ChError.of("QUERY_IS_TOO_LARGE", f"Request body is larger than {limit} bytes")


# --- HTTP content codings -----------------------------------------------------------------

_ALIASES = {"gzip": "gzip", "x-gzip": "gzip", "gz": "gzip", "deflate": "deflate",
            "zlib": "deflate", "br": "br", "brotli": "br", "zstd": "zstd", "zst": "zstd",
            "lz4": "lz4", "xz": "xz", "lzma": "xz", "bz2": "bz2", "bzip2": "bz2"}
RESPONSE_CODINGS = ("gzip", "deflate", "br", "zstd", "lz4", "xz", "bz2")


def choose_coding(accept_encoding: str) -> str | None:
    """The coding to answer with for an ``Accept-Encoding`` value: the client's highest
    q-value among ours, the first listed on a tie; None when it accepts none of ours."""
    best: tuple[float, int, str] | None = None
    for order, item in enumerate(accept_encoding.split(",")):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        coding = "gzip" if name == "*" else _ALIASES.get(name)
        if coding is None or coding not in RESPONSE_CODINGS or quality <= 0:
            continue
        if best is None or quality > best[0] or (quality == best[0] and order < best[1]):
            best = (quality, order, coding)
    return best[2] if best else None


def encode(data: bytes, coding: str, level: int = 3) -> bytes:
    """``data`` in an HTTP content coding (``level`` as http_zlib_compression_level: 1-9)."""
    level = min(max(level, 1), 9)
    if coding == "gzip":
        return gzip.compress(data, compresslevel=level, mtime=0)
    if coding == "deflate":
        return zlib.compress(data, level)
    if coding == "br":
        return bytes(cramjam.brotli.compress(data, level=level))
    if coding == "zstd":
        return zstd.compress(data, level=level)
    if coding == "lz4":
        return lz4.frame.compress(data)
    if coding == "xz":
        return lzma.compress(data, preset=level)
    if coding == "bz2":
        return bz2.compress(data, compresslevel=level)
    raise ValueError(coding)


def _zlib(wbits: int) -> Callable[[], Any]:
    return lambda: zlib.decompressobj(wbits)


_DECODERS: dict[str, Callable[[], Any]] = {
    "gzip": _zlib(16 + zlib.MAX_WBITS),
    "deflate": _zlib(zlib.MAX_WBITS),
    "zstd": zstd.ZstdDecompressor,
    "lz4": lz4.frame.LZ4FrameDecompressor,
    "xz": lzma.LZMADecompressor,
    "bz2": bz2.BZ2Decompressor,
}


def decode(data: bytes, content_encoding: str, limit: int) -> bytes:
    """A request body in ``Content-Encoding``, decoded; at most ``limit`` bytes out."""
    name = content_encoding.strip().lower()
    if name in ("", "identity", "none"):
        return data
    coding = _ALIASES.get(name)
    if coding is None or coding not in _DECODERS:
        raise ChError.of("UNKNOWN_COMPRESSION_METHOD",
                         f"Unknown or unsupported Content-Encoding of the request body: "
                         f"{content_encoding[:40]!r} (supported: {', '.join(_DECODERS)})")
    decoder = _DECODERS[coding]()
    try:
        out = decoder.decompress(data, limit + 1)
        if len(out) > limit:
            raise _too_large(limit)
    except (zlib.error, lzma.LZMAError, OSError, EOFError, RuntimeError,
            zstd.ZstdError) as exc:
        raise ChError.of("CANNOT_DECOMPRESS",
                         f"Cannot decode the {coding} request body: {exc}") from exc
    eof = getattr(decoder, "eof", None)
    if eof is False:
        raise ChError.of("CANNOT_DECOMPRESS", f"The {coding} request body is cut short")
    return bytes(out)
