"""Check that a JPEG is whole, up to its end-of-image marker, without decoding it.

Each marker segment's length, and the tables, frame and scan headers in them, are
checked as libjpeg checks them before it gives up on a file, and every scan's
entropy-coded data is walked to the marker after it (see check_jpeg).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from typing import IO

from .structure import READ, damaged

# A marker inside entropy-coded data: 0xFF followed by anything but a stuffed zero,
# a restart marker (RST0-7, part of the data) or another 0xFF (fill).
_MARKER_IN_DATA = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_SOI, _EOI, _SOS, _DQT, _DHT, _DAC, _DRI, _TEM = 0xD8, 0xD9, 0xDA, 0xDB, 0xC4, 0xCC, 0xDD, 0x01
# Start-of-frame markers of the coding processes libjpeg-turbo decodes (baseline,
# extended, progressive, lossless; Huffman or arithmetic), and the other markers
# it knows: tables, restart interval, DNL, APPn, comments. It gives up at any
# other marker, the hierarchical frames among them.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA, 0xCB}
_KNOWN = _SOF | {0xC4, 0xCC, 0xDA, 0xDB, 0xDC, 0xDD, 0xFE, *range(0xE0, 0xF0)}
_MAX_COMPONENTS = 10  # libjpeg's limit


class _Bytes:
    """A file read forward in pieces of at most a megabyte."""

    def __init__(self, fileobj: IO[bytes]) -> None:
        self._file = fileobj
        self._buffer = b""
        self._at = 0

    def _more(self) -> None:
        piece = self._file.read(READ)
        if not piece:
            raise damaged("the file ends too early")
        self._buffer = self._buffer[self._at :] + piece
        self._at = 0

    def take(self, size: int) -> bytes:
        while len(self._buffer) - self._at < size:
            self._more()
        data = self._buffer[self._at : self._at + size]
        self._at += size
        return data

    def next_marker(self) -> int:
        """The next marker's code. Bytes before it are skipped, as libjpeg and Pillow do."""
        while True:
            found = self._buffer.find(b"\xff", self._at)
            if found < 0:
                self._at = len(self._buffer)
                self._more()
                continue
            self._at = found + 1
            code = self.take(1)[0]
            while code == 0xFF:  # fill bytes before a marker
                code = self.take(1)[0]
            if code != 0:  # 0xFF 0x00 is no marker: skipped too
                return code

    def skip_entropy_coded_data(self) -> int:
        """Skip a scan's data up to the marker that ends it; return that marker's code."""
        while True:
            found = _MARKER_IN_DATA.search(self._buffer, self._at)
            if found:
                self._at = found.end()
                return found.group()[1]
            # A final 0xFF may start a marker whose code is in the next piece.
            self._at = (
                len(self._buffer) - 1 if self._buffer.endswith(b"\xff") else len(self._buffer)
            )
            self._more()


def check_jpeg(fileobj: IO[bytes]) -> None:
    """Raise Damaged unless the JPEG is whole, up to its end-of-image marker.

    Each marker segment's length, and the tables, frame and scan headers in them,
    are checked as libjpeg checks them before it gives up on a file, and every
    scan's entropy-coded data is walked to the marker after it, so a file cut
    anywhere is refused. The Huffman codes themselves are not decoded: there
    libjpeg only warns and goes on, so a decode at upload refused nothing more,
    and it was the upload's largest cost (a 3 MB camera JPEG: 25 ms at 1/8
    scale, 66 ms whole).
    """
    fileobj.seek(0)
    data = _Bytes(fileobj)
    if data.take(2) != b"\xff\xd8":
        raise damaged("not a JPEG start-of-image marker")
    tables = _Tables()
    frame: _Frame | None = None
    scans = 0
    marker = data.next_marker()
    while marker != _EOI:
        if marker == _SOI:
            raise damaged("a second start-of-image marker")
        if marker == _TEM or 0xD0 <= marker <= 0xD7:
            marker = data.next_marker()  # no length; libjpeg skips them here too
            continue
        if marker not in _KNOWN:
            raise damaged(f"a marker no decoder here reads (0x{marker:02X})")
        (length,) = struct.unpack(">H", data.take(2))
        if length < 2:
            raise damaged("a marker segment shorter than its own length field")
        body = data.take(length - 2)
        if marker in _SOF:
            if frame is not None:
                raise damaged("a second frame header")
            frame = _Frame.parse(marker, body)
        elif marker == _DQT:
            tables.add_quantization(body)
        elif marker == _DHT:
            tables.add_huffman(body)
        elif marker == _DAC:
            _check_arithmetic_conditioning(body)
        elif marker == _DRI and length != 4:
            raise damaged("a restart interval of the wrong length")
        if marker != _SOS:
            marker = data.next_marker()
            continue
        if frame is None:
            raise damaged("a scan before the frame header")
        frame.check_scan(body, tables)
        scans += 1
        marker = data.skip_entropy_coded_data()
    if not scans:
        raise damaged("no image data")


