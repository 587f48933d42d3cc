#!/usr/bin/env python3
"""Exports CutLER's Cascade Mask R-CNN (cutler_cascade_final.pth) to the ONNX file mlportfolio loads.

What it does, and why (sources in ../shared/notes/cutler-onnx.md of the project's design notes):
  * builds the model with CutLER's own build_model after add_cutler_config: detectron2's
    build_model does not know CutLER's CustomCascadeROIHeads, and the demo config holds keys only
    add_cutler_config defines;
  * BN instead of SyncBN (SyncBN cannot run outside distributed training), as CutLER's demo does on CPU;
  * ROI_HEADS.SCORE_THRESH_TEST = 0: thresholds are baked into a trace as constants; exporting at 0
    and filtering in Java at 0.35 keeps the same instances (NMS never lets a lower score suppress a
    higher one, and the top 100 are taken by score) and lets each request pick its threshold;
  * traces model.inference(..., do_postprocess=False) through detectron2's TracingAdapter, so the
    masks stay 28x28 probabilities that Java pastes (in-graph pasting becomes a per-mask Loop);
  * opset 17 by default: RoiAlign needs opset >= 16 for detectron2's aligned=True (half_pixel)
    sampling; at opset 11 torchvision silently exports a half-pixel-shifted RoiAlign;
  * the TorchScript exporter (dynamo=False): TracingAdapter and torchvision's roi_align symbolics
    target it;
  * explicit names (image -> pred_boxes, pred_classes, pred_masks, scores, image_size) and dynamic
    H, W and N, then checks the file with ONNX Runtime against PyTorch on the sample image and on a
    second size.

Needs: a CutLER checkout (github.com/facebookresearch/CutLER), detectron2 and PyTorch installed as
CutLER's INSTALL.md says, onnx and onnxruntime, and the weights:
  http://dl.fbaipublicfiles.com/cutler/checkpoints/cutler_cascade_final.pth  (CC BY-NC-SA 4.0)

Usage:
  python scripts/export_cutler_onnx.py --cutler-dir ~/CutLER --weights cutler_cascade_final.pth \\
      --sample-image ~/CutLER/cutler/demo/imgs/demo1.jpg --output models/cutler_cascade_final.onnx
"""
import argparse
import inspect
import os
import sys

OUTPUT_NAMES = ["pred_boxes", "pred_classes", "pred_masks", "scores", "image_size"]
DEFAULT_CONFIG = "cutler/model_zoo/configs/CutLER-ImageNet/cascade_mask_rcnn_R_50_FPN_demo.yaml"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cutler-dir", required=True, help="the CutLER checkout (the folder that holds cutler/)")
    p.add_argument("--weights", required=True, help="cutler_cascade_final.pth")
    p.add_argument("--config", help="model config, default <cutler-dir>/" + DEFAULT_CONFIG)
    p.add_argument("--sample-image", required=True,
                   help="a photo with at least one object; tracing follows the path it takes")
    p.add_argument("--output", default="models/cutler_cascade_final.onnx")
    p.add_argument("--opset", type=int, default=17, help="16 or newer (RoiAlign half_pixel)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="where to trace (the file runs anywhere)")
    p.add_argument("--skip-check", action="store_true", help="do not compare ONNX Runtime with PyTorch afterwards")
    p.add_argument("--check-only", action="store_true",
                   help="do not export: compare the existing --output file with PyTorch on these weights")
    args = p.parse_args()
    if args.opset < 16:
        p.error("--opset must be 16 or newer: older RoiAlign exports are misaligned by half a pixel")
    return args


def build(args):
    # CutLER's modules import each other as top-level packages (config, modeling, structures, ...).
    sys.path.insert(0, os.path.join(os.path.abspath(args.cutler_dir), "cutler"))
    from detectron2.checkpoint import DetectionCheckpointer
    from detectron2.config import get_cfg
    from config import add_cutler_config          # CutLER's, not detectron2's
    from modeling import build_model              # registers CustomCascadeROIHeads

    cfg = get_cfg()
    add_cutler_config(cfg)
    cfg.merge_from_file(args.config or os.path.join(args.cutler_dir, DEFAULT_CONFIG))
    cfg.MODEL.DEVICE = args.device
    cfg.MODEL.WEIGHTS = args.weights
    cfg.MODEL.RESNETS.NORM = "BN"
    cfg.MODEL.FPN.NORM = "BN"
    cfg.MODEL.ROI_HEADS.SCORE_THRESH_TEST = 0.0
    cfg.MODEL.RETINANET.SCORE_THRESH_TEST = 0.0
    cfg.freeze()
    model = build_model(cfg)
    DetectionCheckpointer(model).load(args.weights)
    model.eval()
    return cfg, model


def input_tensor(cfg, path, device):
    """Exactly CutLER's DefaultPredictor preprocessing: PIL read with EXIF, RGB, shortest edge, CHW float32."""
    import torch
    import detectron2.data.transforms as T
    from detectron2.data.detection_utils import read_image

    image = read_image(path, format=cfg.INPUT.FORMAT)
    resize = T.ResizeShortestEdge([cfg.INPUT.MIN_SIZE_TEST, cfg.INPUT.MIN_SIZE_TEST], cfg.INPUT.MAX_SIZE_TEST)
    image = resize.get_transform(image).apply_image(image)
    return torch.as_tensor(image.astype("float32").transpose(2, 0, 1)).to(device)


def export(args, cfg, model):
    """Traces the model on the sample and writes the ONNX file (only traces with --check-only)."""
    import torch
    from detectron2.export import TracingAdapter

    sample = input_tensor(cfg, args.sample_image, args.device)

    def inference(m, inputs):
        instances = m.inference(inputs, do_postprocess=False)[0]
        return [{"instances": instances}]

    # eval(): TracingAdapter is a new module in training mode, torch.onnx.export restores the mode
    # it found, and CutLER's inference asserts not self.training.
    adapter = TracingAdapter(model, [{"image": sample}], inference).eval()
    with torch.no_grad():
        outputs = adapter(sample)
    check_output_order(outputs)
    print(f"sample {tuple(sample.shape)}: {outputs[0].shape[0]} raw detections")
    if args.check_only:
        return adapter, sample

    kwargs = dict(
        opset_version=args.opset,
        input_names=["image"],
        output_names=OUTPUT_NAMES,
        dynamic_axes={
            "image": {1: "height", 2: "width"},
            "pred_boxes": {0: "instances"},
            "pred_classes": {0: "instances"},
            "pred_masks": {0: "instances"},
            "scores": {0: "instances"},
        },
        do_constant_folding=True,
    )
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False                 # PyTorch >= 2.9 defaults to the dynamo exporter
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(adapter, (sample,), args.output, **kwargs)
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.1f} MB, opset {args.opset})")
    return adapter, sample


