#!/usr/bin/env python3
"""Checks a converted folder's tokenizer.json against llama.cpp's ids for the golden prompts.

    check_tokenizer.py MODEL_DIR GOLDEN.json

Exits 1 naming the first prompt whose ids differ: a wrong pre-tokenizer, merge list or special
token table fails here, before any Java test runs.
"""
import json
import sys

from tokenizers import Tokenizer

tok = Tokenizer.from_file(f"{sys.argv[1]}/tokenizer.json")
golden = json.load(open(sys.argv[2], encoding="utf-8"))
for case in golden["cases"]:
    ids = tok.encode(case["prompt"], add_special_tokens=False).ids
    if ids != case["prompt_ids"]:
        first = next((i for i, (a, b) in enumerate(zip(ids, case["prompt_ids"])) if a != b), min(len(ids), len(case["prompt_ids"])))
        sys.exit(f"check_tokenizer.py: {case['name']}: token {first} differs from llama.cpp "
                 f"({ids[first:first + 5]} vs {case['prompt_ids'][first:first + 5]})")
    out = tok.decode(case["output_ids"], skip_special_tokens=True)
    if out.strip() != case["output_text"].strip():
        sys.exit(f"check_tokenizer.py: {case['name']}: decoding differs from llama.cpp: {out!r}")
print(f"check_tokenizer.py: {len(golden['cases'])} prompts tokenize and decode as in llama.cpp")
