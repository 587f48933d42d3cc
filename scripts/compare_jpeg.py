#!/usr/bin/env python3
"""Times PIL's JPEG decode and quality-90 encode of a file: the reference for how fast
libjpeg-turbo with its SIMD code runs on this machine (scripts/bench_detection.sh prints the
Java side's figures for the same file).

Usage: .venv/bin/python scripts/compare_jpeg.py FILE.jpg
"""
import io
import statistics
import sys
import time

from PIL import Image

data = open(sys.argv[1], "rb").read()
decode, encode = [], []
for i in range(30):
    t0 = time.perf_counter()
    image = Image.open(io.BytesIO(data))
    image.load()
    t1 = time.perf_counter()
    image.save(io.BytesIO(), "JPEG", quality=90)
    t2 = time.perf_counter()
    if i >= 10:
        decode.append((t1 - t0) * 1000)
        encode.append((t2 - t1) * 1000)
print(f"PIL {Image.__version__} decode {statistics.median(decode):.1f} ms, encode q90 {statistics.median(encode):.1f} ms (medians)")
