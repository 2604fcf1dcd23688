"""Score a pack with the product itself (`color-wizard eval --run`, the TypeScript runtime) on every eval-dev
set, and combine the sets into one report (image-weighted means), for model cards and the manifest.

  /usr/bin/python3 training/ts_eval.py --pack models/cw-semantic --out training/runs/semantic/eval-ts.json

Needs the built CLI (`npm run build`). Each set's own report and a contact sheet of the first set land next
to --out. The gray baseline comes from the same run (ab = 0).

`--seeds 0 1 2` repeats the whole run per seed and reports the means (overall, and per set) and each seed's
scores: one seed's global tint is shared by every photo of the run, so a single seed moves CIEDE2000 by ~1
between checkpoints of the same quality (2026-12-02: one pack scored 13.51 at seed 0 and 12.33 at seed 1).
Compare packs on 3 seeds.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_EVAL = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "eval-dev"))
# Means that combine by image weight; the ratio is recomputed from the combined colorfulness means.
KEYS = ("psnr", "ssim", "colorfulnessPred", "colorfulnessGt", "colorfulnessAbsDelta", "ciede2000",
        "lightnessError", "diversity", "bestOfNPsnr")


def run_seed(a, seed: int, out_dir: str, stem: str, first: bool):
    """Every eval-dev set at one seed: ({set: {system: totals}}, settings, seconds)."""
    per_set, settings, seconds = {}, None, 0.0
    for i, s in enumerate(sorted(os.listdir(a.eval))):
        rep = os.path.join(out_dir, f"{stem}-{s}.json")
        # --reuse: an earlier call's report of this set and seed (same pack and options) stands for the run.
        if not (a.reuse and os.path.exists(rep)):
            cmd = ["node", os.path.join(REPO, "dist", "cli", "main.js"), "eval", "--run", "--model", a.pack,
                   "--gt", os.path.join(a.eval, s), "--size", str(a.size), "--samples", str(a.samples), "--json", rep,
                   "--seed", str(seed)]
            if a.limit:
                cmd += ["--limit", str(a.limit)]
            if i == 0 and first:
                cmd += ["--sheet", os.path.join(out_dir, f"{stem}-sheet.png")]
            subprocess.run(cmd + a.extra, check=True, stdout=subprocess.DEVNULL)
        with open(rep) as f:
            r = json.load(f)
        per_set[s] = {x["name"]: x["total"] for x in r["systems"]}
        settings = r["settings"]
        seconds += r["seconds"]["total"]
    return per_set, settings, seconds


def combine(per_set: dict) -> dict:
    """Image-weighted means over the sets, per system; the colorfulness ratio from the combined means."""
    combined = {}
    for system in ("model", "gray"):
        n = sum(v[system]["images"] for v in per_set.values())
        m = {"images": n}
        for k in KEYS:
            vals = [(v[system][k], v[system]["images"]) for v in per_set.values() if v[system].get(k) is not None]
            if vals:
                m[k] = sum(x * w for x, w in vals) / sum(w for _, w in vals)
        m["colorfulnessRatio"] = m["colorfulnessPred"] / m["colorfulnessGt"]
        combined[system] = m
    return combined


def average(runs: list) -> dict:
    """Mean of each metric over seeds (a single run is returned as it is)."""
    if len(runs) == 1:
        return runs[0]
    return {k: (sum(r[k] for r in runs) / len(runs)) for k in runs[0]
            if all(isinstance(r.get(k), (int, float)) for r in runs)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pack", required=True)
    ap.add_argument("--eval", default=DEFAULT_EVAL)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--samples", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--extra", nargs=argparse.REMAINDER, default=[], help="more eval options (e.g. --steps 8)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0], help="one run per seed, scores averaged")
    ap.add_argument("--out", required=True)
    ap.add_argument("--reuse", action="store_true",
                    help="read the per-set reports an earlier call left next to --out instead of running them again")
    a = ap.parse_args(argv)
    out_dir = os.path.dirname(os.path.abspath(a.out))
    stem = os.path.splitext(os.path.basename(a.out))[0]
    runs = [run_seed(a, seed, out_dir, stem + (f"-seed{seed}" if len(a.seeds) > 1 else ""), first=i == 0)
            for i, seed in enumerate(a.seeds)]
    settings = runs[0][1]
    per_set = {s: {system: average([r[0][s][system] for r in runs]) for system in ("model", "gray")}
               for s in runs[0][0]}
    seconds = sum(r[2] for r in runs)
    per_seed = [combine(r[0]) for r in runs]
    combined = {system: average([c[system] for c in per_seed]) for system in ("model", "gray")}
    counts = ", ".join(f"{s} {int(v['model']['images'])}" for s, v in per_set.items())
    report = {
        "evalSet": f"eval-dev ({counts}) center-cropped to {a.size}x{a.size}, {a.samples} samples, "
                   f"{settings['steps']} {settings['scheduler']} steps, CFG {settings['guidance']}, "
                   f"temperature {settings.get('temperature', 1)}, anchor {settings.get('anchor', 0)}, empty prompt, "
                   f"seed{'s' if len(a.seeds) > 1 else ''} {', '.join(map(str, a.seeds))}"
                   f"{' (means)' if len(a.seeds) > 1 else ''}; TypeScript runtime (color-wizard eval --run)",
        "settings": settings, "model": combined["model"], "grayBaseline": combined["gray"],
        "perSet": per_set,  # each set's means over the seeds
        "perSeed": {str(seed): c for seed, c in zip(a.seeds, per_seed)},
        "secondsPerImage": seconds / (combined["model"]["images"] * len(a.seeds)),
        "command": "python3 training/ts_eval.py " + " ".join(sys.argv[1:] if argv is None else argv),
    }
    with open(a.out, "w") as f:
        json.dump(report, f, indent=1)
    mo, g = combined["model"], combined["gray"]
    if len(a.seeds) > 1:
        for seed, c in zip(a.seeds, per_seed):
            print(f"  seed {seed}: PSNR {c['model']['psnr']:.2f}  CIEDE2000 {c['model']['ciede2000']:.2f}  "
                  f"colorfulness ratio {c['model']['colorfulnessRatio']:.3f}")
    print(f"{report['evalSet']}\n  PSNR {mo['psnr']:.2f} (gray {g['psnr']:.2f})  CIEDE2000 {mo['ciede2000']:.2f} "
          f"(gray {g['ciede2000']:.2f})  colorfulness ratio {mo['colorfulnessRatio']:.3f}  diversity "
          f"{mo.get('diversity', 0):.2f}  |dL| {mo['lightnessError']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
