#!/usr/bin/env python3
"""Converts a Llama-architecture GGUF file into a Hugging Face folder that Jlama loads.

    convert_gguf.py MODEL.gguf OUT_DIR [--dtype f32|f16|bf16]

Writes config.json, tokenizer.json, tokenizer_config.json, generation_config.json,
model.safetensors and a README.md (Jlama's quantizer refuses folders without one). No torch:
the tensors are dequantized with the `gguf` package and written with safetensors' numpy API,
the tokenizer is rebuilt with Hugging Face `tokenizers` from the GGUF's own vocabulary and merges.

What the conversion must undo, each checked by scripts/llm/check_model.py against llama.cpp:
- GGUF lists shapes as (in, out); the arrays the reader returns are already (out, in), which is
  Hugging Face's layout, and that is asserted per tensor from the config.
- llama.cpp stores attn_q and attn_k permuted for its rotary layout (pairs interleaved per head);
  Hugging Face keeps the two halves of each head apart. `unpermute` reverses it, with the KV
  head count for K.
- Tied embeddings: SmolLM2 has no output.weight; no lm_head is written and
  tie_word_embeddings is true.
- tokenizer_config.json gets no "legacy" key: Jlama reads it as its byte-level switch.
"""
import argparse
import json
import pathlib
import sys

import gguf
import numpy as np
from safetensors.numpy import save_file
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

NAMES = {
    "attn_norm": "input_layernorm",
    "ffn_norm": "post_attention_layernorm",
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}
CONTROL = 3  # gguf token_type of special tokens


def field(reader, key, default=None):
    f = reader.fields.get(key)
    return default if f is None else f.contents()


def unpermute(w, n_head):
    out, inp = w.shape
    return w.reshape(n_head, out // n_head // 2, 2, inp).swapaxes(1, 2).reshape(out, inp)


def hf_config(reader):
    arch = field(reader, "general.architecture")
    if arch != "llama":
        sys.exit(f"convert_gguf.py: only the llama architecture is supported, this file is {arch!r}")
    p = f"{arch}."
    tensor_names = {t.name for t in reader.tensors}
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": int(field(reader, p + "embedding_length")),
        "intermediate_size": int(field(reader, p + "feed_forward_length")),
        "num_attention_heads": int(field(reader, p + "attention.head_count")),
        "num_key_value_heads": int(field(reader, p + "attention.head_count_kv")),
        "num_hidden_layers": int(field(reader, p + "block_count")),
        "max_position_embeddings": int(field(reader, p + "context_length")),
        "rms_norm_eps": float(np.float32(field(reader, p + "attention.layer_norm_rms_epsilon"))),
        "rope_theta": float(field(reader, p + "rope.freq_base", 10000.0)),
        "vocab_size": len(field(reader, "tokenizer.ggml.tokens")),
        "bos_token_id": int(field(reader, "tokenizer.ggml.bos_token_id")),
        "eos_token_id": int(field(reader, "tokenizer.ggml.eos_token_id")),
        "pad_token_id": int(field(reader, "tokenizer.ggml.padding_token_id", field(reader, "tokenizer.ggml.eos_token_id"))),
        "tie_word_embeddings": "output.weight" not in tensor_names,
        "hidden_act": "silu",
        "attention_bias": False,
        "mlp_bias": False,
        "rope_scaling": None,
        "torch_dtype": "float32",
    }


