"""Probe: which gray-image features know colors? Same small head, same CPU budget, per candidate.

  /usr/bin/python3 training/probe.py --seconds 150 --out training/runs/probe.json

Each candidate maps the gray photo to features at 16 x 16 and a small head (3 convolutions) predicts ab
there, trained with L1 against the photo's area-averaged ab for `--seconds` on the training photos.
On eval-dev (short side `--size`) the 16 x 16 ab is upsampled bilinearly, merged with the exact L, and
scored (CIEDE2000, colorfulness ratio) beside the gray baseline. Candidates:
  scratch         a CNN on l at 64 x 64 (the interim pack's kind of gray encoder), trained with the head
  NAME=DIR        a frozen encoder of semantic.py whose PCA features of the training photos DIR caches
                  (cache_semantic.py [--backbone B], cache_semantic_ort.mjs); default centernet-fpn=features
  NAME=DIR,DIR    several such encoders side by side (their features concatenated)
Differences between candidates come from the features alone: same head, data, budget and scoring (every
candidate trains on the first rows that all caches have finished).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cache_semantic import CACHE_SIZE, open_features  # noqa: E402
from colors import srgb_to_lab  # noqa: E402
from data import PhotoSet, resize, to_model_lab  # noqa: E402
from eval import DEFAULT_EVAL, ciede2000, colorfulness, load_eval_images, merge_exact_l  # noqa: E402
from semantic import encoder_for_state, semantic_input  # noqa: E402


def head(cin: int) -> nn.Module:
    return nn.Sequential(nn.Conv2d(cin, 64, 3, padding=1), nn.SiLU(), nn.Conv2d(64, 64, 3, padding=1), nn.SiLU(),
                         nn.Conv2d(64, 2, 1))


class Scratch(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.SiLU(), nn.Conv2d(32, 64, 3, stride=2, padding=1),
                                 nn.SiLU(), nn.Conv2d(64, 64, 3, padding=1), nn.SiLU(),
                                 nn.Conv2d(64, 96, 3, stride=2, padding=1), nn.SiLU())
        self.head = head(96)

    def forward(self, l64):
        return self.head(self.net(l64))


def train_candidate(name, photos, feats, rows, seconds, batch, seed=0, max_steps=0):
    """`max_steps` > 0: exactly that many steps (the same budget whatever else shares the CPU), else `seconds`.
    The rate decays along a cosine to 5 %, so the head a candidate ends with is not a snapshot of noise."""
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    model = Scratch() if name == "scratch" else head(sum(f.shape[1] for f in feats))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    t0, steps = time.time(), 0
    while (steps < max_steps) if max_steps else (time.time() - t0 < seconds):
        done = steps / max_steps if max_steps else (time.time() - t0) / seconds
        for g in opt.param_groups:
            g["lr"] = 2e-3 * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, done))))
        idx = np.sort(rng.randint(0, rows, batch))
        lab = to_model_lab(photos._gather(idx, "cpu"))
        target = F.adaptive_avg_pool2d(lab[:, 1:], 16)
        if name == "scratch":
            pred = model(resize(lab[:, :1], (64, 64)))
        else:
            pred = model(torch.cat([torch.from_numpy(np.asarray(f[idx], dtype=np.float32)) for f in feats], 1))
        loss = F.l1_loss(pred, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        steps += 1
    return model.eval(), steps


@torch.no_grad()
def evaluate(name, model, images, enc, blur=0):
    """enc: the candidate's encoders (their features concatenated), None for gray and scratch. blur > 0: the
    encoders see l through blur x blur first, as soft as the small training photos they were trained on."""
    rows = []
    for _, _, rgb in images:
        lab = srgb_to_lab(rgb)
        L = lab[..., 0]
        l = torch.from_numpy(L / 50.0 - 1.0).float()[None, None]
        if name == "gray":
            ab = np.zeros(L.shape + (2,))
        else:
            x = resize(l, (64, 64)) if name == "scratch" else torch.cat(
                [e(semantic_input(l, e.input_size, blur or e.input_size)) for e in enc], 1)
            ab16 = model(x)
            ab = (F.interpolate(ab16, size=L.shape, mode="bilinear", align_corners=False)[0] * 110).permute(1, 2, 0).numpy()
        out = merge_exact_l(L, ab)
        rows.append((float(ciede2000(srgb_to_lab(out), lab).mean()), colorfulness(out), colorfulness(rgb)))
    r = np.array(rows)
    return {"ciede2000": float(r[:, 0].mean()), "colorfulness": float(r[:, 1].mean()),
            "colorfulnessRatio": float(r[:, 1].mean() / r[:, 2].mean())}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shards", default=os.path.join(HERE, "shards"))
    ap.add_argument("--candidates", nargs="+", default=["centernet-fpn=" + os.path.join(HERE, "features")],
                    help="NAME=FEATURES_DIR of each cached frozen encoder")
    ap.add_argument("--seconds", type=float, default=150)
    ap.add_argument("--steps", type=int, default=0, help="train each candidate this many steps instead of --seconds")
    ap.add_argument("--no-scratch", action="store_true", help="leave out the from-scratch CNN")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--eval-blur", type=int, default=0,
                    help=f"also score each candidate with its encoders reading eval l through this size (the {CACHE_SIZE}-px training photos')")
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    photos = PhotoSet(args.shards, "train", CACHE_SIZE)
    cands = {} if args.no_scratch else {"scratch": (None, None)}
    rows = len(photos)
    for spec in args.candidates:
        name, folders = spec.split("=", 1)
        feats, encs = [], []
        for folder in folders.split(","):
            st = torch.load(os.path.join(folder, "semantic_state.pt"))
            feats.append(open_features(folder, "train", len(photos), st["channels"], st["input_size"] // 16))
            encs.append(encoder_for_state(st).eval())
            rows = min(rows, int(open(os.path.join(folder, f"train-{len(photos)}.done")).read()))
        cands[name] = (feats, encs)
    images = load_eval_images(DEFAULT_EVAL, args.size)
    report = {"evalImages": len(images), "trainPhotos": rows,
              **({"stepsPerCandidate": args.steps} if args.steps else {"secondsPerCandidate": args.seconds}),
              "candidates": {"gray": evaluate("gray", None, images, None)}}
    for name, (feats, enc) in cands.items():
        model, steps = train_candidate(name, photos, feats, rows, args.seconds, args.batch, max_steps=args.steps)
        report["candidates"][name] = {**evaluate(name, model, images, enc), "steps": steps}
        print(name, report["candidates"][name], flush=True)
        if args.eval_blur and enc is not None:
            report["candidates"][f"{name} (eval l via {args.eval_blur} px)"] = evaluate(name, model, images, enc, args.eval_blur)
            print(name, "blurred", report["candidates"][f"{name} (eval l via {args.eval_blur} px)"], flush=True)
    print(json.dumps(report, indent=1))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
