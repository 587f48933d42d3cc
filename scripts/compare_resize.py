#!/usr/bin/env python3
"""How far OpenCV's resize filters are from PIL's bilinear resize, which CutLER's predictor uses.

mlportfolio resized with OpenCV (INTER_AREA when shrinking, INTER_LINEAR when enlarging) until it
ported PIL's filter (PillowBilinear, exact). This measures what OpenCV's filters would cost: on a
photo-like picture and on a sharp-edged one, the mean and worst absolute difference in grey
levels (0..255) against PIL, for both OpenCV filters, at the sizes detectron2's shortest-edge
rule gives. OpenCV here is opencv-python-headless at the same 4.11 release the Java
build bundles.

Usage: .venv/bin/python scripts/compare_resize.py   (scripts/lib/venv.sh sets up .venv)
"""
import os
import sys

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "pillow"))
from resize_cases import photo_like, shortest_edge  # noqa: E402


def sharp_edges(w, h):
    img = np.zeros((h, w, 3), np.uint8)
    img[h // 8: h // 2, w // 10: w // 3] = (255, 0, 0)
    img[::2, w // 2:] = 255                     # one-pixel stripes: the worst case for aliasing
    return img


def compare(name, rgb):
    h, w = rgb.shape[:2]
    size = shortest_edge(w, h)
    reference = np.asarray(Image.fromarray(rgb).resize(size, Image.BILINEAR)).astype(np.int16)
    for label, flag in (("INTER_AREA", cv2.INTER_AREA), ("INTER_LINEAR", cv2.INTER_LINEAR)):
        ours = cv2.resize(rgb, size, interpolation=flag).astype(np.int16)
        diff = np.abs(ours - reference)
        print(f"{name:>22} {w}x{h} -> {size[0]}x{size[1]}  {label:<12} mean {diff.mean():6.2f}  "
              f"p99 {np.percentile(diff, 99):5.0f}  max {diff.max():4d}")


if __name__ == "__main__":
    for w, h in ((1920, 1080), (4000, 3000), (640, 480)):
        compare("photo-like", photo_like(w, h, 7))
        compare("stripes and a block", sharp_edges(w, h))
