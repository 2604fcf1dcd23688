"""Probe: which gray-image features know colors? Same small head, same CPU budget, per candidate.

  /usr/bin/python3 training/probe.py --seconds 150 --out training/runs/probe.json

Each candidate maps the gray photo to features at 16 x 16 and a small head (3 convolutions) predicts ab
there, trained with L1 against the photo's area-averaged ab for `--seconds` on the training photos (`--objective
ce`: classes of ab with cross-entropy and class rebalancing, chroma_bins.py, scored per annealed-mean temperature).
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
from chroma_bins import ChromaBins  # noqa: E402
from colors import srgb_to_lab  # noqa: E402
from data import PhotoSet, resize, to_model_lab  # noqa: E402
from eval import DEFAULT_EVAL, ciede2000, colorfulness, load_eval_images, merge_exact_l  # noqa: E402
from semantic import encoder_for_state, semantic_input  # noqa: E402


HEAD = {"width": 64, "depth": 2}  # --head-width / --head-depth: the 3x3 layers of every candidate's head


def head(cin: int, cout: int = 2) -> nn.Module:
    layers, c = [], cin
    for _ in range(HEAD["depth"]):
        layers += [nn.Conv2d(c, HEAD["width"], 3, padding=1), nn.SiLU()]
        c = HEAD["width"]
    return nn.Sequential(*layers, nn.Conv2d(c, cout, 1))


class Scratch(nn.Module):
    def __init__(self, cout: int = 2):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.SiLU(), nn.Conv2d(32, 64, 3, stride=2, padding=1),
                                 nn.SiLU(), nn.Conv2d(64, 64, 3, padding=1), nn.SiLU(),
                                 nn.Conv2d(64, 96, 3, stride=2, padding=1), nn.SiLU())
        self.head = head(96, cout)

    def forward(self, l64):
        return self.head(self.net(l64))


def train_candidate(name, photos, feats, rows, seconds, batch, seed=0, max_steps=0, bins=None):
    """`max_steps` > 0: exactly that many steps (the same budget whatever else shares the CPU), else `seconds`.
    The rate decays along a cosine to 5 %, so the head a candidate ends with is not a snapshot of noise."""
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    cout = bins.q if bins else 2
    model = Scratch(cout) if name == "scratch" else head(sum(f.shape[1] for f in feats), cout)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    t0, steps = time.time(), 0
    while (steps < max_steps) if max_steps else (time.time() - t0 < seconds):
        done = steps / max_steps if max_steps else (time.time() - t0) / seconds
        for g in opt.param_groups:
            g["lr"] = 2e-3 * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, done))))
        idx = np.sort(rng.randint(0, rows, batch))
        lab = to_model_lab(photos._gather(idx, "cpu"))
        if name == "scratch":
            pred = model(resize(lab[:, :1], (64, 64)))
        else:
            pred = model(torch.cat([torch.from_numpy(np.asarray(f[idx], dtype=np.float32)) for f in feats], 1))
        if bins is None:
            loss = F.l1_loss(pred, F.adaptive_avg_pool2d(lab[:, 1:], 16))
        else:
            hist = bins.histogram(lab[:, 1:], 16)
            loss = -(hist * torch.log_softmax(pred, 1)).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        steps += 1
    return model.eval(), steps


@torch.no_grad()
def eval_inputs(name, images, enc, blur=0):
    """Per eval photo: (L, its Lab, its sRGB, the candidate's input). enc: the candidate's encoders (features
    concatenated), None for gray and scratch. blur > 0: the encoders see l through blur x blur first, as soft
    as the small training photos they were trained on."""
    out = []
    for _, _, rgb in images:
        lab = srgb_to_lab(rgb)
        L = lab[..., 0]
        l = torch.from_numpy(L / 50.0 - 1.0).float()[None, None]
        x = None if name == "gray" else resize(l, (64, 64)) if name == "scratch" else torch.cat(
            [e(semantic_input(l, e.input_size, blur or e.input_size)) for e in enc], 1)
        out.append((L, lab, rgb, x))
    return out


@torch.no_grad()
def evaluate(model, inputs, bins=None, t=1.0):
    """Scores of the head's 16 x 16 ab, upsampled and merged with the exact L; model None = gray."""
    rows = []
    for L, lab, rgb, x in inputs:
        if model is None:
            ab = np.zeros(L.shape + (2,))
        else:
            ab16 = model(x) if bins is None else bins.decode(model(x), t)
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
    ap.add_argument("--objective", choices=("l1", "ce"), default="l1",
                    help="l1: regress the cells' mean ab; ce: classify ab bins (ChromaBins), decoded by the annealed mean")
    ap.add_argument("--rebalance", type=float, nargs="+", default=[0.5],
                    help="ce: uniform share(s) of the class rebalancing, one head per value (1 = plain cross-entropy)")
    ap.add_argument("--temperatures", type=float, nargs="+", default=[1.0, 0.6, 0.38, 0.2], help="ce: annealed-mean temperatures scored")
    ap.add_argument("--head-width", type=int, default=64, help="channels of the head's 3x3 layers")
    ap.add_argument("--head-depth", type=int, default=2, help="number of the head's 3x3 layers")
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    HEAD.update(width=args.head_width, depth=args.head_depth)
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
    report = {"evalImages": len(images), "trainPhotos": rows, "objective": args.objective, "head": dict(HEAD),
              **({"stepsPerCandidate": args.steps} if args.steps else {"secondsPerCandidate": args.seconds}),
              "candidates": {"gray": evaluate(None, eval_inputs("gray", images, None))}}
    variants = [(None, "")] if args.objective == "l1" else [(lam, f" ce rebalance {lam:g}") for lam in args.rebalance]
    # The class frequencies that rebalancing inverts: one fixed sample of training photos for every head.
    freq_ab = None if args.objective == "l1" else to_model_lab(
        photos._gather(np.sort(np.random.RandomState(1).choice(rows, 2048, replace=False)), "cpu"))[:, 1:]
    for name, (feats, enc) in cands.items():
        inputs = eval_inputs(name, images, enc)
        blurred = eval_inputs(name, images, enc, args.eval_blur) if args.eval_blur and enc is not None else None
        for lam, tag in variants:
            bins = None
            if lam is not None:
                bins = ChromaBins()
                bins.fit_weights(freq_ab, lam)
            model, steps = train_candidate(name, photos, feats, rows, args.seconds, args.batch, max_steps=args.steps, bins=bins)
            temps = [1.0] if bins is None else args.temperatures
            for t in temps:
                key = name + tag + (f" T{t:g}" if bins is not None else "")
                report["candidates"][key] = {**evaluate(model, inputs, bins, t), "steps": steps}
                print(key, report["candidates"][key], flush=True)
                if blurred is not None:
                    report["candidates"][f"{key} (eval l via {args.eval_blur} px)"] = evaluate(model, blurred, bins, t)
                    print(key, "blurred", report["candidates"][f"{key} (eval l via {args.eval_blur} px)"], flush=True)
    print(json.dumps(report, indent=1))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
