#!/usr/bin/env python3
"""Draws the app icon as PNGs (192 and 512 px, also maskable) with only the standard
library, so no image tool is needed: a speech bubble on the brand colour."""
import struct, zlib, sys, os

BRAND = (0x1F, 0x4E, 0x79)
WHITE = (0xFF, 0xFF, 0xFF)

def inside_round_rect(x, y, x0, y0, x1, y1, r):
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

def inside_triangle(x, y, a, b, c):
    def s(p, q, r):
        return (p[0] - r[0]) * (q[1] - r[1]) - (q[0] - r[0]) * (p[1] - r[1])
    d1, d2, d3 = s((x, y), a, b), s((x, y), b, c), s((x, y), c, a)
    neg = d1 < 0 or d2 < 0 or d3 < 0
    pos = d1 > 0 or d2 > 0 or d3 > 0
    return not (neg and pos)

def pixel(u, v):
    # u, v in [0, 1): the bubble sits in the safe zone of a maskable icon.
    if inside_round_rect(u, v, 0.22, 0.26, 0.78, 0.64, 0.08) or inside_triangle(u, v, (0.32, 0.6), (0.46, 0.6), (0.3, 0.76)):
        # two "lines of text" in the bubble
        if 0.36 <= v <= 0.40 and 0.30 <= u <= 0.70 or 0.48 <= v <= 0.52 and 0.30 <= u <= 0.58:
            return BRAND
        return WHITE
    return BRAND

def png(size):
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            row.extend(pixel((x + 0.5) / size, (y + 0.5) / size))
        rows.append(bytes(row))
    raw = b"".join(rows)
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

out = sys.argv[1] if len(sys.argv) > 1 else "public"
for size in (192, 512):
    with open(os.path.join(out, f"icon-{size}.png"), "wb") as f:
        f.write(png(size))
