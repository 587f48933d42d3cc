#!/usr/bin/env python3
"""Writes a CutLER checkpoint with seeded random weights, for parity runs where the trained
weights (cutler_cascade_final.pth, CC BY-NC-SA 4.0, from Meta's download server) cannot be had.

The model is CutLER's own Cascade Mask R-CNN from its demo config, built by CutLER's build_model
with BN for SyncBN (as its demo does on CPU) after torch.manual_seed(SEED), and saved the way
detectron2's checkpointer loads it ({"model": state_dict}). Same seed, same PyTorch: same file.
The random network's detections are meaningless but deterministic, and every instance goes
through the same graph, cascade, NMS and mask head as with the trained weights.

Usage: .venv-reference/bin/python scripts/reference/make_random_checkpoint.py CUTLER_DIR OUT.pth [SEED]
"""
import os
import sys

import torch


def main():
    cutler_dir, out = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    sys.path.insert(0, os.path.join(os.path.abspath(cutler_dir), "cutler"))
    from detectron2.config import get_cfg
    from config import add_cutler_config
    from modeling import build_model

    cfg = get_cfg()
    add_cutler_config(cfg)
    cfg.merge_from_file(os.path.join(cutler_dir, "cutler/model_zoo/configs/CutLER-ImageNet/cascade_mask_rcnn_R_50_FPN_demo.yaml"))
    cfg.MODEL.DEVICE = "cpu"
    cfg.MODEL.RESNETS.NORM = "BN"
    cfg.MODEL.FPN.NORM = "BN"
    torch.manual_seed(seed)
    model = build_model(cfg)
    torch.save({"model": model.state_dict()}, out)
    print(f"wrote {out} ({os.path.getsize(out) / 1e6:.0f} MB, seed {seed}, torch {torch.__version__})")


if __name__ == "__main__":
    main()
