#!/usr/bin/python3
"""Regenerate the synthetic face photo used by the card emulator.

The 券面事項確認AP card-face EF (tag DF27) carries the holder's photo as a
greyscale JPEG 2000 file.  The emulator embeds assets/face-synthetic.jp2; this
script draws a cartoon face (no real person) into a PGM and compresses it with
`opj_compress` (Debian package `libopenjp2-tools`).

    /usr/bin/python3 Tests/CardEmulator/make_assets.py
"""
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "assets", "face-synthetic.jp2")
W, H = 96, 128


def draw() -> bytes:
    px = bytearray(W * H)
    cx, cy = W / 2, H * 0.45
    for y in range(H):
        for x in range(W):
            v = 225  # light background
            # shoulders
            if y > H * 0.80 and abs(x - cx) < (y - H * 0.70) * 1.6:
                v = 90
            # head (ellipse)
            dx, dy = (x - cx) / (W * 0.30), (y - cy) / (H * 0.30)
            if dx * dx + dy * dy <= 1.0:
                v = 170 - int(30 * dy)
            # eyes
            for ex in (cx - W * 0.11, cx + W * 0.11):
                if math.hypot(x - ex, y - (cy - H * 0.05)) < 3.2:
                    v = 30
            # mouth
            if abs(y - (cy + H * 0.13)) < 1.5 and abs(x - cx) < W * 0.09:
                v = 60
            px[y * W + x] = max(0, min(255, v))
    return b"P5\n%d %d\n255\n" % (W, H) + bytes(px)


def main() -> int:
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pgm = os.path.join(tmp, "face.pgm")
        with open(pgm, "wb") as f:
            f.write(draw())
        try:
            subprocess.run(["opj_compress", "-i", pgm, "-o", OUT, "-r", "12"],
                           check=True, stdout=subprocess.DEVNULL)
        except FileNotFoundError:
            print("opj_compress not found: apt-get install libopenjp2-tools", file=sys.stderr)
            return 1
    print(OUT, os.path.getsize(OUT), "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
