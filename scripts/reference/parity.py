#!/usr/bin/env python3
"""This project against CutLER's own DefaultPredictor, on your images and your weights.

For each image and threshold, three comparisons, each a row of one table:
  java   this project end to end (decode, Pillow-exact resize, ONNX Runtime in Java,
         post-processing, pasting, RLE; scripts/reference/JavaDetections.java) against CutLER's
         predictor (PIL read with EXIF, ResizeShortestEdge, PyTorch, detector_postprocess);
  graph  ONNX Runtime (Python) on detectron2's own input tensor, post-processed by detectron2,
         against the predictor: what the exported graph alone contributes;
  post   this project end to end against that graph row: what everything but the graph
         contributes (decode, resize, Java post-processing, pasting, RLE);
  tensor the largest difference between this project's input tensor and detectron2's.
Instances are matched by box IoU (scripts/reference/compare.py); masks are compared as COCO RLE
with pycocotools' IoU. The exit status is 1 when a java row or the tensor is past the
tolerances (boxes 0.01 px, scores 1e-4, mask IoU 0.999, tensor 0).

--record-fixtures DIR also writes, for the images named by --fixture-images, what the CI test
CutlerReferenceFixtureTest checks without PyTorch: detectron2's input tensor (PNG, exact), the
PyTorch model's raw outputs (inference without post-processing) and detectron2's final instances
at each threshold.

Run through scripts/reference/parity.sh, which builds the project and sets JAVA and the class path.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import PIL
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import HEADER, Tolerances, compare  # noqa: E402

TOLERANCES = Tolerances(box_px=0.01, score=1e-4, mask_iou=0.999)
DEMO_CONFIG = "cutler/model_zoo/configs/CutLER-ImageNet/cascade_mask_rcnn_R_50_FPN_demo.yaml"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cutler-dir", required=True)
    p.add_argument("--weights", required=True, help="the .pth the ONNX file was exported from")
    p.add_argument("--onnx", required=True, help="the file this project loads (MODEL_PATH)")
    p.add_argument("--thresholds", default="0,0.35")
    p.add_argument("--record-fixtures", help="folder for the CI fixtures")
    p.add_argument("--fixture-images", default="", help="comma-separated file names to record fixtures for")
    p.add_argument("images", nargs="+")
    return p.parse_args()


def predictor(cutler_dir, weights, threshold):
    """CutLER's demo predictor, configured as cutler/demo/demo.py's setup_cfg does on a CPU."""
    sys.path.insert(0, os.path.join(os.path.abspath(cutler_dir), "cutler"))
    if not hasattr(Image, "LINEAR"):
        Image.LINEAR = Image.BILINEAR        # CutLER's transform.py still names it; gone in Pillow 10
    from detectron2.config import get_cfg
    from config import add_cutler_config
    from engine.defaults import DefaultPredictor

    cfg = get_cfg()
    add_cutler_config(cfg)
    cfg.merge_from_file(os.path.join(cutler_dir, DEMO_CONFIG))
    cfg.MODEL.DEVICE = "cpu"
    cfg.MODEL.WEIGHTS = weights
    cfg.MODEL.RESNETS.NORM = "BN"
    cfg.MODEL.FPN.NORM = "BN"
    cfg.MODEL.RETINANET.SCORE_THRESH_TEST = threshold
    cfg.MODEL.ROI_HEADS.SCORE_THRESH_TEST = threshold
    cfg.MODEL.PANOPTIC_FPN.COMBINE.INSTANCES_CONFIDENCE_THRESH = threshold
    cfg.freeze()
    pred = DefaultPredictor(cfg)
    seen = {}
    pred.model.register_forward_pre_hook(lambda module, args: seen.update(image=args[0][0]["image"].clone()))
    return pred, seen


def rles(masks):
    from pycocotools import mask as mask_utils
    return [mask_utils.encode(np.asfortranarray(m.astype(np.uint8))) for m in masks]


def rle_ious(reference, ours):
    from pycocotools import mask as mask_utils
    if not reference or not ours:
        return lambda i, j: 0.0
    matrix = np.asarray(mask_utils.iou(reference, ours, [0] * len(ours)))
    # pycocotools gives 0 for two empty masks; they are equal (a box whose 28x28 mask stays below 0.5).
    empty_ref, empty_ours = mask_utils.area(reference) == 0, mask_utils.area(ours) == 0
    matrix[np.logical_and(empty_ref[:, None], empty_ours[None, :])] = 1.0
    return lambda i, j: matrix[i, j]


def reference_instances(instances):
    boxes = instances.pred_boxes.tensor.numpy().astype(np.float64)
    return boxes, instances.scores.numpy().astype(np.float64), rles(instances.pred_masks.numpy())


def graph_instances(session, tensor, height, width, threshold):
    """ONNX Runtime on detectron2's tensor, then detectron2's own detector_postprocess."""
    import torch
    from detectron2.modeling.postprocessing import detector_postprocess
    from detectron2.structures import Boxes, Instances

    boxes, classes, masks, scores, _ = session.run(None, {"image": tensor.numpy()})
    keep = scores > threshold
    result = Instances(tuple(tensor.shape[1:]), pred_boxes=Boxes(torch.as_tensor(boxes[keep])),
                       scores=torch.as_tensor(scores[keep]), pred_classes=torch.as_tensor(classes[keep]),
                       pred_masks=torch.as_tensor(masks[keep]))
    return reference_instances(detector_postprocess(result, height, width))


def java_instances(folder, name, threshold):
    with open(os.path.join(folder, f"{name}.t{threshold}.json")) as f:
        found = json.load(f)
    h, w = found["height"], found["width"]
    boxes = np.array([i["box"] for i in found["instances"]], np.float64).reshape(-1, 4)
    scores = np.array([i["score"] for i in found["instances"]], np.float64)
    masks = [{"size": [h, w], "counts": i["counts"].encode()} for i in found["instances"]]
    return boxes, scores, masks


def java_tensor(folder, name):
    with open(os.path.join(folder, f"{name}.tensor.json")) as f:
        shape = json.load(f)
    data = np.fromfile(os.path.join(folder, f"{name}.tensor.f32"), dtype="<f4")
    return data.reshape(3, shape["height"], shape["width"])


def run_java(args, folder):
    java = os.environ.get("JAVA", "java")
    classpath = os.environ["MLPORTFOLIO_CLASSPATH"]
    program = os.path.join(os.path.dirname(os.path.abspath(__file__)), "JavaDetections.java")
    command = [java, *os.environ.get("JVM_FLAGS", "").split(), "-cp", classpath, program, args.onnx, folder,
               args.thresholds, *args.images]
    subprocess.run(command, check=True)


def record_fixture(folder, name, image_path, pred, seen, thresholds, cutler_dir, weights):
    """The CI fixture of one image: tensor PNG, the PyTorch model's raw outputs, final instances."""
    import torch
    from detectron2.data.detection_utils import read_image

    shutil.copy(image_path, os.path.join(folder, os.path.basename(image_path)))
    bgr = read_image(image_path, format="BGR")
    pred(bgr)
    tensor = seen["image"]
    Image.fromarray(tensor.numpy().transpose(1, 2, 0).astype(np.uint8)).save(os.path.join(folder, f"{name}.tensor.png"))
    with torch.no_grad():
        raw = pred.model.inference([{"image": tensor, "height": bgr.shape[0], "width": bgr.shape[1]}],
                                   do_postprocess=False)[0]
    np.ascontiguousarray(raw.pred_boxes.tensor.numpy(), "<f4").tofile(os.path.join(folder, f"{name}.boxes.f32"))
    np.ascontiguousarray(raw.scores.numpy(), "<f4").tofile(os.path.join(folder, f"{name}.scores.f32"))
    np.ascontiguousarray(raw.pred_masks.numpy()[:, 0], "<f4").tofile(os.path.join(folder, f"{name}.masks.f32"))
    final = {}
    for threshold in thresholds:
        p, _ = predictor(cutler_dir, weights, float(threshold))
        boxes, scores, masks = reference_instances(p(bgr)["instances"])
        final[threshold] = [{"box": b.tolist(), "score": float(s), "counts": m["counts"].decode()}
                            for b, s, m in zip(boxes, scores, masks)]
    return {"name": name, "source": os.path.basename(image_path), "height": bgr.shape[0], "width": bgr.shape[1],
            "tensor_height": int(tensor.shape[1]), "tensor_width": int(tensor.shape[2]),
            "raw_count": int(len(raw)), "instances": final}


