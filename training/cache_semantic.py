"""Cache the frozen semantic encoder's features of the training photos once, so training never reruns it.

  /usr/bin/python3 training/cache_semantic.py --shards training/shards --out training/features

Writes `<out>/semantic_state.pt` (the fitted standardization + PCA basis, see semantic.py) and, per split,
`<out>/<split>-<n>.f16` (float16 [n, channels, 16, 16] memory map, photo i of PhotoSet(split) at row i)
with `<out>/<split>-<n>.done` counting finished rows, so an interrupted run resumes where it stopped.
The photos are the center squares of data.PhotoSet at 128 px, upsampled to the encoder's input size.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data import PhotoSet, resize, to_model_lab  # noqa: E402
from semantic import BACKBONES, SOURCE_SIZE, SemanticEncoder, encoder_for_state, semantic_state  # noqa: E402

CACHE_SIZE = SOURCE_SIZE


def feature_path(out: str, split: str, n: int) -> str:
    return os.path.join(out, f"{split}-{n}.f16")


def open_features(out: str, split: str, n: int, channels: int, grid: int, mode: str = "r"):
    return np.memmap(feature_path(out, split, n), np.float16, mode, shape=(n, channels, grid, grid))


def photo_l(photos: PhotoSet, idx: np.ndarray, size: int) -> torch.Tensor:
    """Model-normalized l of photos (center squares, no augmentation) at size x size."""
    rgb = photos._gather(np.asarray(idx), "cpu")
    return resize(to_model_lab(rgb)[:, :1], (size, size))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shards", default=os.path.join(HERE, "shards"))
    ap.add_argument("--out", default=os.path.join(HERE, "features"))
    ap.add_argument("--splits", nargs="*", default=["val", "train"])
    ap.add_argument("--limit", type=int, default=0, help="first N photos of each split")
    ap.add_argument("--input-size", type=int, default=256)
    ap.add_argument("--channels", type=int, default=96)
    ap.add_argument("--backbone", default="centernet", choices=list(BACKBONES),
                    help="the frozen network whose features are cached (semantic.py); ignored with a saved state")
    ap.add_argument("--fit", type=int, default=1536, help="training photos used to fit the PCA basis")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--state-from", default="",
                    help="checkpoint or slim weights whose semantic_state to reuse (continuing its training)")
    ap.add_argument("--onnx", default="", help="also write the fitted encoder as ONNX (lightness -> semantic), "
                    "for cache_semantic_ort.mjs --encoder")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    state_path = os.path.join(args.out, "semantic_state.pt")
    grid = args.input_size // 16
    if args.state_from and not os.path.exists(state_path):
        # Training continued from earlier weights must see features in the basis those weights learned on.
        from checkpoint import read_checkpoint
        st = read_checkpoint(args.state_from).get("semantic_state")
        if st is None:
            raise SystemExit(f"{args.state_from}: no semantic_state")
        if (st["input_size"], st["channels"]) != (args.input_size, args.channels):
            raise SystemExit(f"{args.state_from}: semantic_state is {st['channels']} channels at {st['input_size']}")
        torch.save({**st, "fit_photos": -1}, state_path)
    if os.path.exists(state_path):
        enc = encoder_for_state(torch.load(state_path))
    else:
        enc = SemanticEncoder(args.input_size, args.channels, backbone=args.backbone)
        train = PhotoSet(args.shards, "train", CACHE_SIZE, limit=args.limit)
        rng = np.random.RandomState(0)
        pick = np.sort(rng.choice(len(train), min(args.fit, len(train)), replace=False))
        raws = []
        t0 = time.time()
        with torch.no_grad():
            for i in range(0, len(pick), args.batch):
                raws.append(enc.raw(photo_l(train, pick[i:i + args.batch], args.input_size)))
        enc.fit(torch.cat(raws))
        torch.save({**semantic_state(enc), "explained": enc.explained, "fit_photos": int(len(pick))}, state_path)
        print(f"{args.backbone}: PCA on {len(pick)} photos in {time.time() - t0:.0f}s: {args.channels} channels explain "
              f"{enc.explained:.1%} of the standardized variance", flush=True)
    if args.onnx:
        from export import _onnx_export
        s = enc.input_size
        _onnx_export(enc.eval(), (torch.rand(2, 1, s, s) * 2 - 1,), args.onnx, ["lightness"], ["semantic"],
                     {"lightness": {0: "batch"}, "semantic": {0: "batch"}})
        print(f"{args.onnx}: the {enc.backbone} encoder", flush=True)
    for split in args.splits:
        photos = PhotoSet(args.shards, split, CACHE_SIZE, limit=args.limit)
        n = len(photos)
        path = feature_path(args.out, split, n)
        done_path = path.replace(".f16", ".done")
        done = int(open(done_path).read()) if os.path.exists(done_path) else 0
        feats = open_features(args.out, split, n, args.channels, grid, "r+" if os.path.exists(path) else "w+")
        t0, start = time.time(), done
        with torch.no_grad():
            while done < n:
                idx = np.arange(done, min(n, done + args.batch))
                feats[idx[0]:idx[-1] + 1] = enc(photo_l(photos, idx, args.input_size)).numpy().astype(np.float16)
                done = idx[-1] + 1
                if done % (args.batch * 32) == 0 or done == n:
                    feats.flush()
                    with open(done_path, "w") as f:
                        f.write(str(done))
                    rate = (done - start) / max(1e-9, time.time() - t0)
                    print(f"{split}: {done}/{n} photos, {rate:.1f}/s, eta {(n - done) / max(rate, 1e-9) / 60:.1f} min",
                          flush=True)
        with open(os.path.join(args.out, f"{split}.json"), "w") as f:
            json.dump({"split": split, "photos": n, "channels": args.channels, "grid": grid,
                       "input_size": args.input_size, "file": os.path.basename(path)}, f)


if __name__ == "__main__":
    main()
