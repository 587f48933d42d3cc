"""The peer of scripts/bench_peer.sh: this service as a Python user would write it, with the usual
libraries (FastAPI on uvicorn with uvloop and httptools, onnxruntime, Pillow, NumPy, pycocotools,
rank_bm25, Hugging Face tokenizers, prometheus-fastapi-instrumentator).

It does the same work as the Java server's routes it is compared on:
  GET  /health/live, /health/ready   a small JSON body
  POST /process-image                a raw JPEG body; PIL decode with EXIF, detectron2's
                                     ResizeShortestEdge with PIL's bilinear filter, RGB CHW float32,
                                     ONNX Runtime, scores above the threshold best first (at most
                                     100), boxes scaled and clipped, each 28x28 mask pasted into its
                                     box with grid_sample geometry (bilinear, zero padding, >= 0.5),
                                     COCO RLE by pycocotools; answered as JSON (no overlay picture)
  POST /rag/query                    {"query": ...}: BM25 (rank_bm25) and all-MiniLM-L6-v2 cosine
                                     over the resume's chunks (bullets and paragraphs, with their
                                     section), scores min-max normalised and added; the best chunk
                                     is the answer, the top_k are the sources
  GET  /metrics                      Prometheus text, by the instrumentator
Everything loads before uvicorn takes connections (FastAPI's lifespan), so ready means ready.

Settings: PEER_MODEL_PATH (CutLER ONNX file), PEER_MINILM_DIR (model.onnx and tokenizer.json),
PEER_RESUME (markdown), PEER_THRESHOLD (0.35).
"""
import io
import os
import re
import time
from contextlib import asynccontextmanager
from datetime import datetime, timezone

import numpy as np
import onnxruntime as ort
from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from PIL import Image, ImageOps
from prometheus_fastapi_instrumentator import Instrumentator
from pycocotools import mask as mask_utils
from pydantic import BaseModel, Field
from rank_bm25 import BM25Okapi
from tokenizers import Tokenizer

SHORT_SIDE, MAX_LONG_SIDE, MAX_DETECTIONS = 800, 1333, 100
state = {}


# ---- detection ---------------------------------------------------------------------------------

def resize_plan(w, h):
    scale = SHORT_SIDE / min(h, w)
    new_h, new_w = (SHORT_SIDE, scale * w) if h < w else (scale * h, SHORT_SIDE)
    if max(new_h, new_w) > MAX_LONG_SIDE:
        cap = MAX_LONG_SIDE / max(new_h, new_w)
        new_h, new_w = new_h * cap, new_w * cap
    return max(1, int(new_w + 0.5)), max(1, int(new_h + 0.5))


def interpolation(start, count, box_start, box_end, size):
    """Rows: image pixels start..start+count; columns: the mask's cells; grid_sample(align_corners=False)."""
    u = (np.arange(start, start + count) + 0.5 - box_start) * (size / (box_end - box_start)) - 0.5
    low = np.floor(u).astype(np.int64)
    weight = (u - low).astype(np.float32)
    matrix = np.zeros((count, size + 1), np.float32)        # column `size`: the zero padding
    rows = np.arange(count)
    np.add.at(matrix, (rows, np.where((low >= 0) & (low < size), low, size)), 1 - weight)
    np.add.at(matrix, (rows, np.where((low + 1 >= 0) & (low + 1 < size), low + 1, size)), weight)
    return matrix[:, :size]


def paste(probabilities, box, width, height):
    size = probabilities.shape[-1]
    x0, y0, x1, y1 = box
    left, right = np.clip([int(np.floor(x0)) - 1, int(np.ceil(x1)) + 1], 0, width)
    top, bottom = np.clip([int(np.floor(y0)) - 1, int(np.ceil(y1)) + 1], 0, height)
    full = np.zeros((height, width), np.uint8, order="F")
    if right > left and bottom > top:
        ay = interpolation(top, bottom - top, y0, y1, size)
        ax = interpolation(left, right - left, x0, x1, size)
        full[top:bottom, left:right] = (ay @ probabilities @ ax.T) >= 0.5
    return full


def detect(data, threshold):
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    width, height = image.size
    new_w, new_h = resize_plan(width, height)
    resized = image if (new_w, new_h) == (width, height) else image.resize((new_w, new_h), Image.BILINEAR)
    tensor = np.ascontiguousarray(np.asarray(resized, dtype=np.float32).transpose(2, 0, 1))
    session = state["detector"]
    outputs = dict(zip(state["detector_outputs"], session.run(state["detector_outputs"], {state["detector_input"]: tensor})))
    scores = outputs["scores"].reshape(-1)
    boxes = outputs["pred_boxes"].reshape(-1, 4)
    masks = outputs["pred_masks"]
    masks = masks.reshape(masks.shape[0], masks.shape[-2], masks.shape[-1])
    order = [i for i in np.argsort(-scores, kind="stable") if scores[i] > threshold][:MAX_DETECTIONS]
    scale = np.array([width / new_w, height / new_h, width / new_w, height / new_h], np.float32)
    instances = []
    for i in order:
        box = np.clip(boxes[i] * scale, 0, [width, height, width, height])
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        rle = mask_utils.encode(paste(masks[i], box, width, height))
        instances.append({"box": [float(v) for v in box], "score": float(scores[i]),
                          "area": int(mask_utils.area(rle)),
                          "mask": {"size": [int(s) for s in rle["size"]], "counts": rle["counts"].decode("ascii")}})
    return width, height, instances


