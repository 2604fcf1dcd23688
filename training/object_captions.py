"""Captions that name the colors of detected objects ("a red car"), so the text path learns object colors.

  /usr/bin/python3 training/object_captions.py          # after cache_semantic_ort.mjs --encoder … wrote .det

Reads the objects the feature cache kept for each training photo (`<features>/<split>-<n>.det`: COCO label
index, score and box of up to 8 detections on the photo's 128 px center square, see cache_semantic_ort.mjs),
names the dominant color of each box's central half from the photo's own pixels (the lexicon's ColorNamer,
as prepare.py names whole photos), and writes `<shards>/objects-<split>.json`: for each photo row a list of
captions such as "a red car" or "a person in blue" and, with two objects or more, "red car, person in blue". data.PhotoSet reads it
and sample_caption draws from it like from the other caption pools. Words the tokenizer does not know
(e.g. "giraffe", which no caption of the collection has) would become [UNK]: such objects are left out.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from colors import ColorNamer, srgb_to_lab  # noqa: E402
from detector import COCO_LABELS  # noqa: E402
from tokenizer import words  # noqa: E402

DET_K, DET_FIELDS = 8, 6
MAX_OBJECTS = 3


def read_detections(path: str, n: int) -> np.ndarray:
    det = np.fromfile(path, dtype=np.float32)
    if det.size != n * DET_K * DET_FIELDS:
        raise SystemExit(f"{path}: {det.size // (DET_K * DET_FIELDS)} rows, expected {n} (is the cache complete?)")
    return det.reshape(n, DET_K, DET_FIELDS)


def object_captions(rgb: np.ndarray, rows: np.ndarray, namer: ColorNamer, vocab, min_score: float) -> list:
    """Captions of one photo (uint8 [S,S,3]) from its detection rows [K, 6]."""
    s = rgb.shape[0]
    named = []
    for label, score, x0, y0, x1, y1 in rows:
        if label < 0 or score < min_score or len(named) >= MAX_OBJECTS:
            continue
        noun = COCO_LABELS[int(label)]
        if any(w not in vocab for w in words(noun)):
            continue
        # The central half of the box: a detector's box also holds background at its edges.
        cx, cy, w, h = (x0 + x1) / 2 * s, (y0 + y1) / 2 * s, (x1 - x0) * s / 2, (y1 - y0) * s / 2
        r0, r1 = int(max(0, cy - h / 2)), int(min(s, cy + h / 2 + 1))
        c0, c1 = int(max(0, cx - w / 2)), int(min(s, cx + w / 2 + 1))
        if r1 - r0 < 2 or c1 - c0 < 2:
            continue
        top = namer.dominant(srgb_to_lab(rgb[r0:r1, c0:c1]), top=1, min_share=0.3)
        if top and all(w in vocab for w in words(top[0][0])):
            named.append((top[0][0], noun))
    caps = ["a " + phrase(c, n) for c, n in named]
    if len(named) >= 2:
        caps.append(", ".join(phrase(c, n) for c, n in named))
    return caps


def phrase(color: str, noun: str) -> str:
    # A person's box centre is mostly clothing: "person in red", never a color word put on the person.
    return f"person in {color}" if noun == "person" else f"{color} {noun}"



def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shards", default=os.path.join(HERE, "shards"))
    ap.add_argument("--features", default=os.path.join(HERE, "features"))
    ap.add_argument("--split", default="train")
    ap.add_argument("--min-score", type=float, default=0.35)
    a = ap.parse_args(argv)
    from data import PhotoSet
    photos = PhotoSet(a.shards, a.split, 128)
    n = len(photos)
    det = read_detections(os.path.join(a.features, f"{a.split}-{n}.det"), n)
    with open(os.path.join(a.shards, "tokenizer.json")) as f:
        vocab = json.load(f)["model"]["vocab"]
    namer = ColorNamer()
    captions, nouns = [], Counter()
    for i in range(n):
        caps = object_captions(np.asarray(photos.images[i]), det[i], namer, vocab, a.min_score)
        captions.append(caps)
        nouns.update(COCO_LABELS[int(r[0])] for r in det[i] if r[0] >= 0 and r[1] >= a.min_score)
    out = os.path.join(a.shards, f"objects-{a.split}.json")
    with open(out + ".tmp", "w") as f:
        json.dump({"photos": n, "minScore": a.min_score, "captions": captions}, f)
    os.replace(out + ".tmp", out)
    with_caps = sum(1 for c in captions if c)
    print(f"{out}: {with_caps} of {n} photos have object captions ({sum(len(c) for c in captions)} in all); "
          f"most named: {', '.join(f'{k} {v}' for k, v in nouns.most_common(8))}")


if __name__ == "__main__":
    main()
