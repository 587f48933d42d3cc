#!/usr/bin/env python3
"""Synthetic pictures for the parity runs and the CI fixtures (made here, so free of licence terms):
smooth photo-like scenes (gradients, shaded discs and boxes, soft texture; no pixel noise, so the
recorded tensors compress well), as JPEG and PNG, one JPEG stored rotated with EXIF orientation 6.

Usage: python scripts/reference/make_images.py OUT_DIR
"""
import os
import sys

import numpy as np
from PIL import Image


def scene(w, h, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([150 + 80 * x / w, 110 + 60 * np.sin(y / h * 3.1), 70 + 120 * y / h], axis=-1)
    img += 12 * np.sin(x / 7.0)[..., None] * np.cos(y / 11.0)[..., None]
    for _ in range(6):
        cx, cy = rng.uniform(0.15, 0.85) * w, rng.uniform(0.15, 0.85) * h
        r = rng.uniform(0.08, 0.22) * min(w, h)
        d = np.sqrt((x - cx) ** 2 + (y - cy) ** 2) / r
        colour = rng.integers(0, 256, 3)
        inside = d < 1
        img[inside] = (colour * (1 - 0.35 * d[inside, None] ** 2))
    for _ in range(3):
        x0, y0 = rng.uniform(0.05, 0.6) * w, rng.uniform(0.05, 0.6) * h
        x1, y1 = x0 + rng.uniform(0.1, 0.35) * w, y0 + rng.uniform(0.1, 0.35) * h
        img[(x >= x0) & (x < x1) & (y >= y0) & (y < y1)] = rng.integers(0, 256, 3)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    scene(1280, 720, 1).save(os.path.join(out, "scene-1280x720.jpg"), quality=92)
    scene(600, 900, 2).save(os.path.join(out, "scene-600x900.png"))
    scene(320, 240, 3).save(os.path.join(out, "small-320x240.jpg"), quality=92)
    scene(200, 130, 4).save(os.path.join(out, "small-200x130.png"))
    # Shrinks to 571x1333, removing more rows than twice the columns: Pillow 13's vertical-first order.
    scene(600, 1400, 7).save(os.path.join(out, "portrait-600x1400.jpg"), quality=92)
    # Stored sideways; EXIF orientation 6 says "rotate 90 degrees clockwise to display" (upright 240x320).
    exif = Image.Exif()
    exif[0x0112] = 6
    scene(240, 320, 5).transpose(Image.Transpose.ROTATE_90).save(os.path.join(out, "small-exif6.jpg"),
                                                                  quality=92, exif=exif)
    print(f"wrote 6 pictures to {out}")


if __name__ == "__main__":
    main()
