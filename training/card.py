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
    ap.add_argument("--eval", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--note", default="")
    ap.add_argument("--extra-eval", help="a second eval.py result (e.g. more steps) shown beside the first")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    model, tok, ck = load_model(a.ckpt)
    cfg = model.cfg
    ev = json.load(open(a.eval))
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
    lines += [f"| codebook | {model.vqvae.quantizer.embed.numel():,} |", "",
              "## Training", "",
              f"Config `{cfg.name}` (training/config.py), trained by training/train.py in three stages "
              "(VQ-VAE → prior + text encoder → guider + gray encoder against the frozen prior); EMA weights exported.", ""]
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
    lines += ["", "Most sources are for research or non-commercial use only, so this pack is too.", "",
              "## Evaluation", "", ev["evalSet"] + ".", "",
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
