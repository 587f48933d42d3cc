#!/usr/bin/env python3
"""llama.cpp's side of scripts/bench_llm.sh: the same rendered prompt, the same threads.

    bench_llama_cpp.py MODEL.gguf PROMPT.txt [--runs 5] [--threads 2]

Prints one JSON line: prompt tokens/s (cold), time to first token, generation tokens/s over 64
greedy tokens, peak RSS of this process.
"""
import argparse
import json
import os
import resource
import statistics
import time

import llama_cpp
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("gguf")
ap.add_argument("prompt")
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--threads", type=int, default=2)
args = ap.parse_args()
llm = llama_cpp.Llama(model_path=args.gguf, n_ctx=2048, n_threads=args.threads, n_threads_batch=args.threads,
                      n_batch=512, verbose=False)
ids = llm.tokenize(open(args.prompt, encoding="utf-8").read().encode(), add_bos=False, special=True)
ttft, prefill, gen = [], [], []
for run in range(args.runs + 1):
    llm.reset()
    t0 = time.perf_counter()
    llm.eval(ids)
    nxt = int(np.argmax(llm.scores[llm.n_tokens - 1]))
    t1 = time.perf_counter()
    for _ in range(63):
        llm.eval([nxt])
        nxt = int(np.argmax(llm.scores[llm.n_tokens - 1]))
    t2 = time.perf_counter()
    if run > 0:  # the first run warms up
        ttft.append((t1 - t0) * 1000)
        prefill.append(len(ids) / (t1 - t0))
        gen.append(63 / (t2 - t1))
print(json.dumps({"model": "llama.cpp " + os.path.basename(args.gguf), "prompt_tokens": len(ids),
                  "prompt_tok_s": round(statistics.median(prefill), 1), "ttft_cold_ms": round(statistics.median(ttft)),
                  "gen_tok_s": round(statistics.median(gen), 1),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
