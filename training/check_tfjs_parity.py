"""Parity of the PyTorch port of a tfjs model (tfjs_graph.py, tfjs_layers.py) with the original run by @tensorflow/tfjs.

  /usr/bin/python3 training/check_tfjs_parity.py            # CenterNet: features, heatmap and sizes
  /usr/bin/python3 training/check_tfjs_parity.py --model mobilenet_v2   # nsfwjs MobileNetV2 (layers model)
  /usr/bin/python3 training/check_tfjs_parity.py --model inception_v3   # nsfwjs InceptionV3 (layers model)

Runs training/tfjs_reference.mjs (Node, pure-JS CPU backend) on its fixed input, runs the port on the
same input and compares every requested node: max |port - tfjs| <= atol + rtol * max |tfjs|. Exits 1 on a
mismatch. CI runs it (training/smoke.sh) after training/fetch_pretrained.sh.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tfjs_graph import TfjsGraph  # noqa: E402
from tfjs_layers import TfjsLayers  # noqa: E402
from tfjs_weights import read_model_json  # noqa: E402
from semantic import CENTERNET_JSON, INCEPTION_JSON, INCEPTION_NODES, MOBILENET_JSON, MOBILENET_NODES  # noqa: E402

NODES = ["tower_0/CenternetHead/Relu", "tower_0/CenternetHead/mul", "tower_0/keypoints", "tower_0/wh"]
# --model shorthands: (model.json, default nodes)
MODELS = {"centernet": (CENTERNET_JSON, NODES), "mobilenet_v2": (MOBILENET_JSON, list(MOBILENET_NODES)),
          "inception_v3": (INCEPTION_JSON, list(INCEPTION_NODES))}


def _arr(rec) -> np.ndarray:
    return np.frombuffer(base64.b64decode(rec["data"]), np.float32).reshape(rec["shape"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="centernet", help=f"a model.json path or one of {', '.join(MODELS)}")
    ap.add_argument("--nodes", nargs="+")
    ap.add_argument("--rtol", type=float, default=2e-3, help="relative to the largest |value| of the node")
    ap.add_argument("--atol", type=float, default=1e-4)
    args = ap.parse_args(argv)
    model, nodes = MODELS.get(args.model, (args.model, None))
    args.model, args.nodes = model, args.nodes or nodes
    if not args.nodes:
        ap.error("--nodes is required for a model path")
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as tmp:
        ref_path = os.path.join(tmp, "ref.json")
        subprocess.run(["node", os.path.join(HERE, "tfjs_reference.mjs"), args.model, ref_path, *args.nodes],
                       check=True, stdout=subprocess.DEVNULL)
        with open(ref_path) as f:
            ref = json.load(f)
    x = torch.from_numpy(_arr(ref["input"]).copy()).permute(0, 3, 1, 2)
    graph = read_model_json(args.model).get("format") == "graph-model"
    net = (TfjsGraph if graph else TfjsLayers)(args.model, outputs=args.nodes)
    with torch.no_grad():
        out = net(x)
    ok = True
    for name in args.nodes:
        want = _arr(ref["outputs"][name])
        got = out[name].numpy()
        if got.ndim == 4:
            got = got.transpose(0, 2, 3, 1)  # the port keeps NCHW; tfjs gives NHWC
        if got.shape != want.shape:
            print(f"FAIL {name}: shape {got.shape} vs tfjs {want.shape}")
            ok = False
            continue
        err = float(np.abs(got - want).max())
        scale = float(np.abs(want).max())
        tol = args.atol + args.rtol * scale
        good = err <= tol
        ok &= good
        print(f"{'ok  ' if good else 'FAIL'} {name} {list(want.shape)}: max|diff| {err:.3g} (tolerance {tol:.3g}, "
              f"max|tfjs| {scale:.3g})")
    print(f"tfjs parity: {'passed' if ok else 'FAILED'} ({ref['seconds']:.1f} s in tfjs)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
