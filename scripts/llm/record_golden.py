#!/usr/bin/env python3
"""Records reference tokens from llama.cpp for the golden-token tests.

    record_golden.py MODEL.gguf PROMPTS.json OUT.json [--max-new 48]

PROMPTS.json is a list of {"name", "prompt"} where "prompt" is the whole text the model sees
(chat template already applied). For each, OUT.json gets llama.cpp's token ids for the prompt
(special tokens parsed, no BOS added: SmolLM2's GGUF says add_bos_token=false) and the ids of
greedy decoding (argmax of the logits at each step, no sampler, no penalties) up to the end token
or --max-new tokens. Needs llama-cpp-python (scripts/requirements-llama-cpp.txt), which builds
llama.cpp from source; the tests only read OUT.json.
"""
import argparse
import json
import os

import llama_cpp
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gguf_file")
    ap.add_argument("prompts")
    ap.add_argument("out")
    ap.add_argument("--max-new", type=int, default=48)
    args = ap.parse_args()
    threads = int(os.environ.get("THREADS", "2"))
    llm = llama_cpp.Llama(model_path=args.gguf_file, n_ctx=2048, n_threads=threads, n_threads_batch=threads,
                          logits_all=True, verbose=False, seed=0)
    eos = llm.token_eos()
    cases = []
    for case in json.load(open(args.prompts, encoding="utf-8")):
        ids = llm.tokenize(case["prompt"].encode("utf-8"), add_bos=False, special=True)
        llm.reset()
        llm.eval(ids)
        out = []
        margins = []
        for _ in range(args.max_new):
            logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float64)
            top2 = np.sort(logits)[-2:]
            nxt = int(np.argmax(logits))
            out.append(nxt)
            margins.append(float(top2[1] - top2[0]))
            if nxt == eos:
                break
            llm.eval([nxt])
        text = llm.detokenize([t for t in out if t != eos]).decode("utf-8", errors="replace")
        extra = {k: case[k] for k in ("question", "excerpts") if k in case}
        cases.append({"name": case["name"], **extra, "prompt": case["prompt"], "prompt_ids": list(map(int, ids)),
                      "output_ids": out, "output_text": text,
                      "min_logit_margin": round(min(margins), 4)})
        print(f"{case['name']}: {len(ids)} prompt tokens, {len(out)} output tokens, "
              f"smallest top-2 logit margin {min(margins):.3f}: {text!r}")
    meta = {"source": os.path.basename(args.gguf_file), "llama_cpp_python": llama_cpp.__version__,
            "command": "scripts/llm/record_golden.sh", "decoding": "greedy argmax, no penalties"}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"reference": meta, "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