# ---- retrieval ---------------------------------------------------------------------------------

def chunks_of(markdown):
    """Each bullet (with its continuation lines) and each paragraph, under its ## section."""
    chunks, section, entry, current = [], "", "", []

    def flush():
        if current:
            text = " ".join(current)
            chunks.append({"section": section, "text": f"{entry} {text}".strip() if entry else text})
            current.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        if line.startswith("## "):
            flush(); section, entry = stripped[3:], ""
        elif line.startswith("### "):
            flush(); entry = stripped[4:]
        elif line.startswith("# ") or stripped.startswith(">"):
            flush()
        elif not stripped:
            flush()
        elif stripped.startswith("- "):
            flush(); current.append(stripped[2:])
        else:
            current.append(stripped)
    flush()
    return chunks


def words(text):
    return re.findall(r"\w+", text.lower())


def embed(texts):
    tokenizer, session = state["tokenizer"], state["embedder"]
    encodings = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in encodings], np.int64)
    mask = np.array([e.attention_mask for e in encodings], np.int64)
    hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
    pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def normalised(scores):
    low, high = scores.min(), scores.max()
    return np.zeros_like(scores) if high == low else (scores - low) / (high - low)


def retrieve(query, top_k):
    lexical = normalised(np.asarray(state["bm25"].get_scores(words(query)), np.float32))
    semantic = normalised(state["chunk_vectors"] @ embed([query])[0])
    combined = lexical + semantic
    best = np.argsort(-combined, kind="stable")[:top_k]
    return [(state["chunks"][i], float(combined[i])) for i in best]


# ---- the app -----------------------------------------------------------------------------------

@asynccontextmanager
async def lifespan(_):
    detector = ort.InferenceSession(os.environ["PEER_MODEL_PATH"], providers=["CPUExecutionProvider"])
    state["detector"] = detector
    state["detector_input"] = detector.get_inputs()[0].name
    state["detector_outputs"] = [o.name for o in detector.get_outputs()]
    minilm = os.environ["PEER_MINILM_DIR"]
    tokenizer = Tokenizer.from_file(os.path.join(minilm, "tokenizer.json"))
    tokenizer.enable_truncation(512)
    tokenizer.enable_padding()
    state["tokenizer"] = tokenizer
    state["embedder"] = ort.InferenceSession(os.path.join(minilm, "model.onnx"), providers=["CPUExecutionProvider"])
    with open(os.environ["PEER_RESUME"], encoding="utf-8") as f:
        chunks = chunks_of(f.read())
    state["chunks"] = chunks
    texts = [f"{c['section']}: {c['text']}" for c in chunks]
    state["bm25"] = BM25Okapi([words(t) for t in texts])
    state["chunk_vectors"] = embed(texts)
    state["queries"] = 0
    yield


app = FastAPI(lifespan=lifespan)
Instrumentator().instrument(app).expose(app)


@app.get("/health/live")
def live():
    return {"status": "alive", "timestamp": datetime.now(timezone.utc).isoformat()}


@app.get("/health/ready")
def ready():
    return {"status": "ready", "timestamp": datetime.now(timezone.utc).isoformat()}


@app.post("/process-image")
async def process_image(request: Request, return_image: bool = True):
    started = time.perf_counter()
    data = await request.body()
    if not data:
        raise HTTPException(400, "empty body")
    threshold = float(os.environ.get("PEER_THRESHOLD", "0.35"))
    width, height, instances = await run_in_threadpool(detect, data, threshold)
    return {"success": True, "num_instances": len(instances), "processing_time": time.perf_counter() - started,
            "width": width, "height": height, "instances": instances, "threshold": threshold}


class RagQuery(BaseModel):
    query: str = Field(min_length=1, max_length=1000)
    include_metadata: bool = False
    top_k: int = Field(default=5, ge=1, le=20)


@app.post("/rag/query")
def rag_query(body: RagQuery):
    started = time.perf_counter()
    found = retrieve(body.query, body.top_k)
    state["queries"] += 1
    result = {"success": True, "response": found[0][0]["text"], "error": None,
              "processing_time": time.perf_counter() - started, "query": body.query,
              "sources": [{"section": c["section"], "text": c["text"], "score": s} for c, s in found]}
    if body.include_metadata:
        result["metadata"] = {"total_queries": state["queries"], "mode": "extractive", "model": "all-MiniLM-L6-v2"}
    return result
