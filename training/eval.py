"""Evaluate a checkpoint on ../shared/data/eval-dev with the metrics of docs/eval.md, beside the gray baseline.

  /usr/bin/python3 training/eval.py --ckpt training/runs/interim/ckpt.pt --out training/runs/interim/eval.json

Each image: resized so its short side is --size (256), gray input = Lab L of that ground truth. The model
runs the full pipeline (DDIM + CFG with prior + guider, quantizer, lightness-aware decoder at full size,
exact-L merge with constant-hue chroma reduction into the sRGB gamut). Metrics: PSNR (RGB 0..255), SSIM
(RGB mean; Gaussian 11/1.5, valid), colorfulness (Hasler & Süsstrunk) of output and ground truth and the
gap, CIEDE2000 mean, lightness error mean |L_out - L_in| after 8-bit encoding, sample diversity (mean
pairwise CIEDE2000 between --samples samples), seconds and peak RSS per image. The gray baseline is
L with a = b = 0.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import sys
import time
from typing import Dict, List

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from colors import lab_to_srgb, srgb_to_lab  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_EVAL = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "eval-dev"))


# ---- metrics --------------------------------------------------------------------------------------

def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0 ** 2 / max(mse, 1e-10)))


def _gauss(n=11, sigma=1.5):
    x = np.arange(n) - (n - 1) / 2
    g = np.exp(-x ** 2 / (2 * sigma ** 2))
    return g / g.sum()


def _filt(img, g):
    """Separable valid convolution of a 2-D array."""
    from numpy.lib.stride_tricks import sliding_window_view
    r = sliding_window_view(img, len(g), axis=1) @ g
    return sliding_window_view(r, len(g), axis=0) @ g


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    g = _gauss()
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    vals = []
    for ch in range(3):
        x, y = a[..., ch].astype(np.float64), b[..., ch].astype(np.float64)
        mx, my = _filt(x, g), _filt(y, g)
        sxx = _filt(x * x, g) - mx * mx
        syy = _filt(y * y, g) - my * my
        sxy = _filt(x * y, g) - mx * my
        m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
        vals.append(m.mean())
    return float(np.mean(vals))


def colorfulness(rgb: np.ndarray) -> float:
    r, g, b = [rgb[..., i].astype(np.float64) for i in range(3)]
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.sqrt(rg.std() ** 2 + yb.std() ** 2) + 0.3 * np.sqrt(rg.mean() ** 2 + yb.mean() ** 2))


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 (Sharma, Wu & Dalal 2005), elementwise over [...,3] (colors.torch_ciede2000, in float64)."""
    import torch
    from colors import torch_ciede2000
    t1, t2 = (torch.from_numpy(np.asarray(x, dtype=np.float64)) for x in (lab1, lab2))
    return torch_ciede2000(t1, t2).numpy()


# ---- exact-L merge ----------------------------------------------------------------------------------

def _in_gamut(lab: np.ndarray) -> np.ndarray:
    from colors import _M, _WHITE
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], -1)
    xyz = np.where(f ** 3 > 216 / 24389, f ** 3, (116 * f - 16) / (24389 / 27)) * _WHITE
    lin = xyz @ np.linalg.inv(_M).T
    return np.all((lin >= -1e-6) & (lin <= 1 + 1e-6), -1)


