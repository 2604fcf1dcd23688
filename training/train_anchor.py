"""Train the anchor head (anchor.py) on cached semantic features, then score it in the PyTorch mirror.

  nice /usr/bin/python3 training/train_anchor.py --weights models/cw-semantic/weights/weights.0.pt \
      --features training/features-incv3 --steps 3000 --out training/runs/anchor/anchor.pt
  /usr/bin/python3 training/train_anchor.py --weights W --load training/runs/anchor/anchor.pt --steps 0 \
      --score val --anchors 0 0.5 0.7

Targets: each training photo's colour latent at working size (the VQ-VAE encoder of the weights, times
latent_scale: the x0 their diffusion learned), L1, batch 64, AdamW with the rate decaying along a cosine,
photo and features flipped together at random. The features (cache_semantic.py) may be another backbone's
than the guider reads: the anchor keeps its encoder's semantic state and ships with it (export_anchor.py).
`--score val|dev`: the head alone (its latent quantized and decoded with the exact L) and runs anchored at
each `--anchors` value (4 DDIM steps, empty prompt), beside gray (`--flip-average`: as the pack's graph averages
the photo's and its mirror's guesses); val = held-out training-split photos (pick settings there), dev = eval-dev
center-cropped to 256 (report only; the product's eval --run is the judge).
Several `--features` folders (one input size, CenterNet's first): the head reads their features side by side, and
anchor.pt keeps their combined state (semantic.combine_states: one encoder running every backbone, as
combine_features.py makes for the guider). `--context`, `--depth`, `--dilation`: AnchorHead.
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
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from anchor import AnchorHead, attach_anchor  # noqa: E402
from cache_semantic import CACHE_SIZE, open_features  # noqa: E402
from checkpoint import load_model, torch_load  # noqa: E402
from colors import srgb_to_lab, torch_ciede2000  # noqa: E402
from data import PhotoSet, resize, to_model_lab  # noqa: E402
from eval import DEFAULT_EVAL, ciede2000, colorfulness, load_eval_images, merge_exact_l, psnr  # noqa: E402
from model import AB_SCALE  # noqa: E402
from pipeline import decode_ab, sample_latents  # noqa: E402
from semantic import combine_states, read_semantic_state, semantic_features  # noqa: E402


@torch.no_grad()
def latent_targets(model, photos, rows, chunk=256):
    """Every training photo's scaled colour latent at working size, computed once (the encoder is the slow
    part of a step; a flipped photo's latent is taken as the flipped latent)."""
    S = model.cfg.working_size
    out = torch.empty(rows, model.cfg.latent_channels, S // 4, S // 4, dtype=torch.float16)
    t0 = time.time()
    for i in range(0, rows, chunk):
        idx = np.arange(i, min(rows, i + chunk))
        lab = to_model_lab(resize(photos._gather(idx, "cpu"), (S, S)))
        out[i:i + len(idx)] = (model.vqvae.encode(lab) * model.latent_scale).half()
    print(f"latent targets of {rows} photos in {time.time() - t0:.0f}s", flush=True)
    return out


def cached_targets(model, photos, rows, path=None):
    """latent_targets, kept in `path` when given (10 min on 2 cores for every training photo): a second head on
    the same weights (more steps, --init) reads them back. The file names the weights' VQ-VAE by a checksum of
    its parameters, so targets of other weights are never reused."""
    if path is None:
        return latent_targets(model, photos, rows)
    key = float(sum(p.double().sum() for p in model.vqvae.parameters()))
    if os.path.exists(path):
        saved = torch_load(path)
        if saved["rows"] == rows and saved["vq_checksum"] == key:
            print(f"latent targets read from {path}", flush=True)
            return saved["targets"]
        print(f"{path} holds other targets: computing them again", flush=True)
    targets = latent_targets(model, photos, rows)
    torch.save({"rows": rows, "vq_checksum": key, "targets": targets}, path)
    return targets


OBJECTIVES = ("latent", "decoded", "ciede")


def train(model, photos, feats, rows, steps, batch, lr, seed=0, log_every=100, objective="latent", init=None,
          targets_path=None, head_shape=None, latent_weight=0.0, decode_size=None, balance=0.0):
    """objective: L1 to the photo's latent ("latent"), or a loss on the chroma the decoder gives the head's latent
    with the photo's L at decode_size (default: working size): L1 against the photo's ab ("decoded") or CIEDE2000
    against its colours ("ciede", what eval-dev is judged by). The mean of latents does not decode to the mean
    colour (the decoder is not linear), so the latent loss's optimum decodes greyer; and the error that minimizes
    L1 is not the one that minimizes CIEDE2000, which forgives chroma errors more where chroma is high. The decoded
    objectives cost ~30x per step (the decoder runs forward and back); latent_weight adds that many times the
    latent L1, keeping the guess where the sampler expects latents. The latent is decoded unquantized: the anchor
    is where sampling starts, and quantizing it with a straight-through gradient made the loss climb (0.079 ->
    0.138 over 200 steps from the latent-trained head). balance: photos drawn ∝ n_source^-balance
    (PhotoSet.source_weights; 0 = uniform, where sports, cars and pets set most of the colour prior)."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective {objective!r}: one of {', '.join(OBJECTIVES)}")
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    S = decode_size or model.cfg.working_size
    decoded = objective != "latent"
    need_targets = not decoded or latent_weight > 0
    targets = cached_targets(model, photos, rows, targets_path) if need_targets else None
    head = AnchorHead(feats.shape[1], model.cfg.latent_channels, **(head_shape or {}))
    if init is not None:
        head.load_state_dict(init)
    for p in model.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(head.parameters(), lr=lr)
    p = photos.source_weights(balance)[:rows] if balance else None
    p = p / p.sum() if p is not None else None
    t0, run = time.time(), 0.0
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        idx = np.sort(rng.randint(0, rows, batch) if p is None else rng.choice(rows, batch, p=p))
        sem = torch.from_numpy(np.asarray(feats[idx], dtype=np.float32))
        flip = torch.from_numpy(rng.rand(batch) < 0.5)[:, None, None, None]
        sem = torch.where(flip, sem.flip(-1), sem)
        z = head(sem)
        loss = torch.zeros(())
        if need_targets:
            z0 = targets[idx].float()
            loss = F.l1_loss(z, torch.where(flip, z0.flip(-1), z0)) * (latent_weight if decoded else 1.0)
        if decoded:
            lab = to_model_lab(resize(photos._gather(idx, "cpu"), (S, S)))
            lab = torch.where(flip, lab.flip(-1), lab)
            ab = model.vqvae.decode(z / model.latent_scale, lab[:, :1])
            if objective == "decoded":
                loss = loss + F.l1_loss(ab, lab[:, 1:])
            else:  # CIEDE2000 of the colours, in Lab units (the exact L on both sides); in tens of ΔE00, so
                # the loss is of the latent L1's order and the same learning rates apply
                L = (lab[:, :1] + 1) * 50
                loss = loss + torch_ciede2000(torch.cat([L, ab * AB_SCALE], 1), torch.cat([L, lab[:, 1:] * AB_SCALE], 1),
                                              dim=1, eps=1e-4).mean() / 10
        opt.zero_grad()
        loss.backward()
        opt.step()
        run = 0.98 * run + 0.02 * float(loss) if step else float(loss)
        if (step + 1) % log_every == 0 or step + 1 == steps:
            print(f"step {step + 1}/{steps} loss {run:.4f} ({time.time() - t0:.0f}s)", flush=True)
    return head.eval(), time.time() - t0


class StackedFeatures:
    """Cached feature arrays of the same photos, read side by side along the channels: what combine_features.py
    writes to disk as one cache, read on the fly instead (no second copy of gigabytes for a head's training)."""

    def __init__(self, arrays):
        self.arrays = arrays
        self.shape = (arrays[0].shape[0], sum(x.shape[1] for x in arrays), *arrays[0].shape[2:])

    def __getitem__(self, idx):
        if len(self.arrays) == 1:
            return self.arrays[0][idx]
        return np.concatenate([x[idx] for x in self.arrays], 1)


def val_latents(head, folders, shards):
    """The head's latents of the val photos from their cached features (score(cached=...)); the caches hold the
    128-px photos enlarged to the encoders' input, what semantic_input gives them."""
    if not folders:
        raise SystemExit("--score val-cached needs the --features the head reads")
    n = len(PhotoSet(shards, "val", CACHE_SIZE))
    feats = StackedFeatures([open_features(f, "val", n, s["channels"], s["input_size"] // 16)
                             for f, s in ((f, read_semantic_state(f)) for f in folders)])
    return lambda i, k: head(torch.from_numpy(np.asarray(feats[i:i + k], dtype=np.float32)))


def score_images(name: str, shards: str, limit: int):
    """Ground-truth sRGB photos to score on: val photos (128 px squares) or eval-dev center crops of 256."""
    if name == "val":
        photos = PhotoSet(shards, "val", CACHE_SIZE)
        n = min(limit or len(photos), len(photos))
        rgb = photos._gather(np.arange(n), "cpu")
        return [(r.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8) for r in rgb]
    out = []
    for _, _, rgb in load_eval_images(DEFAULT_EVAL, 256, limit):
        h, w = rgb.shape[:2]
        y, x = (h - 256) // 2, (w - 256) // 2
        out.append(rgb[y:y + 256, x:x + 256])
    return out


@torch.no_grad()
def score(model, tok, images, anchors, temperature, seeds, steps=4, batch=16, cached=None, groups=None):
    """cached: the head's latents of photos i..i+k-1 from cached features (a function of i, k): the head alone
    is scored without running the encoders (seconds instead of minutes), and no anchored runs. groups: each
    photo's source; the scores then add `perSource` means, each source alike (the val split is a mix where
    sports and cars outnumber scenes, not the mix people bring)."""
    S = model.cfg.working_size
    gts = images
    labs = [srgb_to_lab(g) for g in gts]
    results, inputs = {}, {}

    def chunk_inputs(i):
        """The guider's features and the anchor's latent of chunk i: once, whatever the variant and seed."""
        if i not in inputs:
            l_full = torch.from_numpy(np.stack([c[..., 0] for c in labs[i:i + batch]])).float()[:, None] / 50.0 - 1.0
            inputs[i] = (l_full, None, cached(i, len(l_full))) if cached else \
                (l_full, semantic_features(model, l_full), model.anchor.latent(l_full))
        return inputs[i]

    variants = [("gray", None)] + [("head alone", -1.0)] + [(f"anchor {a:g}", a) for a in ([] if cached else anchors)]
    for name, a in variants:
        rows = []
        for seed in (seeds if a is not None and a >= 0 else [0]):
            for i in range(0, len(gts), batch):
                chunk = labs[i:i + batch]
                if a is None:
                    ab = torch.zeros(len(chunk), 2, *chunk[0].shape[:2])
                else:
                    l_full, sem, init = chunk_inputs(i)
                    if a < 0:
                        q = model.vqvae.quantizer.quantize(init / model.latent_scale)
                    else:
                        q = sample_latents(model, tok, resize(l_full, (S, S)), [""] * len(chunk), steps=steps,
                                           seed=seed + 1000 * i, semantic=sem, temperature=temperature,
                                           init=init, anchor=a)
                    ab = decode_ab(model, q, l_full)
                for k in range(len(chunk)):
                    out = merge_exact_l(chunk[k][..., 0], ab[k].permute(1, 2, 0).numpy())
                    gt = gts[i + k]
                    rows.append((float(ciede2000(srgb_to_lab(out), chunk[k]).mean()), psnr(out, gt),
                                 colorfulness(out), colorfulness(gt)))
        r = np.array(rows)
        results[name] = {"ciede2000": round(float(r[:, 0].mean()), 3), "psnr": round(float(r[:, 1].mean()), 3),
                         "colorfulnessRatio": round(float(r[:, 2].mean() / r[:, 3].mean()), 3)}
        if groups is not None:
            g = np.array(list(groups) * (len(r) // len(groups)))  # rows run seed after seed
            per = [r[g == n] for n in sorted(set(groups))]
            results[name]["perSource"] = {
                "ciede2000": round(float(np.mean([x[:, 0].mean() for x in per])), 3),
                "colorfulnessRatio": round(float(np.mean([x[:, 2].mean() / max(1e-9, x[:, 3].mean()) for x in per])), 3)}
        print(name, results[name], flush=True)
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True, help="slim weights or checkpoint whose VQ-VAE gives the targets")
    ap.add_argument("--features", nargs="+", help="cache_semantic.py folder of the anchor's encoder (any backbone); "
                                                  "several: their features side by side (one input size, "
                                                  "CenterNet's first)")
    ap.add_argument("--shards", default=os.path.join(HERE, "shards"))
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--objective", choices=OBJECTIVES, default="latent",
                    help="L1 to the latent, or L1 / CIEDE2000 of the decoded chroma (~30x slower per step)")
    ap.add_argument("--latent-weight", type=float, default=0.0, help="with a decoded objective: plus this times the "
                                                                      "latent L1")
    ap.add_argument("--decode-size", type=int, help="decoded objectives: the photos' size (default: working size)")
    ap.add_argument("--init", help="start the head from this anchor.pt (same encoder features)")
    ap.add_argument("--width", type=int, default=64, help="the head's channels")
    ap.add_argument("--depth", type=int, default=2, help="the head's 3x3 layers")
    ap.add_argument("--balance", type=float, default=0.0, help="draw photos ∝ n_source^-B (1: every source alike)")
    ap.add_argument("--context", action="store_true", help="every cell also reads the photo's mean features")
    ap.add_argument("--dilation", type=int, default=1, help="spacing of the 3x3 layers after the first")
    ap.add_argument("--targets", help="keep the latent targets in this file and read them back on the next call")
    ap.add_argument("--rows", type=int, default=0, help="train on the first N cached photos only (smoke tests)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", help="where the trained head goes (anchor.pt)")
    ap.add_argument("--load", help="score this trained head instead of training one (with --steps 0)")
    ap.add_argument("--score", choices=("val", "dev", "val-cached"), action="append", default=[],
                    help="val-cached: the head alone on the val photos' cached --features (fast; no --flip-average)")
    ap.add_argument("--limit", type=int, default=0, help="first N scoring photos")
    ap.add_argument("--anchors", type=float, nargs="*", default=[0.5])
    ap.add_argument("--temperature", type=float, default=0.7)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--flip-average", action="store_true",
                    help="score the head as export_anchor.py --flip-average exports it (photo and mirror averaged)")
    ap.add_argument("--json", help="write the scores here")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    model, tok, ck = load_model(a.weights)
    if a.steps:
        if not a.features or not a.out:
            raise SystemExit("training needs --features and --out")
        states = [read_semantic_state(f) for f in a.features]
        photos = PhotoSet(a.shards, "train", CACHE_SIZE)
        rows = min(int(open(os.path.join(f, f"train-{len(photos)}.done")).read()) for f in a.features)
        rows = min(rows, a.rows) if a.rows else rows
        feats = StackedFeatures([open_features(f, "train", len(photos), s["channels"], s["input_size"] // 16)
                                 for f, s in zip(a.features, states)])
        state = states[0] if len(states) == 1 else combine_states(states)
        prev = torch_load(a.init) if a.init else None
        init = prev["weights"] if prev else None
        shape = {k: v for k, v in prev["shape"].items() if k not in ("channels", "latent_channels")} if prev else \
            {"width": a.width, "depth": a.depth, "context": a.context, "dilation": a.dilation}
        head, seconds = train(model, photos, feats, rows, a.steps, a.batch, a.lr, objective=a.objective, init=init,
                              log_every=100 if a.objective == "latent" else 10, targets_path=a.targets,
                              head_shape=shape, latent_weight=a.latent_weight, decode_size=a.decode_size,
                              balance=a.balance)
        saved = {"shape": head.shape, "weights": {k: v.detach().clone() for k, v in head.state_dict().items()},
                 "steps": a.steps + (prev.get("steps", 0) if prev else 0), "batch": a.batch,
                 "objective": a.objective + (f" + {a.latent_weight:g} latent L1" if a.latent_weight else ""),
                 "init": os.path.basename(a.init) if a.init else None, "balance": a.balance, "seconds": round(seconds, 1), "photos": rows,
                 "semantic_state": state}
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        torch.save(saved, a.out)
        print(f"saved {a.out} ({a.steps} steps, {seconds:.0f}s)")
        attach_anchor(model, saved, a.flip_average)
    elif a.load:
        attach_anchor(model, torch_load(a.load), a.flip_average)
    else:
        raise SystemExit("nothing to do: --steps N to train or --load a head to score")
    report = {}
    for name in a.score:
        print(f"-- {name}", flush=True)
        cached = val_latents(model.anchor.head, a.features, a.shards) if name == "val-cached" else None
        images = score_images(name.split("-")[0], a.shards, a.limit)
        groups = [r["source"] for r in PhotoSet(a.shards, "val", CACHE_SIZE).index[:len(images)]] \
            if name.startswith("val") else None
        report[name] = score(model, tok, images, a.anchors, a.temperature, a.seeds, cached=cached, groups=groups)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"temperature": a.temperature, "seeds": a.seeds, **report}, f, indent=1)


if __name__ == "__main__":
    main()
