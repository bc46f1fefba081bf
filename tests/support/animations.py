"""Animated GIFs built byte by byte, as an attacker would: many frames in few bytes."""

import struct

# One pixel of colour 0, LZW-coded with a minimum code size of 2: clear, 0, end.
ONE_PIXEL = b"\x02\x02\x44\x01\x00"


def gif_frame(left=0, top=0, width=1, height=1, pixels=ONE_PIXEL, delay=True):
    """A frame: its graphic control extension (a 10 ms delay) unless not `delay`, its
    descriptor and its pixel data."""
    control = b"\x21\xf9\x04\x00\x01\x00\x00\x00" if delay else b""
    return control + b"\x2c" + struct.pack("<HHHHB", left, top, width, height, 0) + pixels


def gif(frames):
    """A looping GIF whose header says 1×1 pixels, of `frames` (bytes, one after another)."""
    screen = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    return screen + loop + frames + b";"


def many_frames_gif(frames, between=b"", delay=True):
    """A GIF of `frames` 1×1 frames, each 23 bytes (15 without a delay); `between` goes before
    each frame (bytes a reader skips)."""
    return gif((between + gif_frame(delay=delay)) * frames)
