#!/usr/bin/env python3
"""Writes the sample inputs in data/samples/ that the README and the examples use.

  shapes.jpg, shapes.png  640x480: five solid shapes in saturated colours on a dark grey floor,
                          which the generated test model (models/test-cutler-colors.onnx)
                          detects as five instances; a real CutLER model sees five objects too.
  street.jpg              800x533: a softer, photo-like scene (gradient sky, ground, shaded discs
                          and boxes) for trying a real CutLER export.
  notes.pdf, notes.txt    a one-page PDF and a text file, for IdentifyImages ("not an image").
Made by this script, so they carry no third-party rights (CC0, see data/samples/README.md).

Usage: .venv/bin/python scripts/make_samples.py   (scripts/lib/venv.sh sets up .venv)
"""
import os

import numpy as np
from PIL import Image, ImageDraw

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "samples")


def shapes():
    img = Image.new("RGB", (640, 480), (40, 40, 40))
    d = ImageDraw.Draw(img)
    d.rectangle((40, 60, 220, 250), fill=(255, 0, 0))
    d.ellipse((300, 40, 460, 200), fill=(0, 255, 0))
    d.rectangle((480, 220, 610, 440), fill=(0, 0, 255))
    d.polygon([(80, 440), (200, 300), (320, 440)], fill=(255, 255, 0))
    d.ellipse((330, 300, 450, 420), fill=(0, 255, 255))
    return img


def street(w=800, h=533, seed=11):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    sky = np.stack([120 + 60 * y / h, 160 + 50 * y / h, 230 - 30 * y / h], axis=-1)
    ground = np.stack([90 + 30 * x / w, 80 + 20 * x / w, 60 + 10 * x / w], axis=-1)
    img = np.where((y > h * 0.6)[..., None], ground, sky)
    for _ in range(5):
        cx, cy, r = rng.uniform(0.1, 0.9) * w, rng.uniform(0.55, 0.85) * h, rng.uniform(30, 70)
        dist = np.sqrt((x - cx) ** 2 + (y - cy) ** 2) / r
        inside = dist < 1
        img[inside] = rng.integers(30, 230, 3) * (1 - 0.4 * dist[inside, None] ** 2)
    for _ in range(2):
        x0, y0 = rng.uniform(0.05, 0.7) * w, rng.uniform(0.2, 0.4) * h
        img[(x >= x0) & (x < x0 + 120) & (y >= y0) & (y < h * 0.6)] = rng.integers(60, 200, 3)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def notes():
    page = Image.new("RGB", (595, 842), "white")
    d = ImageDraw.Draw(page)
    for i, line in enumerate(["mlportfolio sample notes", "", "A PDF page for IdentifyImages:",
                              "it is recognised as not an image."]):
        d.text((60, 80 + 24 * i), line, fill="black")
    return page


def main():
    os.makedirs(OUT, exist_ok=True)
    shapes().save(os.path.join(OUT, "shapes.jpg"), quality=95)
    shapes().save(os.path.join(OUT, "shapes.png"))
    street().save(os.path.join(OUT, "street.jpg"), quality=90)
    notes().save(os.path.join(OUT, "notes.pdf"))
    with open(os.path.join(OUT, "notes.txt"), "w") as f:
        f.write("mlportfolio sample notes: a text file for IdentifyImages, which says it is not an image.\n")
    print(f"wrote data/samples/ ({', '.join(sorted(os.listdir(OUT)))})")


if __name__ == "__main__":
    main()
