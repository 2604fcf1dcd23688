"""A training-side ONNX file for the feature cache: the semantic encoder and the detector's heads in one pass.

  /usr/bin/python3 training/export_cache_encoder.py --state-from models/cw-semantic/weights/weights.0.pt \
      --out training/features/cache_encoder.onnx

CenterNet's backbone runs once per photo and gives both what the guider reads (the pack's semantic
features: the same standardization and PCA basis as `--state-from`, so rows equal the pack's
semantic_encoder.onnx) and the detection heads (class heatmap and box distances, stride 4) from which
cache_semantic_ort.mjs keeps each photo's objects for object-color captions (object_captions.py). Never
part of a pack: packs keep the semantic encoder and the detector apart, each run only when needed.
"""
from __future__ import annotations

import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from checkpoint import read_checkpoint  # noqa: E402
from detector import BOXES_NODE  # noqa: E402
from export import _onnx_export  # noqa: E402
from semantic import CENTERNET_JSON, FEATURE_NODE, HEATMAP_NODE, SemanticEncoder, l_to_gray_srgb, load_semantic_state  # noqa: E402
from tfjs_graph import TfjsGraph  # noqa: E402


class CacheEncoder(nn.Module):
    """l [B,1,S,S] -> (semantic [B,C,S/16,S/16], heatmap [B,80,S/4,S/4], boxes [B,4,S/4,S/4])."""

    def __init__(self, enc: SemanticEncoder):
        super().__init__()
        self.enc = enc  # its standardization + PCA basis
        # The same graph asked for one more node (the box head): one backbone pass gives all three.
        self.net = TfjsGraph(CENTERNET_JSON, outputs=[FEATURE_NODE, HEATMAP_NODE, BOXES_NODE])
        self.net.calibrate()
        del self.enc.net  # not needed: self.net has the same weights

    def forward(self, lightness):
        g = l_to_gray_srgb(lightness)
        out = self.net(torch.cat([g, g, g], 1))
        heat = out[HEATMAP_NODE]
        raw = torch.cat([out[FEATURE_NODE], F.max_pool2d(heat, 4)], 1)
        return self.enc.project(raw), heat, out[BOXES_NODE]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--state-from", required=True, help="checkpoint or slim weights with a semantic_state")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    st = read_checkpoint(a.state_from).get("semantic_state")
    if st is None:
        raise SystemExit(f"{a.state_from}: no semantic_state")
    enc = load_semantic_state(SemanticEncoder(st["input_size"], st["channels"]), st)
    m = CacheEncoder(enc).eval()
    s = st["input_size"]
    l = torch.rand(2, 1, s, s) * 2 - 1
    with torch.no_grad():
        ref = load_semantic_state(SemanticEncoder(s, st["channels"]), st)(l)
        got = m(l)[0]
    diff = float((ref - got).abs().max())
    if diff > 1e-4:
        raise SystemExit(f"combined encoder differs from the semantic encoder by {diff}")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    _onnx_export(m, (l,), a.out, ["lightness"], ["semantic", "heatmap", "boxes"],
                 {n: {0: "batch"} for n in ("lightness", "semantic", "heatmap", "boxes")})
    print(f"{a.out}: semantic {tuple(got.shape)} (max |diff| vs the semantic encoder {diff:.2e}), heads at stride 4")


if __name__ == "__main__":
    main()
