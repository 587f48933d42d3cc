"""Variants of models/test-cutler-colors.onnx for the model loader's tests (OnnxCutlerModelTest).

Each changes one thing the loader checks or relies on:
  outputs-unnamed.onnx   outputs renamed to numbers, in detectron2's order (its stock export names none)
  outputs-reordered.onnx the five named outputs listed in another order (they are found by name)
  outputs-four.onnx      image_size dropped and the rest renamed: neither by name nor by position
  inputs-two.onnx        a second, unused graph input
  input-rank4.onnx       the image input declared [1, 3, H, W]

    .venv/bin/python scripts/make_test_model_variants.py models/test-cutler-colors.onnx models/test-variants
"""
import copy
import os
import sys

import numpy
import onnx
import onnx.numpy_helper
from onnx import TensorProto, helper


def rename_outputs(model, names):
    graph = model.graph
    renames = {out.name: new for out, new in zip(graph.output, names)}
    for node in graph.node:
        for i, name in enumerate(node.output):
            node.output[i] = renames.get(name, name)
        for i, name in enumerate(node.input):
            node.input[i] = renames.get(name, name)
    for out in graph.output:
        out.name = renames.get(out.name, out.name)


def main(source, folder):
    os.makedirs(folder, exist_ok=True)
    base = onnx.load(source)

    unnamed = copy.deepcopy(base)
    rename_outputs(unnamed, ["2401", "2402", "2403", "2404", "2405"])
    onnx.save(unnamed, os.path.join(folder, "outputs-unnamed.onnx"))

    reordered = copy.deepcopy(base)
    outputs = list(reordered.graph.output)
    del reordered.graph.output[:]
    reordered.graph.output.extend([outputs[3], outputs[2], outputs[4], outputs[0], outputs[1]])
    onnx.save(reordered, os.path.join(folder, "outputs-reordered.onnx"))

    four = copy.deepcopy(base)
    del four.graph.output[4]
    rename_outputs(four, ["a", "b", "c", "d"])
    onnx.save(four, os.path.join(folder, "outputs-four.onnx"))

    two = copy.deepcopy(base)
    two.graph.input.append(helper.make_tensor_value_info("extra", TensorProto.FLOAT, [1]))
    onnx.save(two, os.path.join(folder, "inputs-two.onnx"))

    # [1, 3, H, W] squeezed to the [3, H, W] the rest of the graph takes, so ONNX Runtime accepts it.
    rank4 = copy.deepcopy(base)
    for node in rank4.graph.node:
        for i, name in enumerate(node.input):
            if name == "image":
                node.input[i] = "image_chw"
    rank4.graph.initializer.append(onnx.numpy_helper.from_array(numpy.array([0], dtype=numpy.int64), "batch_axis"))
    rank4.graph.node.insert(0, helper.make_node("Squeeze", ["image", "batch_axis"], ["image_chw"]))
    dims = rank4.graph.input[0].type.tensor_type.shape.dim
    dims.insert(0, onnx.TensorShapeProto.Dimension(dim_value=1))
    onnx.save(rank4, os.path.join(folder, "input-rank4.onnx"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
