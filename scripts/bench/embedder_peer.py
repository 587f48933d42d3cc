"""ONNX Runtime in Python on the same MiniLM file, for scripts/bench_embedder.sh: one 14-token
question, p50 and p99 of 300 runs after 50, at 1 and 2 intra-op threads and at the default
(every core, spinning on)."""
import sys
import time

import numpy as np
import onnxruntime as ort

model = sys.argv[1]
for threads in (1, 2, 0):
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    ids = np.full((1, 14), 2000, dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
    for _ in range(50):
        session.run(None, feed)
    times = []
    for _ in range(300):
        start = time.perf_counter()
        session.run(None, feed)
        times.append(time.perf_counter() - start)
    times.sort()
    label = f"intra-op threads {threads}" if threads else "defaults"
    print(f"Python onnxruntime {ort.__version__}, {label}: one question p50 {times[150] * 1e3:.2f} ms, "
          f"p99 {times[297] * 1e3:.2f} ms")