def main():
    args = parse_args()
    import onnxruntime as ort
    import torch
    from detectron2.data.detection_utils import read_image

    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    thresholds = args.thresholds.split(",")
    folder = tempfile.mkdtemp(prefix="cutler-parity-")
    run_java(args, folder)
    session = ort.InferenceSession(args.onnx, providers=["CPUExecutionProvider"])
    failed = False
    rows = []
    for threshold in thresholds:
        pred, seen = predictor(args.cutler_dir, args.weights, float(threshold))
        for path in args.images:
            name = os.path.splitext(os.path.basename(path))[0]
            bgr = read_image(path, format="BGR")
            started = time.perf_counter()
            reference = reference_instances(pred(bgr)["instances"])
            ms = (time.perf_counter() - started) * 1000
            tensor = seen["image"]
            ours = java_tensor(folder, name)
            tensor_diff = (float(np.abs(ours - tensor.numpy()).max()) if ours.shape == tuple(tensor.shape)
                           else float("inf"))
            size = f"{bgr.shape[1]}x{bgr.shape[0]}"
            java = java_instances(folder, name, threshold)
            result = compare(reference[0], reference[1], java[0], java[1], TOLERANCES, rle_ious(reference[2], java[2]))
            graph = graph_instances(session, tensor, bgr.shape[0], bgr.shape[1], float(threshold))
            graph_result = compare(reference[0], reference[1], graph[0], graph[1], TOLERANCES,
                                   rle_ious(reference[2], graph[2]))
            post_result = compare(graph[0], graph[1], java[0], java[1], TOLERANCES, rle_ious(graph[2], java[2]))
            rows.append(f"{name:>12} {size:>10} {threshold:>5} java  {result.row()} {tensor_diff:>7.1f} {ms:>8.0f}")
            rows.append(f"{'':>12} {'':>10} {'':>5} graph {graph_result.row()}")
            rows.append(f"{'':>12} {'':>10} {'':>5} post  {post_result.row()}")
            print(*rows[-3:], sep="\n", file=sys.stderr)
            failed |= not result.passes(TOLERANCES) or tensor_diff != 0
    print(f"\n{'image':>12} {'size':>10} {'thr':>5} {'row':<5} {HEADER} {'tensor':>7} {'d2 ms':>8}")
    print("\n".join(rows))
    if args.record_fixtures:
        os.makedirs(args.record_fixtures, exist_ok=True)
        pred, seen = predictor(args.cutler_dir, args.weights, 0.0)
        wanted = {n for n in args.fixture_images.split(",") if n}
        fixtures = [record_fixture(args.record_fixtures, os.path.splitext(os.path.basename(p))[0], p, pred, seen,
                                   thresholds, args.cutler_dir, args.weights)
                    for p in args.images if os.path.basename(p) in wanted]
        import detectron2
        with open(os.path.join(args.record_fixtures, "reference.json"), "w") as f:
            json.dump({"recorded_by": "scripts/reference/parity.py", "weights": os.path.basename(args.weights),
                       "torch": torch.__version__, "detectron2": detectron2.__version__,
                       "pillow": PIL.__version__,
                       "images": fixtures}, f, indent=1)
        print(f"recorded {len(fixtures)} fixtures in {args.record_fixtures}")
    if failed:
        print("FAILED: this project differs from CutLER's predictor past the tolerances "
              f"(boxes {TOLERANCES.box_px} px, scores {TOLERANCES.score}, mask IoU {TOLERANCES.mask_iou}, "
              "tensor 0)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
