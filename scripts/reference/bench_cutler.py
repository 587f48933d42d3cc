#!/usr/bin/env python3
"""The Python rows of scripts/reference/bench_cutler.sh: per-image latency of CutLER's own
predictor (detectron2, eager PyTorch, the whole __call__ from the decoded image) and of ONNX
Runtime's bare session.run on detectron2's input tensor, under a few session options.
Medians over RUNS after one warm-up, THREADS intra-op threads (2 = this machine's cores).

Usage: .venv-reference/bin/python scripts/reference/bench_cutler.py CUTLER_DIR WEIGHTS.pth MODEL.onnx IMAGE...
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

RUNS = int(os.environ.get("RUNS", "7"))
THREADS = int(os.environ.get("THREADS", "2"))


def median_ms(fn):
    fn()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    cutler_dir, weights, onnx_path, images = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    import onnxruntime as ort
    import torch
    from detectron2.data.detection_utils import read_image
    from parity import predictor

    torch.set_num_threads(THREADS)
    pred, seen = predictor(cutler_dir, weights, 0.35)
    variants = {
        "ort default (ALL, arena on)": {},
        "ort EXTENDED": {"level": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED},
        "ort BASIC": {"level": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC},
        "ort no arena, no mem pattern": {"arena": False},
        "ort 1 thread": {"threads": 1},
    }
    sessions = {}
    for label, v in variants.items():
        so = ort.SessionOptions()
        so.graph_optimization_level = v.get("level", ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
        so.intra_op_num_threads = v.get("threads", THREADS)
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if v.get("arena", True) is False:
            so.enable_cpu_mem_arena = False
            so.enable_mem_pattern = False
        sessions[label] = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    print(f"torch {torch.__version__}, onnxruntime {ort.__version__}, {THREADS} threads, median of {RUNS}")
    for path in images:
        bgr = read_image(path, format="BGR")
        d2 = median_ms(lambda: pred(bgr))
        tensor = seen["image"].numpy()
        print(f"{os.path.basename(path)} ({bgr.shape[1]}x{bgr.shape[0]}, tensor {tensor.shape[2]}x{tensor.shape[1]}): "
              f"detectron2 eager predictor {d2:.0f} ms")
        for label, session in sessions.items():
            ms = median_ms(lambda: session.run(None, {"image": tensor}))
            print(f"  {label:<30} session.run {ms:.0f} ms")


if __name__ == "__main__":
    main()