def tensors(reader, config, dtype):
    heads, kv_heads = config["num_attention_heads"], config["num_key_value_heads"]
    hidden, inter = config["hidden_size"], config["intermediate_size"]
    head_dim = hidden // heads
    expected = {
        "attn_q": (hidden, hidden), "attn_k": (kv_heads * head_dim, hidden), "attn_v": (kv_heads * head_dim, hidden),
        "attn_output": (hidden, hidden), "ffn_gate": (inter, hidden), "ffn_up": (inter, hidden),
        "ffn_down": (hidden, inter), "attn_norm": (hidden,), "ffn_norm": (hidden,),
    }
    out = {}
    for t in reader.tensors:
        w = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        parts = t.name.split(".")
        if t.name == "token_embd.weight":
            name, shape = "model.embed_tokens.weight", (config["vocab_size"], hidden)
        elif t.name == "output_norm.weight":
            name, shape = "model.norm.weight", (hidden,)
        elif t.name == "output.weight":
            name, shape = "lm_head.weight", (config["vocab_size"], hidden)
        elif parts[0] == "blk" and parts[2] in NAMES:
            name, shape = f"model.layers.{parts[1]}.{NAMES[parts[2]]}.weight", expected[parts[2]]
            if parts[2] == "attn_q":
                w = unpermute(w, heads)
            elif parts[2] == "attn_k":
                w = unpermute(w, kv_heads)
        else:
            sys.exit(f"convert_gguf.py: unexpected tensor {t.name}")
        if w.shape != shape:
            sys.exit(f"convert_gguf.py: {t.name} has shape {w.shape}, expected {shape}")
        out[name] = np.ascontiguousarray(w.astype(dtype))
    return out


def tokenizer(reader, config):
    tokens = [str(t) for t in field(reader, "tokenizer.ggml.tokens")]
    types = [int(t) for t in field(reader, "tokenizer.ggml.token_type")]
    merges = [tuple(str(m).split(" ", 1)) for m in field(reader, "tokenizer.ggml.merges")]
    if field(reader, "tokenizer.ggml.model") != "gpt2":
        sys.exit("convert_gguf.py: only byte-level BPE (gpt2) tokenizers are supported")
    vocab = {tok: i for i, tok in enumerate(tokens)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token=None, fuse_unk=False, byte_fallback=False))
    # SmolLM2's own tokenizer: each digit apart, then GPT-2's byte-level split.
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.decoder = decoders.ByteLevel()
    specials = [AddedToken(tokens[i], special=True, normalized=False) for i, t in enumerate(types) if t == CONTROL]
    tok.add_special_tokens(specials)
    return tok, [tokens[i] for i, t in enumerate(types) if t == CONTROL], tokens


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gguf_file")
    ap.add_argument("out_dir")
    ap.add_argument("--dtype", choices=["f32", "f16"], default="f32")
    args = ap.parse_args()
    reader = gguf.GGUFReader(args.gguf_file)
    config = hf_config(reader)
    out = pathlib.Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dtype = np.float32 if args.dtype == "f32" else np.float16
    config["torch_dtype"] = "float32" if args.dtype == "f32" else "float16"

    tok, specials, tokens = tokenizer(reader, config)
    tok.save(str(out / "tokenizer.json"))
    bos, eos = tokens[config["bos_token_id"]], tokens[config["eos_token_id"]]
    tokenizer_config = {
        "tokenizer_class": "GPT2Tokenizer",
        "bos_token": bos,
        "eos_token": eos,
        "pad_token": tokens[config["pad_token_id"]],
        "unk_token": tokens[int(field(reader, "tokenizer.ggml.unknown_token_id", 0))],
        "add_bos_token": bool(field(reader, "tokenizer.ggml.add_bos_token", False)),
        "additional_special_tokens": specials,
        "model_max_length": config["max_position_embeddings"],
        "clean_up_tokenization_spaces": False,
    }
    template = field(reader, "tokenizer.chat_template")
    if template:
        tokenizer_config["chat_template"] = str(template)
    (out / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2, ensure_ascii=False) + "\n")
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (out / "generation_config.json").write_text(json.dumps(
        {"bos_token_id": config["bos_token_id"], "eos_token_id": config["eos_token_id"]}, indent=2) + "\n")

    weights = tensors(reader, config, dtype)
    save_file(weights, str(out / "model.safetensors"), metadata={"format": "pt"})
    name = field(reader, "general.name", out.name)
    (out / "README.md").write_text(
        f"# {out.name}\n\nConverted by mlportfolio's scripts/llm/convert_gguf.py from `{pathlib.Path(args.gguf_file).name}`"
        f" ({name}, licence {field(reader, 'general.license', 'see the source package')}): weights dequantized to"
        f" {args.dtype}, tokenizer rebuilt from the GGUF vocabulary.\n")
    print(f"convert_gguf.py: {len(weights)} tensors, {sum(w.size for w in weights.values()):,} parameters -> {out}")


if __name__ == "__main__":
    main()
