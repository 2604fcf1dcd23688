"""Write a pack's model card (README.md) from its checkpoint and eval.py's result.

  /usr/bin/python3 training/card.py --ckpt training/runs/interim/ckpt.pt --eval training/runs/interim/eval.json \
      --name cw-interim-64 --note "…" --out training/runs/interim/README.md
"""
from __future__ import annotations

import argparse
import os
import sys
import json

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checkpoint import load_model  # noqa: E402
from model import count_params  # noqa: E402
from prepare import SOURCES  # noqa: E402

METRICS = [("psnr", "PSNR (dB) ↑"), ("ssim", "SSIM ↑"), ("colorfulness", "colorfulness"),
           ("colorfulnessGap", "colorfulness gap to ground truth ↓"), ("ciede2000", "CIEDE2000 ↓"),
           ("lightnessError", "lightness error |L_out − L_in| ↓"), ("diversity", "diversity (pairwise CIEDE2000)")]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--eval", help="eval.py result (the PyTorch mirror), shown after the product's numbers")
    ap.add_argument("--name", required=True)
    ap.add_argument("--note", default="")
    ap.add_argument("--extra-eval", help="a second eval.py result (e.g. more steps) shown beside the first")
    ap.add_argument("--ts-eval", help="ts_eval.py result (the product's own numbers): the card's primary table")
    ap.add_argument("--probe", help="probe.py result: the backbone probe table")
    ap.add_argument("--sheet", help="contact sheet file name inside the pack, shown in the card")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    model, tok, ck = load_model(a.ckpt)
    cfg = model.cfg
    ev = json.load(open(a.eval)) if a.eval else None
    nets = [("text encoder", model.text), ("prior UNet", model.prior), ("guider", model.guider),
            ("gray encoder", model.gray), ("VQ color encoder (training only)", model.vqvae.encoder),
            ("lightness-aware decoder", model.vqvae.decoder)]
    lines = [f"# {a.name}", ""]
    if a.note:
        lines += [a.note, ""]
    lines += ["## What it is", "",
              f"A Color Wizard piggyback pack (docs/model-pack.md): working size {cfg.working_size} px, color latent "
              f"{cfg.latent_channels}×{cfg.latent_size}×{cfg.latent_size} from a {cfg.vq.codebook_size}-code VQ codebook, "
              f"text up to {cfg.text.max_length} tokens ({tok.size} words), DDIM/DPM sampling on a cosine "
              f"v-prediction schedule, lightness-aware decoder at the full output resolution; L is the input's exactly.",
              "", "| network | parameters |", "|---|---|"]
    lines += [f"| {n} | {count_params(m):,} |" for n, m in nets]
    lines += [f"| codebook | {model.vqvae.quantizer.embed.numel():,} |"]
    enc = model.__dict__.get("semantic_encoder")
    if enc is not None:
        from semantic import SEMANTIC_FEATURES, backbone_origin
        frozen = enc.frozen_weights()
        what = " and ".join(SEMANTIC_FEATURES[p] for p in enc.backbone.split("+"))
        lines += [f"| semantic encoder (frozen, pretrained) | {frozen:,} |", "",
                  f"**Semantic encoder.** {backbone_origin(enc.backbone)}. It reads the gray photo at "
                  f"{enc.input_size}×{enc.input_size} and gives the guider {enc.channels} channels at the latent grid "
                  f"({what}, standardized and PCA-projected on training photos). Nothing of it was trained here."]
    lines += ["",
              "## Training", "",
              f"Config `{cfg.name}` (training/config.py), trained by training/train.py in three stages "
              + ("(VQ-VAE → prior + text encoder → guider + gray encoder, fine-tuning the prior with it)" if cfg.guider_trains_prior
                 else "(VQ-VAE → prior + text encoder → guider + gray encoder against the frozen prior)")
              + "; EMA weights exported.", ""]
    for h in ck.get("history", []):
        lines.append(f"- {h['stage']}: {h['seconds']:.0f} s on {h['device']}, {h['images_per_s']} images/s, "
                     f"{h['steps']} steps of batch {cfg.train.batch} in all ({h['steps'] * cfg.train.batch:,} samples)")
    lines += ["", f"Git SHA at training: `{ck.get('git_sha')}`; data manifest sha256 `{ck['data_manifest_sha256']}`.", "",
              "## Data", "", "Photos from `shared/data/train` (the project's collection); captions from the labels, "
              "Flickr8k's captions and color names read from the pixels. Sources and their terms:", "",
              "| source | origin | terms | photos in the training split |", "|---|---|---|---|"]
    for d in ck["data_sources"]:
        origin = SOURCES.get(d["source"], ("", ""))[0]
        lines.append(f"| {d['source']} | {origin} | {d['terms']} | {d['photos']:,} |")
    lines += ["", "Most sources are for research or non-commercial use only, so this pack is too.", ""]
    if a.ts_eval:
        ts = json.load(open(a.ts_eval))
        mo, g = ts["model"], ts["grayBaseline"]
        rows = [("PSNR (dB) ↑", "psnr", 2), ("SSIM ↑", "ssim", 4), ("CIEDE2000 ↓", "ciede2000", 2),
                ("colorfulness", "colorfulnessPred", 1), ("colorfulness ratio (→ 1)", "colorfulnessRatio", 3),
                ("lightness error |L_out − L_in| ↓", "lightnessError", 3), ("diversity (ΔE00 between samples)", "diversity", 2),
                ("best-of-N PSNR (dB)", "bestOfNPsnr", 2)]
        lines += ["## Evaluation (the product: TypeScript runtime)", "", ts["evalSet"] + ".", "",
                  "| metric | this pack | gray baseline |", "|---|---|---|"]
        for label, k, d in rows:
            gv = g.get(k)
            lines.append(f"| {label} | {mo[k]:.{d}f} | {'' if gv is None or k == 'diversity' else f'{gv:.{d}f}'} |")
        lines += [f"| colorfulness of the ground truth | {mo['colorfulnessGt']:.1f} | |",
                  f"| seconds per image (eval run, CPU) | {ts['secondsPerImage']:.2f} | |", "",
                  "| set | PSNR | gray PSNR | CIEDE2000 | gray CIEDE2000 | colorfulness ratio |", "|---|---|---|---|---|---|"]
        for s, r in ts["perSet"].items():
            lines.append(f"| {s} | {r['model']['psnr']:.2f} | {r['gray']['psnr']:.2f} | {r['model']['ciede2000']:.2f} | "
                         f"{r['gray']['ciede2000']:.2f} | {r['model']['colorfulnessRatio']:.3f} |")
        lines += ["", f"Command: `{ts['command']}`", ""]
        if a.sheet:
            lines += [f"![eval-dev contact sheet: gray input | samples | ground truth]({a.sheet})", ""]
    if a.probe:
        pr = json.load(open(a.probe))
        lines += ["## Backbone probe", "", f"Same 3-conv head predicting ab at 16×16, {pr['secondsPerCandidate']:.0f} s "
                  f"of training each on the same CPU, scored on eval-dev ({pr['evalImages']} images, exact L, chroma "
                  "upsampled bilinearly) by `training/probe.py`:", "", "| candidate | CIEDE2000 ↓ | colorfulness ratio | steps |",
                  "|---|---|---|---|"]
        for n, r in pr["candidates"].items():
            lines.append(f"| {n} | {r['ciede2000']:.2f} | {r['colorfulnessRatio']:.3f} | {r.get('steps', '')} |")
        lines.append("")
    if ev is not None:
        lines += ["## Evaluation (PyTorch mirror)" if a.ts_eval else "## Evaluation", "", ev["evalSet"] + ".", "",
                  "| metric | this pack | gray baseline |", "|---|---|---|"]
        for k, label in METRICS:
            lines.append(f"| {label} | {ev['model'][k]:.3f} | {ev['grayBaseline'][k]:.3f} |")
        lines.append(f"| colorfulness of the ground truth | {ev['model']['colorfulnessGt']:.2f} | |")
        lines.append(f"| seconds per image (PyTorch, CPU) | {ev['model']['secondsPerImage']:.2f} | |")
        if a.extra_eval:
            ex = json.load(open(a.extra_eval))
            lines += ["", f"With other settings: {ex['evalSet']}.", "", "| metric | this pack | gray baseline |", "|---|---|---|"]
            for k, label in METRICS:
                lines.append(f"| {label} | {ex['model'][k]:.3f} | {ex['grayBaseline'][k]:.3f} |")
            lines += ["", f"Command: `{ex['command']}`"]
        lines += ["", "Per set (first table's settings):", "", "| set | PSNR | gray PSNR | CIEDE2000 | gray CIEDE2000 | colorfulness (gt) |",
                  "|---|---|---|---|---|---|"]
        for s, r in ev["perSet"].items():
            lines.append(f"| {s} | {r['model']['psnr']:.2f} | {r['grayBaseline']['psnr']:.2f} | {r['model']['ciede2000']:.2f} | "
                         f"{r['grayBaseline']['ciede2000']:.2f} | {r['model']['colorfulness']:.1f} ({r['model']['colorfulnessGt']:.1f}) |")
        lines += ["", f"Command: `{ev['command']}`", ""]
    with open(a.out, "w") as f:
        f.write("\n".join(lines))
    print(a.out)


if __name__ == "__main__":
    main()
