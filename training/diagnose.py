"""Where the error comes from: the pack's pieces scored one at a time on eval-dev (PyTorch mirror).

  /usr/bin/python3 training/diagnose.py --ckpt models/cw-semantic/weights/weights.0.pt --limit 12

Rows (CIEDE2000 and colorfulness ratio, exact L, 256² center crops, beside gray):
  - block-avg ab     the true chroma averaged over latent cells, upsampled bilinearly: what a 16×16 grid can hold
  - VQ true latent   the ground truth's own latent, quantized, through the lightness-aware decoder (the VQ ceiling)
  - VQ unquantized   the same latent before the codebook
  - x0 at t=T        the model's clean-latent estimate from pure noise (one step: its mean guess)
  - sample k steps   the pipeline's DDIM samples (the product's default path)
A row far above the one before it names the piece that loses the most.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from colors import srgb_to_lab  # noqa: E402
from data import resize  # noqa: E402
from eval import DEFAULT_EVAL, ciede2000, colorfulness, load_eval_images, merge_exact_l  # noqa: E402
from model import AB_SCALE  # noqa: E402


def center_square(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    s = min(h, w)
    return rgb[(h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s]


@torch.no_grad()
def rows_for(model, tok, gt: np.ndarray, steps: int, seed: int) -> dict:
    from pipeline import decode_ab, encode_text, sample_latents
    from semantic import semantic_features
    cfg = model.cfg
    lab = srgb_to_lab(gt)
    L = lab[..., 0]
    t = torch.from_numpy(lab.transpose(2, 0, 1)).float()[None]
    l_full = t[:, :1] / 50 - 1
    lab_model = torch.cat([l_full, t[:, 1:] / AB_SCALE], 1)
    S = cfg.working_size
    z = model.vqvae.encoder(resize(lab_model, (S, S)))
    out = {}
    g = cfg.latent_size
    avg = F.interpolate(F.adaptive_avg_pool2d(t[:, 1:], g), size=L.shape, mode="bilinear", align_corners=False)
    out["block-avg ab"] = avg[0].numpy().transpose(1, 2, 0)
    out["VQ true latent"] = decode_ab(model, model.vqvae.quantizer.quantize(z), l_full)[0].numpy().transpose(1, 2, 0)
    out["VQ unquantized"] = decode_ab(model, z, l_full)[0].numpy().transpose(1, 2, 0)
    l_small = resize(l_full, (S, S))
    sem = semantic_features(model, l_full)
    hint = torch.zeros(1, 3, S, S)
    gray = model.gray(l_small)
    ctx = encode_text(model, tok, [""], l_full.device)
    x = torch.randn(1, cfg.latent_channels, g, g, generator=torch.Generator().manual_seed(seed))
    T = torch.full((1,), float(cfg.num_train_timesteps - 1))
    v = model.predict(x, T, ctx, gray, hint, semantic=sem)
    from diffusion import Schedule
    sch = Schedule(cfg.num_train_timesteps)
    a = sch.alphas_cumprod[-1].float().sqrt()
    s_ = (1 - sch.alphas_cumprod[-1]).float().sqrt()
    x0 = a * x - s_ * v  # v-prediction: x0 = sqrt(abar) x_t - sqrt(1 - abar) v
    out["x0 at t=T"] = decode_ab(model, model.vqvae.quantizer.quantize(x0 / model.latent_scale), l_full)[0].numpy().transpose(1, 2, 0)
    q = sample_latents(model, tok, l_small, [""], steps=steps, seed=seed, semantic=sem)
    out[f"sample {steps} steps"] = decode_ab(model, q, l_full)[0].numpy().transpose(1, 2, 0)
    return {k: merge_exact_l(L, ab) for k, ab in out.items()}, L


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--eval", default=DEFAULT_EVAL)
    ap.add_argument("--limit", type=int, default=12, help="images per set")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    from checkpoint import load_model
    model, tok, _ = load_model(a.ckpt)
    scores: dict = {}
    images = load_eval_images(a.eval, 256, a.limit)
    for k, (_, _, img) in enumerate(images):
        gt = center_square(img)
        outs, L = rows_for(model, tok, gt, a.steps, k)
        lab_gt = srgb_to_lab(gt)
        cg = colorfulness(gt)
        outs = {"gray": merge_exact_l(L, np.zeros(L.shape + (2,))), **outs}
        for name, rgb in outs.items():
            s = scores.setdefault(name, {"ciede2000": [], "cf": [], "cfgt": []})
            s["ciede2000"].append(float(ciede2000(srgb_to_lab(rgb), lab_gt).mean()))
            s["cf"].append(colorfulness(rgb))
            s["cfgt"].append(cg)
    print(f"{len(images)} eval-dev images at 256² ({a.ckpt})")
    print(f"{'row':<18} {'CIEDE2000':>9} {'colorfulness ratio':>19}")
    for name, s in scores.items():
        print(f"{name:<18} {np.mean(s['ciede2000']):9.2f} {np.mean(s['cf']) / np.mean(s['cfgt']):19.3f}")


if __name__ == "__main__":
    main()
