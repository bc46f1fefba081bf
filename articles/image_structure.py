"""Frames and scans counted from an image file's structure, before any decoding: what decoding
an upload would cost is known, and refused, before paying it (articles.uploads). Linear in the
file's size, and each count stops just past its limit."""

import re
import struct


def skip_gif_sub_blocks(data, position):
    # A file cut short ends the count; decoding it tells whether it is damaged.
    while position < len(data) and (length := data[position]):
        position += length + 1
    return position + 1


def gif_frames(data, limit):
    """The frames of a GIF, the canvas it grows to and the pixels they decode to in all, read
    from its block structure as Pillow reads it, without decoding any; counting stops after
    `limit` + 1 frames, so the time it takes is bounded too."""
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    position = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = pixels = 0
    while position < len(data) and frames <= limit:
        kind = data[position]
        if kind == 0x3B:  # the trailer
            break
        if kind == 0x21:  # an extension: its label, then its data
            position = skip_gif_sub_blocks(data, position + 2)
        elif kind == 0x2C:  # a frame: where it goes, its own palette, then its pixels
            left, top, frame_width, frame_height, flags = struct.unpack_from(
                "<HHHHB", data, position + 1
            )
            # Pillow grows the canvas to hold a frame that reaches past it.
            width, height = max(width, left + frame_width), max(height, top + frame_height)
            frames += 1
            pixels += width * height
            position += 11 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
            position = skip_gif_sub_blocks(data, position)
        else:  # Pillow skips a stray byte, so it is no place to hide frames
            position += 1
    return frames, (width, height), pixels


# A marker as libjpeg finds one: 0xFF and a code, after any 0xFF fill bytes. 0xFF 0x00 is a stuffed
# data byte and RST0-7 mark restarts inside a scan's data; neither starts a segment.
JPEG_MARKER = re.compile(rb"\xff[^\x00\xff\xd0-\xd7]")
# Markers without a length or payload: TEM, SOI.
JPEG_BARE_MARKERS = frozenset((0x01, 0xD8))


def jpeg_scans(data, limit):
    """How many scans (SOS segments) a JPEG has, read from its marker structure as libjpeg walks
    it (segments skipped by their length, scan data and stray bytes up to the next marker),
    without decoding any; counting stops after `limit` + 1 scans."""
    position, scans = 2, 0  # after SOI
    while scans <= limit and (marker := JPEG_MARKER.search(data, position)):
        code, position = data[marker.start() + 1], marker.end()
        if code == 0xD9:  # EOI: libjpeg reads no further
            break
        if code in JPEG_BARE_MARKERS:
            continue
        if position + 2 > len(data):
            break
        if code == 0xDA:
            scans += 1
        # A length below 2 is libjpeg's to refuse; stepping over the two bytes keeps this moving.
        position += max(struct.unpack_from(">H", data, position)[0], 2)
    return scans