def merge_exact_l(L: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """L [H,W] + ab [H,W,2] -> sRGB uint8, reducing chroma at constant L and hue until in gamut."""
    lab = np.concatenate([L[..., None], ab], -1).astype(np.float64)
    ok = _in_gamut(lab)
    if not ok.all():
        lo = np.zeros(L.shape)
        hi = np.ones(L.shape)
        for _ in range(14):
            mid = (lo + hi) / 2
            good = _in_gamut(np.concatenate([L[..., None], ab * mid[..., None]], -1))
            lo = np.where(good, mid, lo)
            hi = np.where(good, hi, mid)
        scale = np.where(ok, 1.0, lo)
        lab = np.concatenate([L[..., None], ab * scale[..., None]], -1)
    return lab_to_srgb(lab)


# ---- evaluation ------------------------------------------------------------------------------------

def load_eval_images(root: str, size: int, limit: int = 0):
    out = []
    for s in sorted(os.listdir(root)):
        files = sorted(f for f in glob.glob(os.path.join(root, s, "*")) if f.lower().endswith((".png", ".jpg", ".jpeg", ".webp")))
        if limit:
            files = files[:limit]
        for f in files:
            img = Image.open(f).convert("RGB")
            w, h = img.size
            k = size / min(w, h)
            img = img.resize((max(1, round(w * k)), max(1, round(h * k))), Image.BICUBIC)
            out.append((s, os.path.basename(f), np.asarray(img)))
    return out


def score(out_rgb: np.ndarray, gt_rgb: np.ndarray, L_in: np.ndarray) -> Dict[str, float]:
    lab_out, lab_gt = srgb_to_lab(out_rgb), srgb_to_lab(gt_rgb)
    return {"psnr": psnr(out_rgb, gt_rgb), "ssim": ssim(out_rgb, gt_rgb),
            "colorfulness": colorfulness(out_rgb), "colorfulnessGt": colorfulness(gt_rgb),
            "ciede2000": float(ciede2000(lab_out, lab_gt).mean()),
            "lightnessError": float(np.abs(lab_out[..., 0] - L_in).mean())}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--eval", default=DEFAULT_EVAL)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--samples", type=int, default=2)
    ap.add_argument("--steps", type=int, default=0, help="denoising steps (default: the config's)")
    ap.add_argument("--guidance", type=float, default=0.0, help="CFG scale (default: the config's)")
    ap.add_argument("--limit", type=int, default=0, help="images per set (0 = all)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    from checkpoint import load_model
    from pipeline import colorize
    model, tok, ck = load_model(args.ckpt)
    steps = args.steps or model.cfg.default_steps
    guidance = args.guidance or model.cfg.guidance_scale
    images = load_eval_images(args.eval, args.size, args.limit)
    per_set: Dict[str, Dict[str, List[float]]] = {}
    rows = []
    for k, (s, name, gt) in enumerate(images):
        lab_gt = srgb_to_lab(gt)
        L = lab_gt[..., 0]
        t0 = time.time()
        Lt = torch.from_numpy(L)[None, None].repeat(args.samples, 1, 1, 1)
        lab = colorize(model, tok, Lt, [""] * args.samples, steps=steps, guidance=guidance, seed=k).numpy()
        outs = [merge_exact_l(L, lab[i, 1:].transpose(1, 2, 0)) for i in range(args.samples)]
        secs = (time.time() - t0) / args.samples
        m = score(outs[0], gt, L)
        labs = [srgb_to_lab(o) for o in outs]
        pairs = [(i, j) for i in range(len(labs)) for j in range(i + 1, len(labs))]
        m["diversity"] = float(np.mean([ciede2000(labs[i], labs[j]).mean() for i, j in pairs])) if pairs else 0.0
        m["secondsPerImage"] = secs
        g = score(merge_exact_l(L, np.zeros(L.shape + (2,))), gt, L)
        g["diversity"] = 0.0
        for key, vals in (("model", m), ("gray", g)):
            d = per_set.setdefault(s, {}).setdefault(key, {})
            for mk, mv in vals.items():
                d.setdefault(mk, []).append(mv)
        rows.append({"set": s, "image": name, "model": m, "gray": g})
        if k % 20 == 0:
            print(f"{k}/{len(images)} {s}/{name} psnr {m['psnr']:.2f} (gray {g['psnr']:.2f}) cf {m['colorfulness']:.1f}"
                  f" gt {m['colorfulnessGt']:.1f} {secs:.2f}s", flush=True)

    def summarize(key, sets):
        vals: Dict[str, List[float]] = {}
        for s in sets:
            for mk, mv in per_set[s][key].items():
                vals.setdefault(mk, []).extend(mv)
        out = {mk: float(np.mean(v)) for mk, v in vals.items()}
        out["colorfulnessGap"] = out["colorfulnessGt"] - out["colorfulness"]
        return out

    sets = sorted(per_set)
    counts = ", ".join(f"{s} {len(per_set[s]['model']['psnr'])}" for s in sets)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "evalSet": f"eval-dev ({counts}) at short side "
                   f"{args.size}px, {args.samples} samples, {steps} DDIM steps, CFG {guidance}, empty prompt",
        "model": {**summarize("model", sets), "peakRssMiB": peak_mib},
        "grayBaseline": summarize("gray", sets),
        "perSet": {s: {"model": summarize("model", [s]), "grayBaseline": summarize("gray", [s])} for s in sets},
        "checkpoint": {"path": args.ckpt, "steps": ck["steps"], "git_sha": ck.get("git_sha")},
        "command": " ".join(["/usr/bin/python3", "training/eval.py"] + (argv or sys.argv[1:])),
    }
    print(json.dumps({k: result[k] for k in ("evalSet", "model", "grayBaseline")}, indent=1))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)
        with open(os.path.splitext(args.out)[0] + "-images.jsonl", "w") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
