#!/usr/bin/env python3
"""Writes resize cases and Pillow's own answers for PillowBilinearTest (the Java port of PIL's resize).

For each case: <name>.src.rgb (the source, raw RGB rows), <name>.pil.rgb (Pillow's
Image.resize(size, Image.BILINEAR) of it, as detectron2's ResizeTransform calls it) and a line in
cases.json with the sizes. Pictures: photo-like (gradients, discs, noise), one-pixel stripes both
ways, a checkerboard, gradients, uniform noise; sizes: detectron2's shortest-edge rule on large
photos (4000x3000, 6000x3167), small shrinks, enlargements, odd sizes, 1 px wide and tall, and
Pillow 13's vertical-first order (when the height shrinks by over twice as many pixels as the width).

Usage: python scripts/pillow/resize_cases.py OUTDIR   (Pillow and numpy from scripts/requirements-tools.txt)
"""
import json
import os
import sys

import numpy as np
import PIL
from PIL import Image


def shortest_edge(w, h, short=800, longest=1333):
    """detectron2's ResizeShortestEdge.get_output_shape, never below one pixel (as ResizePlan)."""
    scale = short / min(h, w)
    nh, nw = (short, scale * w) if h < w else (scale * h, short)
    if max(nh, nw) > longest:
        s = longest / max(nh, nw)
        nh, nw = nh * s, nw * s
    return max(1, int(nw + 0.5)), max(1, int(nh + 0.5))


def photo_like(w, h, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([140 + 90 * x / w, 90 + 80 * x * y / (w * h), 60 + 120 * y / h], axis=-1)
    img += rng.normal(0, 6, img.shape).astype(np.float32)
    for _ in range(25):
        cx, cy = rng.integers(0, w), rng.integers(0, h)
        r = rng.integers(1, max(2, min(w, h) // 6))
        img[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = rng.integers(0, 256, 3)
    return np.clip(img, 0, 255).astype(np.uint8)


def stripes(w, h, vertical):
    img = np.zeros((h, w, 3), np.uint8)
    if vertical:
        img[:, ::2] = (255, 255, 255)
        img[:, 1::4] = (255, 0, 128)
    else:
        img[::2] = (255, 255, 255)
        img[1::4] = (0, 255, 64)
    return img


def checkerboard(w, h):
    y, x = np.mgrid[0:h, 0:w]
    img = np.where(((x + y) % 2 == 0)[..., None], np.uint8(255), np.uint8(0)).repeat(3, axis=2)
    img[..., 1] = ((x // 3 + y // 3) % 2 * 255).astype(np.uint8)
    return img


def gradients(w, h):
    y, x = np.mgrid[0:h, 0:w]
    return np.stack([x * 255 // max(1, w - 1), y * 255 // max(1, h - 1), (x + y) % 256], axis=-1).astype(np.uint8)


def noise(w, h, seed):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def cases():
    big = [(4000, 3000), (6000, 3167), (1920, 1080), (3456, 2304)]
    for i, (w, h) in enumerate(big):
        yield f"photo-{w}x{h}", photo_like(w, h, i), shortest_edge(w, h)
    for w, h in [(4000, 3000), (1920, 1080)]:
        yield f"vstripes-{w}x{h}", stripes(w, h, True), shortest_edge(w, h)
        yield f"hstripes-{w}x{h}", stripes(w, h, False), shortest_edge(w, h)
        yield f"checker-{w}x{h}", checkerboard(w, h), shortest_edge(w, h)
    small = [(900, 850), (1280, 720), (1366, 768), (833, 801), (801, 1333), (640, 480),
             (600, 776), (100, 50), (777, 555), (31, 17), (2, 3)]
    for i, (w, h) in enumerate(small):
        yield f"photo-{w}x{h}", photo_like(w, h, 10 + i), shortest_edge(w, h)
        yield f"checker-{w}x{h}", checkerboard(w, h), shortest_edge(w, h)
        yield f"noise-{w}x{h}", noise(w, h, 20 + i), shortest_edge(w, h)
        yield f"gradient-{w}x{h}", gradients(w, h), shortest_edge(w, h)
    # Sizes the shortest-edge rule never asks for, to cover the filter itself.
    free = [((1000, 1000), (3, 997)), ((1000, 1000), (999, 1)), ((257, 129), (256, 128)),
            ((255, 127), (1000, 1001)), ((7, 5), (1333, 800)), ((640, 480), (640, 333)),
            ((640, 480), (123, 480)), ((50, 50), (50, 50))]
    for i, ((w, h), size) in enumerate(free):
        yield f"noise-{w}x{h}-to-{size[0]}x{size[1]}", noise(w, h, 40 + i), size
        yield f"vstripes-{w}x{h}-to-{size[0]}x{size[1]}", stripes(w, h, True), size
    # One pixel wide or tall; over 100 times taller than wide takes Pillow's vertical-first path.
    for w, h in [(1, 500), (1, 5000), (500, 1), (5000, 1), (3, 400), (7, 2000), (2000, 7), (20, 2001)]:
        yield f"noise-{w}x{h}", noise(w, h, w * 7 + h), shortest_edge(w, h)
        yield f"hstripes-{w}x{h}", stripes(w, h, False), shortest_edge(w, h)
    yield "tall-3x400-to-2x50", noise(3, 400, 5), (2, 50)
    for w, h in [(1000, 2500), (1080, 2400), (720, 1600)]:       # portraits: vertical pass first
        yield f"photo-{w}x{h}", photo_like(w, h, w + h), shortest_edge(w, h)
        yield f"hstripes-{w}x{h}", stripes(w, h, False), shortest_edge(w, h)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    manifest = []
    for name, rgb, (tw, th) in cases():
        h, w = rgb.shape[:2]
        resized = np.asarray(Image.fromarray(np.ascontiguousarray(rgb)).resize((tw, th), Image.BILINEAR))
        assert resized.shape == (th, tw, 3), (name, resized.shape)
        rgb.tofile(os.path.join(out, name + ".src.rgb"))
        np.ascontiguousarray(resized).tofile(os.path.join(out, name + ".pil.rgb"))
        manifest.append({"name": name, "width": w, "height": h, "target_width": tw, "target_height": th})
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump({"pillow": PIL.__version__, "cases": manifest}, f, indent=1)
    print(f"{len(manifest)} cases, Pillow {PIL.__version__}, in {out}")


if __name__ == "__main__":
    main()
