"""Two feature caches side by side: one semantic encoder whose output is both encoders' outputs.

  /usr/bin/python3 training/combine_features.py --parts training/features training/features-mnv2 \
      --out training/features-cnmn

Each part is a cache_semantic.py folder (semantic_state.pt + train-<n>.f16 + .done) of one backbone. The
combined state (semantic.combine_states: raw features concatenated, block-diagonal PCA basis) is the encoder
"centernet+mobilenet_v2" whose output equals the parts' outputs concatenated, so the rows are copied, not
recomputed. The first part's objects (<split>-<n>.det) come along for object-color captions. With the first
part's basis kept as the first channels, weights trained on it continue with `train.py --widen-semantic`.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cache_semantic import open_features  # noqa: E402
from semantic import combine_states  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--split", default="train")
    ap.add_argument("--chunk", type=int, default=2048)
    a = ap.parse_args(argv)
    states = [torch.load(os.path.join(p, "semantic_state.pt")) for p in a.parts]
    state = combine_states(states)
    os.makedirs(a.out, exist_ok=True)
    names = [f for f in os.listdir(a.parts[0]) if f.startswith(f"{a.split}-") and f.endswith(".f16")]
    if len(names) != 1:
        raise SystemExit(f"{a.parts[0]}: expected one {a.split}-<n>.f16, found {names}")
    n = int(names[0][len(a.split) + 1:-4])
    grid = state["input_size"] // 16
    done = min(int(open(os.path.join(p, f"{a.split}-{n}.done")).read()) for p in a.parts)
    srcs = [open_features(p, a.split, n, s["channels"], grid) for p, s in zip(a.parts, states)]
    out_path = os.path.join(a.out, f"{a.split}-{n}.f16")
    dst = open_features(a.out, a.split, n, state["channels"], grid, "r+" if os.path.exists(out_path) else "w+")
    for i in range(0, done, a.chunk):
        j = min(done, i + a.chunk)
        dst[i:j] = np.concatenate([s[i:j] for s in srcs], 1)
    dst.flush()
    torch.save(state, os.path.join(a.out, "semantic_state.pt"))
    with open(os.path.join(a.out, f"{a.split}-{n}.done"), "w") as f:
        f.write(str(done))
    det = os.path.join(a.parts[0], f"{a.split}-{n}.det")
    if os.path.exists(det):
        shutil.copyfile(det, os.path.join(a.out, f"{a.split}-{n}.det"))
    print(f"{a.out}: {state['backbone']}, {state['channels']} channels, {done} of {n} {a.split} photos")


if __name__ == "__main__":
    main()
