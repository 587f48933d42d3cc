#!/usr/bin/env python3
"""Pillow's own time for the resizes PipelineBench's `resize` mode times in Java (median of 15,
random pixels, RGB, Image.BILINEAR), for the table in docs/benchmarks.md.

Usage: .venv/bin/python scripts/pillow/time_resize.py
"""
import time

import numpy as np
import PIL
from PIL import Image

from resize_cases import shortest_edge

print(f"Pillow {PIL.__version__}, one thread")
for w, h in [(1280, 720), (1920, 1080), (4000, 3000), (6000, 3167)]:
    image = Image.fromarray(np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8))
    size = shortest_edge(w, h)
    times = []
    for _ in range(15):
        start = time.perf_counter()
        image.resize(size, Image.BILINEAR)
        times.append(time.perf_counter() - start)
    print(f"  {w}x{h} -> {size[0]}x{size[1]}: {sorted(times)[7] * 1000:.2f} ms")