def _check_arithmetic_conditioning(body: bytes) -> None:
    """Pairs of (table, value): 16 DC tables (lower bound at most the upper), 16 AC (1 to 63)."""
    if len(body) % 2:
        raise damaged("arithmetic conditioning of the wrong length")
    for at in range(0, len(body), 2):
        index, value = body[at], body[at + 1]
        dc_bounds_crossed = index < 16 and value & 15 > value >> 4
        if index >= 32 or dc_bounds_crossed or (index >= 16 and not 1 <= value <= 63):
            raise damaged("impossible arithmetic conditioning")


@dataclass
class _Tables:
    """The tables defined so far: quantization ids, Huffman (class, id) pairs."""

    quantization: set[int] = field(default_factory=set)
    huffman: set[tuple[int, int]] = field(default_factory=set)

    def add_quantization(self, body: bytes) -> None:
        at = 0
        while at < len(body):
            precision, table = body[at] >> 4, body[at] & 15
            if precision > 1 or table > 3:
                raise damaged("a malformed quantization table")
            at += 1 + 64 * (precision + 1)
            self.quantization.add(table)
        if at != len(body):
            raise damaged("a quantization table of the wrong length")

    def add_huffman(self, body: bytes) -> None:
        """As libjpeg builds each table: codes that fit their lengths, DC symbols to 15."""
        at = 0
        while at < len(body):
            if len(body) < at + 17 or body[at] >> 4 > 1 or body[at] & 15 > 3:
                raise damaged("a malformed Huffman table")
            kind, table = body[at] >> 4, body[at] & 15
            counts = body[at + 1 : at + 17]
            code = 0
            for length, count in enumerate(counts, start=1):
                code += count
                if code >= 1 << length:
                    raise damaged("a Huffman table with more codes than their lengths allow")
                code <<= 1
            values = body[at + 17 : at + 17 + sum(counts)]
            if sum(counts) > 256 or (kind == _DC and values and max(values) > 15):
                raise damaged("a malformed Huffman table")
            at += 17 + sum(counts)
            self.huffman.add((kind, table))
        if at != len(body):
            raise damaged("a Huffman table of the wrong length")


_DC, _AC = 0, 1
_PROGRESSIVE = {0xC2, 0xC6, 0xCA, 0xCE}
_ARITHMETIC = {0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# Sequential Huffman scans may leave tables 0 and 1 undefined (Motion JPEG does):
# libjpeg-turbo installs the standard ones.
_STANDARD_HUFFMAN = {0, 1}
_MAX_BLOCKS_IN_MCU = 10


@dataclass
class _Frame:
    progressive: bool
    arithmetic: bool
    # component id -> (horizontal sampling × vertical sampling, quantization table)
    components: dict[int, tuple[int, int]]

    @classmethod
    def parse(cls, marker: int, body: bytes) -> _Frame:
        if len(body) < 6:
            raise damaged("a malformed frame header")
        precision, height, width, count = struct.unpack(">BHHB", body[:6])
        if precision not in (8, 12, 16) or height == 0 or width == 0:
            raise damaged("a frame header without a usable size or precision")
        if not 1 <= count <= _MAX_COMPONENTS or len(body) != 6 + 3 * count:
            raise damaged("a malformed frame header")
        components = {}
        for at in range(6, len(body), 3):
            component, sampling, table = body[at], body[at + 1], body[at + 2]
            if not (1 <= sampling >> 4 <= 4 and 1 <= sampling & 15 <= 4) or table > 3:
                raise damaged("a frame component with impossible sampling or table")
            components[component] = ((sampling >> 4) * (sampling & 15), table)
        return cls(marker in _PROGRESSIVE, marker in _ARITHMETIC, components)

    def check_scan(self, body: bytes, tables: _Tables) -> None:
        """What libjpeg refuses at the start of a scan: components, tables, progression."""
        count = body[0] if body else 0
        if not 1 <= count <= 4 or len(body) != 4 + 2 * count:
            raise damaged("a malformed scan header")
        start, end, approximation = body[-3], body[-2], body[-1]
        high, low = approximation >> 4, approximation & 15
        dc_band = start == 0
        if self.progressive and (
            (dc_band and end != 0)
            or (not dc_band and (start > end or end > 63 or count != 1))
            or (high != 0 and low != high - 1)
            or low > 13
        ):
            raise damaged("a scan with an impossible progression")
        scanned: list[int] = []
        blocks = 0
        for at in range(1, 1 + 2 * count, 2):
            component, dc_table, ac_table = body[at], body[at + 1] >> 4, body[at + 1] & 15
            if component not in self.components or component in scanned:
                raise damaged("a scan of a component the frame does not have")
            scanned.append(component)
            sampling, quantization = self.components[component]
            blocks += sampling if count > 1 else 1
            if quantization not in tables.quantization:
                raise damaged("a component whose quantization table is missing")
            if self.arithmetic:
                continue
            needed = []
            if not self.progressive:
                needed = [(_DC, dc_table), (_AC, ac_table)]
            elif dc_band and high == 0:
                needed = [(_DC, dc_table)]
            elif not dc_band:
                needed = [(_AC, ac_table)]
            for kind, table in needed:
                standard = not self.progressive and table in _STANDARD_HUFFMAN
                if (kind, table) not in tables.huffman and not standard:
                    raise damaged("a scan whose Huffman table is missing")
        if blocks > _MAX_BLOCKS_IN_MCU:
            raise damaged("a scan with too many blocks in each unit")
