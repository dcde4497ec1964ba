# SPDX-License-Identifier: Apache-2.0
"""Turns the UTF-8 half blocks `--qr -` prints (light modules drawn, as
`qrencode -t UTF8`) back into images, one plain PBM per code: PREFIX-1.pbm, ...
so that zbarimg can read what an operator's phone would read off the screen.
usage: qr_blocks.py DRAWING PREFIX"""
import sys

full, upper, lower = "\u2588", "\u2580", "\u2584"
codes, cur = [], []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("QR code "):
        if cur: codes.append(cur)
        cur = []
        continue
    top = [c in (full, upper) for c in line]
    bot = [c in (full, lower) for c in line]
    cur += [top, bot]
if cur: codes.append(cur)
scale = 4
for n, rows in enumerate(codes, 1):
    w = max(len(r) for r in rows)
    with open(f"{sys.argv[2]}-{n}.pbm", "w") as f:
        f.write(f"P1\n{w*scale} {len(rows)*scale}\n")
        for r in rows:
            bits = " ".join("0" if (x < len(r) and r[x]) else "1" for x in range(w) for _ in range(scale))
            for _ in range(scale):
                f.write(bits + "\n")