def check_output_order(outputs):
    """TracingAdapter sorts Instances fields by name and appends image_size; confirm before naming them."""
    shapes = [tuple(o.shape) for o in outputs]
    ok = (len(outputs) == 5 and len(shapes[0]) == 2 and shapes[0][1] == 4 and len(shapes[1]) == 1
          and len(shapes[2]) == 4 and shapes[2][1:] == (1, 28, 28) and len(shapes[3]) == 1 and shapes[4] == (2,))
    if not ok:
        raise SystemExit(f"unexpected traced outputs {shapes}; expected {OUTPUT_NAMES} "
                         "([N,4], [N], [N,1,28,28], [N], [2])")


# What ONNX Runtime may differ from PyTorch by (float reassociation in its kernels): measured on
# the real graph at 0.003 px, 1e-5 and 0.993 (models/README.md). A wrong RoiAlign alignment or a
# weight that did not load is far outside these.
CHECK_TOLERANCES = dict(box_px=0.05, score=1e-4, mask_iou=0.98)


def check(args, cfg, adapter, sample):
    """Runs the file with ONNX Runtime on the sample and on a second size, against PyTorch.

    Instances are matched by box IoU (not rank), masks are pasted into the input image as
    detectron2 pastes them, and a difference past CHECK_TOLERANCES exits with status 1.
    """
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch
    from detectron2.layers.mask_ops import paste_masks_in_image

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
    from compare import HEADER, Tolerances, array_masks, compare

    tol = Tolerances(**CHECK_TOLERANCES)
    onnx.checker.check_model(args.output)
    session = ort.InferenceSession(args.output, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    if names != OUTPUT_NAMES:
        raise SystemExit(f"output names {names}, expected {OUTPUT_NAMES}")

    def pasted(boxes, masks, shape):
        with torch.no_grad():
            return paste_masks_in_image(torch.as_tensor(masks)[:, 0], torch.as_tensor(boxes), shape).numpy()

    second = torch.nn.functional.interpolate(sample[None], scale_factor=0.75, mode="bilinear")[0].round()
    failed = False
    print(f"ONNX Runtime against PyTorch, tolerances {CHECK_TOLERANCES}")
    print(f"{'input':>14} {HEADER}")
    for tensor in (sample, second):
        with torch.no_grad():
            expected = [o.cpu().numpy() for o in adapter(tensor)]
        actual = session.run(None, {"image": tensor.cpu().numpy()})
        shape = tuple(tensor.shape[1:])
        result = compare(expected[0], expected[3], actual[0], actual[3], tol,
                         array_masks(pasted(expected[0], expected[2], shape), pasted(actual[0], actual[2], shape)))
        print(f"{'x'.join(map(str, shape)):>14} {result.row()}")
        failed |= not result.passes(tol)
    if failed:
        print("FAILED: ONNX Runtime differs from PyTorch past the tolerances; check the weights and the "
              "RoiAlign alignment notes in models/README.md", file=sys.stderr)
        raise SystemExit(1)


def main():
    args = parse_args()
    cfg, model = build(args)
    adapter, sample = export(args, cfg, model)
    if args.check_only or not args.skip_check:
        check(args, cfg, adapter, sample)
    print("done: point MODEL_PATH at the file, or put it at models/cutler_cascade_final.onnx")


if __name__ == "__main__":
    main()
