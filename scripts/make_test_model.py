#!/usr/bin/env python3
"""Builds models/test-cutler-colors.onnx: a tiny ONNX graph with exactly CutLER's input and outputs
(names, ranks, dtypes; see models/README.md) whose detections are computed from the pixels.

It finds up to seven "objects": the regions of the image whose set of saturated channels is one of
the seven non-empty subsets of {R, G, B} (red, green, blue, yellow, magenta, cyan, white), a
channel counting as on above 127.5. For each colour present it outputs:

  pred_boxes   [N,4] float32  x0, y0, x1, y1 of the region in input-tensor pixels (x1, y1 exclusive)
  pred_classes [N]   int64    0, as CutLER's single class "fg"
  pred_masks   [N,1,28,28]    the region's mask resampled into its box by RoiAlign (opset 16,
                              half_pixel, adaptive sampling: the geometry of Mask R-CNN's mask head)
  scores       [N]   float32  mean of the brightest channel over the region / 255, sorted descending
  image_size   [2]   int64    (H, W) of the input tensor

So a bright red rectangle comes back as one instance with score 1.0, a dim one (R=150) with 0.59,
and a black image yields N=0: enough to test the whole Java geometry (resize, box scaling, mask
pasting, thresholds, EXIF orientation, empty results) without CutLER's weights.

Usage: .venv/bin/python scripts/make_test_model.py [output.onnx]   (scripts/make_test_model.sh sets up .venv)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 18
IR_VERSION = 8  # ONNX Runtime 1.23 (the Java build the project uses) reads IR versions up to 11
THRESHOLD = 127.5
BIG = 1.0e9


def const(name, array):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(array), name))


def build():
    nodes = [
        const("thr", np.array(THRESHOLD, dtype=np.float32)),
        const("weights", np.array([1, 2, 4], dtype=np.float32).reshape(3, 1, 1)),
        const("codes", np.arange(1, 8, dtype=np.float32).reshape(7, 1, 1)),
        const("ax0", np.array([0], dtype=np.int64)),
        const("ax1", np.array([1], dtype=np.int64)),
        const("ax2", np.array([2], dtype=np.int64)),
        const("ax12", np.array([1, 2], dtype=np.int64)),
        const("one", np.array(1.0, dtype=np.float32)),
        const("zero", np.array(0.0, dtype=np.float32)),
        const("fzero", np.array(0.0, dtype=np.float32)),
        const("big", np.array(BIG, dtype=np.float32)),
        const("negbig", np.array(-BIG, dtype=np.float32)),
        const("inv255", np.array(1.0 / 255.0, dtype=np.float32)),
        const("start1", np.array([1], dtype=np.int64)),
        const("end3", np.array([3], dtype=np.int64)),
        const("i0", np.array(0, dtype=np.int64)),

        # Which channels are on, as a colour code 1..7 per pixel (0 = none).
        helper.make_node("Greater", ["image", "thr"], ["on"]),
        helper.make_node("Cast", ["on"], ["onf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["onf", "weights"], ["weighted"]),
        helper.make_node("ReduceSum", ["weighted", "ax0"], ["code"], keepdims=0),          # [H,W]
        helper.make_node("Unsqueeze", ["code", "ax0"], ["code1"]),                           # [1,H,W]
        helper.make_node("Equal", ["code1", "codes"], ["is_obj"]),                           # [7,H,W]
        helper.make_node("Cast", ["is_obj"], ["masks"], to=TensorProto.FLOAT),

        # Area and score per colour.
        helper.make_node("ReduceSum", ["masks", "ax12"], ["count"], keepdims=0),             # [7]
        helper.make_node("ReduceMax", ["image", "ax0"], ["maxch"], keepdims=0),              # [H,W]
        helper.make_node("Mul", ["masks", "maxch"], ["bright"]),
        helper.make_node("ReduceSum", ["bright", "ax12"], ["bright_sum"], keepdims=0),
        helper.make_node("Max", ["count", "one"], ["count1"]),
        helper.make_node("Div", ["bright_sum", "count1"], ["mean_bright"]),
        helper.make_node("Mul", ["mean_bright", "inv255"], ["score_raw"]),
        # A float32 sum over a million pixels drifts (1.0007 for an all-red 1333x800 tensor);
        # CutLER's scores are probabilities, so keep these in [0, 1] too.
        helper.make_node("Min", ["score_raw", "one"], ["score_all"]),

        # Boxes: first and one-past-last column and row holding the colour.
        helper.make_node("Shape", ["image"], ["shape"]),
        helper.make_node("Slice", ["shape", "start1", "end3"], ["image_size"]),             # [H,W] int64
        helper.make_node("Gather", ["shape", "ax1"], ["h1"]),
        helper.make_node("Gather", ["shape", "ax2"], ["w1"]),
        helper.make_node("Squeeze", ["h1"], ["h"]),
        helper.make_node("Squeeze", ["w1"], ["w"]),
        helper.make_node("Cast", ["h"], ["hf"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["w"], ["wf"], to=TensorProto.FLOAT),
        helper.make_node("Range", ["fzero", "wf", "one"], ["xs"]),                           # [W]
        helper.make_node("Range", ["fzero", "hf", "one"], ["ys"]),                           # [H]
        helper.make_node("Add", ["xs", "one"], ["xs_end"]),
        helper.make_node("Add", ["ys", "one"], ["ys_end"]),
        helper.make_node("ReduceMax", ["masks", "ax1"], ["col_any"], keepdims=0),            # [7,W]
        helper.make_node("ReduceMax", ["masks", "ax2"], ["row_any"], keepdims=0),            # [7,H]
        helper.make_node("Greater", ["col_any", "zero"], ["col_on"]),
        helper.make_node("Greater", ["row_any", "zero"], ["row_on"]),
        helper.make_node("Where", ["col_on", "xs", "big"], ["x0c"]),
        helper.make_node("Where", ["col_on", "xs_end", "negbig"], ["x1c"]),
        helper.make_node("Where", ["row_on", "ys", "big"], ["y0c"]),
        helper.make_node("Where", ["row_on", "ys_end", "negbig"], ["y1c"]),
        helper.make_node("ReduceMin", ["x0c", "ax1"], ["x0"], keepdims=1),                   # [7,1]
        helper.make_node("ReduceMax", ["x1c", "ax1"], ["x1"], keepdims=1),
        helper.make_node("ReduceMin", ["y0c", "ax1"], ["y0"], keepdims=1),
        helper.make_node("ReduceMax", ["y1c", "ax1"], ["y1"], keepdims=1),
        helper.make_node("Concat", ["x0", "y0", "x1", "y1"], ["boxes_all"], axis=1),         # [7,4]

        # Keep the colours present, highest score first.
        helper.make_node("Greater", ["count", "zero"], ["present"]),
        helper.make_node("NonZero", ["present"], ["nz"]),                                     # [1,N]
        helper.make_node("Squeeze", ["nz", "ax0"], ["kept"]),                                 # [N]
        helper.make_node("Gather", ["score_all", "kept"], ["kept_scores"]),
        helper.make_node("Shape", ["kept"], ["n"]),                                           # [1]
        helper.make_node("TopK", ["kept_scores", "n"], ["scores", "rank"], axis=0, largest=1, sorted=1),
        helper.make_node("Gather", ["kept", "rank"], ["order"]),                              # [N] int64
        helper.make_node("Gather", ["boxes_all", "order"], ["pred_boxes"], axis=0),           # [N,4]
        helper.make_node("Mul", ["order", "i0"], ["pred_classes"]),                           # [N] zeros

        # 28x28 masks inside each box, as Mask R-CNN's mask head samples them.
        helper.make_node("Unsqueeze", ["masks", "ax1"], ["masks4"]),                          # [7,1,H,W]
        helper.make_node("RoiAlign", ["masks4", "pred_boxes", "order"], ["pred_masks"],
                         mode="avg", output_height=28, output_width=28, sampling_ratio=0,
                         spatial_scale=1.0, coordinate_transformation_mode="half_pixel"),
    ]
    graph = helper.make_graph(
        nodes,
        "cutler_test_colors",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [3, "H", "W"])],
        [
            helper.make_tensor_value_info("pred_boxes", TensorProto.FLOAT, ["N", 4]),
            helper.make_tensor_value_info("pred_classes", TensorProto.INT64, ["N"]),
            helper.make_tensor_value_info("pred_masks", TensorProto.FLOAT, ["N", 1, 28, 28]),
            helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["N"]),
            helper.make_tensor_value_info("image_size", TensorProto.INT64, [2]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="mlportfolio scripts/make_test_model.py")
    model.ir_version = IR_VERSION
    model.doc_string = ("Test stand-in for CutLER with the same I/O: detects solid colour regions. "
                        "Not a trained model.")
    onnx.checker.check_model(model, full_check=True)
    return model


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "models/test-cutler-colors.onnx"
    onnx.save(build(), out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
